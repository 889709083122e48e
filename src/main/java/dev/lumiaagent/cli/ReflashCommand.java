package dev.lumiaagent.cli;

import dev.lumiaagent.job.JobSpec;
import java.util.ArrayList;
import dev.lumiaagent.flow.FlowContext;
import dev.lumiaagent.flow.FlowRunner;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.ReflashFlow;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.image.ffu.FfuVerification;
import dev.lumiaagent.image.ffu.FfuFormatException;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumia-agent reflash}: a stock FFU through the UEFI flash app, the way the Recovery Tool does it. */
@Command(name = "reflash", mixinStandardHelpOptions = true,
        description = {"Writes a stock FFU through the phone's UEFI flash app, the way the Windows Device Recovery Tool does, "
                + "from normal, label or any UEFI mode (a phone stuck in the flash app included).",
                "Before anything is written: the FFU is verified, the owner must agree that everything is erased (--yes, "
                + "or a prompt), the battery must be at least 25 %%, and the FFU's platform ID must match the phone's."})
final class ReflashCommand implements Callable<Integer> {
    @Mixin
    BusOptions busOptions;

    @Mixin
    PhoneSelection selection;

    @Mixin
    JobOptions jobs;

    @Mixin
    StoreOptions storeOptions;

    @Option(names = "--ffu", required = true, paramLabel = "FILE", description = "The stock FFU for this phone's product type.")
    Path ffuPath;

    @Mixin
    ConsentOptions consentOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        FilePaths.requireFile(ffuPath, "--ffu", "FFU", ".ffu", null); // a library is `batch reflash --firmware-dir`
        FfuFile ffu;
        try {
            ffu = FfuFile.open(ffuPath);
        } catch (FfuFormatException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: " + ffuPath + " is not a usable FFU: " + e.getMessage());
            err.println("next step: check it with `lumia-agent ffu inspect " + ffuPath + "`, or download it again. Nothing was written.");
            return ExitCode.FAILED.code();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("FFU file not found: " + ffuPath);
        }
        ffu.close(); // it parses: the job opens it again for the flow
        try (dev.lumiaagent.transport.TracingBus bus = busOptions.openTraced()) {
            Optional<UsbDevice> phone = selection.select(bus);
            if (phone.isEmpty()) {
                PortPath p = selection.port().orElseThrow();
                throw new PhoneSelection.NoSinglePhone(ExitCode.NO_PHONE, "No phone on port " + p + ".",
                        "Plug the phone in (any mode but 9008) and run reflash again.");
            }
            JobSpec job = new JobSpec.Reflash(new JobSpec.OneFfu(ffuPath), consentOptions.describe());
            return jobs.runOne(job, bus, busOptions.clock(), phone.get().port(), phone, consentOptions.consent(out, "erase and reflash this phone"),
                    storeOptions, out, spec.commandLine().getErr(), List.of(new ConsoleProgress(out, System.console() != null),
                            GateLines.printer(out)));
        }
    }

}
