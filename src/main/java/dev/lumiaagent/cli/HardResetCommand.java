package dev.lumiaagent.cli;

import dev.lumiaagent.firmware.FirmwareLibrary;
import dev.lumiaagent.flow.FlowContext;
import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.flow.FlowRunner;
import dev.lumiaagent.flow.HardResetFlow;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.ReflashFlow;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumia-agent hard-reset}: the factory reset, by the strongest method the phone's state allows, watched until it is back. */
@Command(name = "hard-reset", mixinStandardHelpOptions = true,
        description = {"Factory-resets the phone: apps, messages, pictures and settings are erased; the OS version stays "
                + "(only a reflash changes it). Methods: settings (the owner resets it from Settings), keys (the guided key "
                + "sequence, for an unresponsive phone), usb-wipe (erase the Data partition in the UEFI flash app), reflash "
                + "(the stock FFU: the factory state). auto picks the strongest the phone's state allows and says why.",
                "Before anything is erased: the battery, the backup and reset-protection warnings, and the owner's consent "
                + "(--yes, or a prompt). The reset is watched over USB (usually under 30 minutes, at most 3 hours)."})
final class HardResetCommand implements Callable<Integer> {
    @Mixin
    BusOptions busOptions;

    @Mixin
    PhoneSelection selection;

    @Option(names = "--method", paramLabel = "M", defaultValue = "auto",
            description = "auto (default), settings, keys, usb-wipe or reflash.")
    String method;

    @Mixin
    ConsentOptions consentOptions;

    @Option(names = "--ffu", paramLabel = "FILE", description = "The stock FFU for a reflash (else looked up in the firmware library).")
    Path ffuPath;

    @Option(names = "--firmware-dir", paramLabel = "DIR",
            description = "The firmware library (default $LUMIA_AGENT_FIRMWARE or the user's data directory).")
    Path firmwareDir;

    @Mixin
    JobOptions jobs;

    @Mixin
    StoreOptions storeOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        HardResetFlow.Method m = HardResetFlow.Method.parse(method);
        if (ffuPath != null) {
            FilePaths.requireFile(ffuPath, "--ffu", "FFU", ".ffu", "--firmware-dir");
        }
        try (dev.lumiaagent.transport.TracingBus bus = busOptions.openTraced()) {
            Optional<UsbDevice> phone = selection.select(bus);
            PortPath port = phone.map(UsbDevice::port).orElseGet(() -> selection.port().orElseThrow());
            Optional<dev.lumiaagent.job.JobSpec.Firmware> ffu = ffuPath != null ? Optional.of(new dev.lumiaagent.job.JobSpec.OneFfu(ffuPath))
                    : Optional.of(new dev.lumiaagent.job.JobSpec.Library(firmwareDir != null ? firmwareDir : FirmwareLibrary.defaultRoot()));
            dev.lumiaagent.job.JobSpec job = new dev.lumiaagent.job.JobSpec.HardReset(m, ffu, consentOptions.describe());
            FlowListener method = new FlowListener() {
                @Override
                public void stepStarted(PortPath p, String step, String description, java.time.Duration bound) {
                    if (step.equals(HardResetFlow.CHOOSE_METHOD) && description.startsWith("method ")) {
                        int colon = description.indexOf(": ");
                        out.println("Method: " + description.substring(7, colon) + " (" + description.substring(colon + 2) + ")");
                    }
                }
            };
            return jobs.runOne(job, bus, busOptions.clock(), port, phone, consentOptions.consent(out, "factory-reset this phone"),
                    storeOptions, out, spec.commandLine().getErr(), List.of(new ConsoleProgress(out, System.console() != null),
                            GateLines.printer(out), method));
        }
    }


}
