package dev.lumiaagent.cli;

import dev.lumiaagent.job.JobSpec;
import java.util.ArrayList;
import dev.lumiaagent.firmware.FirmwareLibrary;
import dev.lumiaagent.flow.EmergencyFlow;
import dev.lumiaagent.flow.FlowContext;
import dev.lumiaagent.flow.FlowRunner;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.image.ffu.FfuVerification;
import dev.lumiaagent.image.ffu.FfuFormatException;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.UsbDevice;
import java.io.IOException;
import java.io.PrintWriter;
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

/** {@code lumia-agent emergency}: reflash a phone that shows up only as Qualcomm 9008. */
@Command(name = "emergency", mixinStandardHelpOptions = true,
        description = {"Reflashes a bricked phone that shows up only as Qualcomm emergency download (05C6:9008): reads the "
                + "chip over Sahara, refuses a programmer signed for another root key, loads the programmer, then writes the "
                + "FFU's raw image with Firehose and restarts the phone.",
                "Without --programmer / --ffu, the files come from the firmware library: by --product-type when given, "
                        + "else by the root-key hash the phone's loader tells (a phone in 9008 cannot tell its product type)."})
final class EmergencyCommand implements Callable<Integer> {
    @Mixin
    BusOptions busOptions;

    @Mixin
    PhoneSelection selection;

    @Mixin
    JobOptions jobs;

    @Mixin
    StoreOptions storeOptions;

    @Option(names = "--programmer", paramLabel = "FILE.ede", description = "The Firehose programmer (.ede) for this phone's product type.")
    Path programmer;

    @Option(names = "--ffu", paramLabel = "FILE", description = "The stock FFU whose raw image is written.")
    Path ffuPath;

    @Option(names = "--rawprogram", paramLabel = "XML", description = "A QFIL rawprogram*.xml (repeatable) instead of an FFU.")
    List<Path> rawprogram = new java.util.ArrayList<>();

    @Option(names = "--patch", paramLabel = "XML", description = "A QFIL patch*.xml (repeatable), with --rawprogram.")
    List<Path> patch = new java.util.ArrayList<>();

    @Option(names = "--images", paramLabel = "DIR", description = "Where the files a rawprogram XML names are (default: next to the XML).")
    Path images;

    @Option(names = "--product-type", paramLabel = "RM-xxxx", description = "Find the files in the firmware library by product type.")
    String productType;

    @Option(names = "--firmware-dir", paramLabel = "DIR", description = "The firmware library (default $LUMIA_AGENT_FIRMWARE or the user's data directory).")
    Path firmwareDir;

    @Mixin
    ConsentOptions consentOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!rawprogram.isEmpty()) {
            return rawProgram(out);
        }
        if (programmer == null && ffuPath == null && productType == null) {
            return fromLibrary(out);
        }
        resolveFiles(out);
        FfuFile ffu;
        try {
            ffu = FfuFile.open(ffuPath);
        } catch (FfuFormatException e) {
            spec.commandLine().getErr().println("error: " + ffuPath + " is not a usable FFU: " + e.getMessage());
            spec.commandLine().getErr().println("next step: check it with `lumia-agent ffu inspect`. Nothing was written.");
            return ExitCode.FAILED.code();
        }
        ffu.close(); // it parses: the job opens it again for the flow
        return run(new JobSpec.Emergency(new JobSpec.Fixed(programmer, ffuPath), consentOptions.describe()), out);
    }

    /** The emergency job on the selected phone, through the job runner (a bench of one). */
    private int run(JobSpec job, PrintWriter out) {
        try (dev.lumiaagent.transport.TracingBus bus = busOptions.openTraced()) {
            Optional<UsbDevice> phone = selection.select(bus);
            if (phone.isEmpty()) {
                throw new PhoneSelection.NoSinglePhone(ExitCode.NO_PHONE, "No phone on port " + selection.port().orElseThrow() + ".",
                        "Plug the phone in; in 9008 it shows up as 05C6:9008 in `lumia-agent devices`.");
            }
            return jobs.runOne(job, bus, busOptions.clock(), phone.get().port(), phone, consentOptions.consent(out,
                    "erase and rewrite this phone"), storeOptions, out, spec.commandLine().getErr(),
                    List.of(new ConsoleProgress(out, System.console() != null), GateLines.printer(out)));
        }
    }

    /**
     * A phone in 9008 cannot tell its product type: without --programmer/--ffu/--product-type its files are
     * chosen from the firmware library by the root-key hash its loader tells (as `batch emergency` does),
     * once the chip is read; the job file records the library, and resume chooses again.
     */
    private int fromLibrary(PrintWriter out) throws IOException {
        FirmwareLibrary lib = FirmwareLibrary.scan(firmwareDir != null ? firmwareDir : FirmwareLibrary.defaultRoot());
        out.println("programmer and FFU: chosen from the firmware library " + lib.root() + " by the phone's root-key hash");
        return run(new JobSpec.Emergency(new JobSpec.FromLibrary(lib.root()), consentOptions.describe()), out);
    }

    private int rawProgram(PrintWriter out) throws IOException {
        if (ffuPath != null) {
            throw new IllegalArgumentException("give either --ffu or --rawprogram, not both");
        }
        if (programmer == null) {
            throw new IllegalArgumentException("--rawprogram needs --programmer FILE.ede");
        }
        FilePaths.requireFile(programmer, "--programmer", "programmer", ".ede", null);
        rawprogram.forEach(f -> FilePaths.requireFile(f, "--rawprogram", "rawprogram", ".xml", null));
        patch.forEach(f -> FilePaths.requireFile(f, "--patch", "patch", ".xml", null));
        dev.lumiaagent.protocol.firehose.RawProgramSet set;
        try {
            set = dev.lumiaagent.protocol.firehose.RawProgramSet.read(rawprogram, patch);
        } catch (dev.lumiaagent.protocol.firehose.RawProgramException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        Path dir = images != null ? images : rawprogram.get(0).toAbsolutePath().getParent();
        return run(new JobSpec.Emergency(new JobSpec.RawProgram(programmer, rawprogram, patch, dir), consentOptions.describe()), out);
    }

    private void resolveFiles(PrintWriter out) throws IOException {
        if (programmer != null && ffuPath != null) {
            FilePaths.requireFile(programmer, "--programmer", "programmer", ".ede", "--firmware-dir");
            FilePaths.requireFile(ffuPath, "--ffu", "FFU", ".ffu", "--firmware-dir");
            return;
        }
        if (productType == null) {
            throw new IllegalArgumentException("give both --programmer and --ffu, or --product-type, or neither (the library is searched by the phone's root-key hash)");
        }
        FirmwareLibrary lib = FirmwareLibrary.scan(firmwareDir != null ? firmwareDir : FirmwareLibrary.defaultRoot());
        if (programmer == null) {
            programmer = lib.emergencyFiles(productType, FirmwareLibrary.Kind.PROGRAMMER).stream().findFirst()
                    .map(FirmwareLibrary.Entry::path).orElseThrow(() -> new IllegalArgumentException("no programmer (.ede) for "
                            + productType + " in the firmware library " + lib.root() + "; put the emergency files under "
                            + lib.root().resolve(dev.lumiaagent.firmware.ProductType.emergencyKey(productType))));
            out.println("programmer from the library: " + programmer);
        }
        if (ffuPath == null) {
            ffuPath = lib.ffuFor(productType, null, null).map(FirmwareLibrary.Entry::path)
                    .orElseThrow(() -> new IllegalArgumentException("no FFU for " + productType + " in the firmware library " + lib.root()));
            out.println("FFU from the library: " + ffuPath);
        }
    }

}
