package dev.lumiaagent.cli;

import dev.lumiaagent.flow.FlowContext;
import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.flow.FlowRunner;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.SoftResetFlow;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumia-agent soft-reset}: the extended reboot, over USB or guided by keys, watched until the phone is back. */
@Command(name = "soft-reset", mixinStandardHelpOptions = true,
        description = {"Restarts the phone (the \"extended reboot\"; nothing is erased): over USB when it answers, otherwise by "
                + "guiding you through Volume-Down + Power. Waits for the phone to come back in normal mode and confirms it "
                + "is the same phone.",
                "Without --port, acts on the only phone on the bus; with --port and no phone there, guides the key reset "
                + "and waits for the phone to appear on that port."})
final class SoftResetCommand implements Callable<Integer> {
    @Mixin
    BusOptions busOptions;

    @Mixin
    PhoneSelection selection;

    @Mixin
    JobOptions jobs;

    @Mixin
    StoreOptions storeOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (dev.lumiaagent.transport.TracingBus bus = busOptions.openTraced()) {
            Optional<UsbDevice> phone = selection.select(bus);
            PortPath port = phone.map(UsbDevice::port).orElseGet(() -> selection.port().orElseThrow());
            // On an in-process simulated bench the job's simulated technician presses the keys (BenchRun.perJob).
            return jobs.runOne(new dev.lumiaagent.job.JobSpec.SoftReset(), bus, busOptions.clock(), port, phone,
                    dev.lumiaagent.flow.gate.Consent.none(), storeOptions, out, spec.commandLine().getErr(),
                    List.of(new ConsoleProgress(out, System.console() != null)));
        }
    }
}
