package dev.lumiaagent.cli;

import dev.lumiaagent.job.JobSpec;
import java.util.Optional;
import dev.lumiaagent.job.JobSettings;
import dev.lumiaagent.job.FirmwareFiles;
import dev.lumiaagent.firmware.FirmwareLibrary;
import dev.lumiaagent.firmware.ProductType;
import dev.lumiaagent.flow.HardResetFlow;
import dev.lumiaagent.flow.gate.Consent;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code batch} and {@code station} share: the job and its options, the cap, retries, and who and
 * where for the records. Job options that do not belong to the chosen job are refused by name.
 */
final class BenchOptions {
    static final List<String> JOBS = List.of("info", "soft-reset", "hard-reset", "reflash", "emergency");

    @Option(names = "--max-parallel", paramLabel = "N", defaultValue = "4",
            description = "At most N phones at once; the others wait in port order (default ${DEFAULT-VALUE}).")
    int maxParallel;

    @Option(names = "--retries", paramLabel = "K", defaultValue = "1",
            description = "Up to K more attempts per phone, only after a fault that is safe to repeat (the phone stopped "
                    + "answering, dropped off, garbled bytes), and only once it is back on its port and identified again "
                    + "(default ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--reattach-wait", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long a retry waits for the phone to be back on its port (default ${DEFAULT-VALUE} s).")
    int reattachSeconds;

    @Option(names = "--ffu", paramLabel = "FILE",
            description = "reflash, hard-reset, emergency: this FFU for every phone (reflash skips a phone whose platform it does not cover).")
    Path ffu;

    @Option(names = "--firmware-dir", paramLabel = "DIR",
            description = "reflash, hard-reset, emergency: take each phone's files from this firmware library (default $LUMIA_AGENT_FIRMWARE "
                    + "or the user's data directory) when --ffu is not given (emergency: nor --programmer).")
    Path firmwareDir;

    @Option(names = "--method", paramLabel = "M", description = "hard-reset: auto, settings, keys, usb-wipe or reflash (default auto).")
    String method;

    @Option(names = "--programmer", paramLabel = "FILE.ede", description = "emergency: the Firehose programmer for every phone.")
    Path programmer;

    @Option(names = "--product-type", paramLabel = "RM-xxxx",
            description = "emergency: find the programmer and FFU in the firmware library by product type (without it, and "
                    + "without --programmer and --ffu, they are chosen per phone from the library by the phone's root-key hash).")
    String productType;

    @Mixin
    ConsentOptions consent;

    static String checkJob(String job) {
        String j = job.toLowerCase(Locale.ROOT);
        if (!JOBS.contains(j)) {
            throw new IllegalArgumentException("unknown job '" + job + "': choose one of " + String.join(", ", JOBS));
        }
        return j;
    }

    /** The bench's settings for {@code job}, with who and where ({@link CertifyOptions}: asked at a terminal when an erasing job lacks them). */
    JobSettings settings(CertifyOptions certify, String job, PrintWriter out) {
        return certify.settings(maxParallel, retries, Duration.ofSeconds(reattachSeconds), job, out, true);
    }

    /** As above, never asking: for a run started where no one is at the terminal (the dashboard). */
    JobSettings settingsWithoutAsking(CertifyOptions certify, String job, PrintWriter out) {
        return certify.settings(maxParallel, retries, Duration.ofSeconds(reattachSeconds), job, out, false);
    }

    /** This host's name, as the station in records. */
    static String defaultStation() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unnamed-station";
        }
    }

    /** $LUMIA_AGENT_OPERATOR, else the login name: who a record names when no one was named for the run. */
    static String defaultOperator() {
        String env = System.getenv(CertifyOptions.ENV_OPERATOR);
        return env != null && !env.isBlank() ? env : System.getProperty("user.name", "unknown");
    }

    /** The job with its options checked; files that do not exist and options of another job are usage errors. */
    /** A bench's job: the spec every phone gets, and the consent given for the run. */
    record Built(JobSpec spec, Consent consent) {
    }

    Built job(String job, PrintWriter out) throws IOException {
        String j = checkJob(job);
        only(j, "--method", method != null, "hard-reset");
        only(j, "--programmer", programmer != null, "emergency");
        only(j, "--product-type", productType != null, "emergency");
        only(j, "--ffu", ffu != null, "reflash", "hard-reset", "emergency");
        only(j, "--firmware-dir", firmwareDir != null, "reflash", "hard-reset", "emergency");
        if (ffu != null) {
            FilePaths.requireFile(ffu, "--ffu", "FFU", ".ffu", "--firmware-dir");
        }
        switch (j) {
            case "info":
                return new Built(new JobSpec.Info(), Consent.none());
            case "soft-reset":
                return new Built(new JobSpec.SoftReset(), Consent.none());
            case "hard-reset": {
                JobSpec spec = new JobSpec.HardReset(HardResetFlow.Method.parse(method != null ? method : "auto"),
                        Optional.of(ffuChoice(out)), consent.describe());
                return new Built(spec, consentUpFront(out, "factory-reset every phone of this run"));
            }
            case "reflash": {
                JobSpec spec = new JobSpec.Reflash(ffuChoice(out), consent.describe());
                return new Built(spec, consentUpFront(out, "erase and reflash every phone of this run"));
            }
            default:
                return emergency(out);
        }
    }

    private Built emergency(PrintWriter out) throws IOException {
        Path prog = programmer;
        Path image = ffu;
        if (prog == null && image == null && productType == null) {
            // A tray of mixed bricked phones: each phone's files are chosen from the library by its root key.
            FirmwareLibrary lib = library();
            out.println("emergency files from the firmware library " + lib.root() + " (" + lib.entries().stream()
                    .filter(e -> e.kind() == FirmwareLibrary.Kind.PROGRAMMER).count() + " programmers), chosen per phone by its root-key hash");
            return new Built(new JobSpec.Emergency(new JobSpec.FromLibrary(lib.root()), consent.describe()),
                    consentUpFront(out, "erase and rewrite every phone of this run"));
        }
        if (prog == null || image == null) {
            if (productType == null) {
                throw new IllegalArgumentException("emergency needs both --programmer and --ffu, or --product-type to find them in the "
                        + "firmware library, or none of the three to choose them per phone from the library");
            }
            FirmwareLibrary lib = library();
            if (prog == null) {
                prog = lib.emergencyFiles(productType, FirmwareLibrary.Kind.PROGRAMMER).stream().findFirst().map(FirmwareLibrary.Entry::path)
                        .orElseThrow(() -> new IllegalArgumentException("no programmer (.ede) for " + productType + " in the firmware library "
                                + lib.root() + "; put the emergency files under " + lib.root().resolve(ProductType.emergencyKey(productType))));
            }
            if (image == null) {
                image = lib.ffuFor(productType, null, null).map(FirmwareLibrary.Entry::path)
                        .orElseThrow(() -> new IllegalArgumentException("no FFU for " + productType + " in the firmware library " + lib.root()));
            }
            out.println("emergency files from the library: " + prog.getFileName() + ", " + image.getFileName());
        }
        FilePaths.requireFile(prog, "--programmer", "programmer", ".ede", "--firmware-dir");
        return new Built(new JobSpec.Emergency(new JobSpec.Fixed(prog, image), consent.describe()),
                consentUpFront(out, "erase and rewrite every phone of this run"));
    }

    private JobSpec.Firmware ffuChoice(PrintWriter out) throws IOException {
        if (ffu != null) {
            return new JobSpec.OneFfu(ffu);
        }
        FirmwareLibrary lib = library();
        out.println("FFUs from the firmware library " + lib.root() + " (" + lib.entries().stream()
                .filter(e -> e.kind() == FirmwareLibrary.Kind.FFU).count() + " FFUs), chosen per phone");
        return new JobSpec.Library(lib.root());
    }

    private FirmwareLibrary library() throws IOException {
        return FirmwareLibrary.scan(firmwareDir != null ? firmwareDir : FirmwareLibrary.defaultRoot());
    }

    /**
     * A bench cannot stop at every phone to ask its owner: consent to erase is given for the run, with
     * --yes or a consent policy file, before any phone is touched.
     */
    private Consent consentUpFront(PrintWriter out, String action) {
        if (!consent.yes && consent.policy == null) {
            throw new IllegalArgumentException("a bench run erases phones without stopping at each one: give --yes (the owners agreed "
                    + "that everything on the phones is erased) or --consent-policy FILE; nothing was done");
        }
        return consent.consent(out, action);
    }

    private static void only(String job, String option, boolean given, String... jobs) {
        if (given && !List.of(jobs).contains(job)) {
            throw new IllegalArgumentException(option + " is for " + String.join(", ", jobs) + ", not for " + job);
        }
    }
}
