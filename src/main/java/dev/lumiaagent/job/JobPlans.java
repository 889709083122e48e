package dev.lumiaagent.job;

import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.device.InfoField;
import dev.lumiaagent.firmware.FirmwareLibrary;
import dev.lumiaagent.flow.AfterWriteFlow;
import dev.lumiaagent.flow.EmergencyFlow;
import dev.lumiaagent.flow.FlowRunner;
import dev.lumiaagent.flow.HardResetFlow;
import dev.lumiaagent.flow.InfoFlow;
import dev.lumiaagent.flow.LibraryEmergencyFiles;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.Reason;
import dev.lumiaagent.flow.ReflashFlow;
import dev.lumiaagent.flow.SoftResetFlow;
import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.flow.gate.GateResult;
import dev.lumiaagent.flow.gate.Gates;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.image.ffu.FfuVerification;
import dev.lumiaagent.protocol.firehose.RawProgramException;
import dev.lumiaagent.protocol.firehose.RawProgramSet;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How a {@link JobSpec} becomes a flow on one phone, from the mode it is in and what was read from it:
 * the one place flows are built for verbs, batches, stations and resume.
 */
public final class JobPlans {
    private static final DateTimeFormatter HHMMSS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    /**
     * What preparing needs besides the spec: the owner's consent for this run, the run's firmware checks
     * ({@code files}: a bench checks each FFU once for all its phones before the first flow; empty for a
     * single phone, whose flow verifies the FFU with its own progress), and where lines about chosen files go.
     * A firmware library is scanned once per run ({@link #library}), not once per phone and attempt.
     */
    public static final class Means {
        private final Consent consent;
        private final Optional<FirmwareFiles> files;
        private final Consumer<String> notes;
        private final java.util.Map<Path, FirmwareLibrary> libraries = new java.util.concurrent.ConcurrentHashMap<>();

        public Means(Consent consent, Optional<FirmwareFiles> files, Consumer<String> notes) {
            this.consent = java.util.Objects.requireNonNull(consent, "consent");
            this.files = java.util.Objects.requireNonNull(files, "files");
            this.notes = java.util.Objects.requireNonNull(notes, "notes");
        }

        public Consent consent() {
            return consent;
        }

        public Optional<FirmwareFiles> files() {
            return files;
        }

        public Consumer<String> notes() {
            return notes;
        }

        /** The library in {@code dir}, scanned at its first use in this run; a scan that failed is tried again next time. */
        public FirmwareLibrary library(Path dir) throws IOException {
            Path key = dir.toAbsolutePath().normalize();
            FirmwareLibrary lib = libraries.get(key);
            if (lib == null) {
                lib = FirmwareLibrary.scan(dir);
                FirmwareLibrary raced = libraries.putIfAbsent(key, lib);
                lib = raced != null ? raced : lib;
            }
            return lib;
        }
    }

    /** A flow ready to run on one phone, the firmware it uses (for the record) and what to close after. */
    public record Prepared(FlowRunner.Flow flow, Optional<Path> firmwareFile, Supplier<Optional<String>> firmwareSha,
                           AutoCloseable resources) {
        static Prepared of(FlowRunner.Flow flow) {
            return new Prepared(flow, Optional.empty(), Optional::empty, () -> { });
        }
    }

    /** The phone cannot have the job now for a reason of its own (a dead battery, firmware for another phone): the job fails with it. */
    public static final class NotReady extends Exception {
        private final Outcome outcome;
        private final transient Optional<GateResult> gate;

        NotReady(Outcome outcome, Optional<GateResult> gate) {
            super(outcome.summary());
            this.outcome = outcome;
            this.gate = gate;
        }

        public Outcome outcome() {
            return outcome;
        }

        /** The gate that decided, to be recorded with the job. */
        public Optional<GateResult> gate() {
            return gate;
        }
    }

    /** The job has nothing to run on this phone (no FFU for its product type): a skip, whose message says why. */
    public static final class NothingToRun extends Exception {
        public NothingToRun(String message) {
            super(message);
        }
    }

    private JobPlans() {
    }

    /**
     * The flow for {@code spec} on the phone {@code device} (absent only for a soft reset guided on an empty port).
     *
     * @throws NothingToRun a skip
     * @throws NotReady the phone's own state ends the job before anything runs
     */
    public static Prepared prepare(JobSpec spec, Means means, Optional<UsbDevice> device, DeviceInfo info) throws NothingToRun, NotReady {
        if (spec instanceof JobSpec.Info) {
            return Prepared.of(new InfoFlow(device.orElseThrow(), Duration.ofSeconds(60)));
        }
        if (spec instanceof JobSpec.SoftReset) {
            return Prepared.of(new SoftResetFlow(device, SoftResetFlow.Bounds.standard()));
        }
        if (spec instanceof JobSpec.HardReset) {
            return hardReset((JobSpec.HardReset) spec, means, device);
        }
        if (spec instanceof JobSpec.Reflash) {
            return reflash((JobSpec.Reflash) spec, means, device.orElseThrow(), info);
        }
        return emergency((JobSpec.Emergency) spec, means, device.orElseThrow());
    }

    /**
     * The flow that finishes a job whose write had finished when its agent stopped (a checkpoint still true
     * of the phone: it is not in a flash mode now): wait for the phone to be back in normal mode and confirm
     * it is the job's phone. Nothing is written again.
     */
    public static Prepared afterWrite(JobSpec spec, String writtenAt, dev.lumiaagent.device.PhoneIdentity expected) {
        Optional<Path> ffu = Optional.empty();
        if (spec instanceof JobSpec.Reflash && ((JobSpec.Reflash) spec).ffu() instanceof JobSpec.OneFfu) {
            ffu = Optional.of(((JobSpec.OneFfu) ((JobSpec.Reflash) spec).ffu()).file());
        } else if (spec instanceof JobSpec.Emergency && ((JobSpec.Emergency) spec).files() instanceof JobSpec.Fixed) {
            ffu = Optional.of(((JobSpec.Fixed) ((JobSpec.Emergency) spec).files()).ffu());
        }
        return new Prepared(new AfterWriteFlow(spec.command(), writtenAt, expected, AfterWriteFlow.Bounds.standard()), ffu,
                Optional::empty, () -> { });
    }

    private static Prepared hardReset(JobSpec.HardReset spec, Means means, Optional<UsbDevice> device) {
        HardResetFlow.FfuSource source;
        if (spec.ffu().isEmpty()) {
            source = library(FirmwareLibrary.defaultRoot(), means);
        } else if (spec.ffu().get() instanceof JobSpec.OneFfu) {
            Path file = ((JobSpec.OneFfu) spec.ffu().get()).file();
            source = phone -> Optional.of(file);
        } else {
            source = library(((JobSpec.Library) spec.ffu().get()).dir(), means);
        }
        return Prepared.of(new HardResetFlow(device, spec.method(), source, means.consent(), HardResetFlow.Bounds.standard(),
                ReflashFlow.Bounds.standard()));
    }

    /** The library's FFU for the phone, scanned when the flow asks (only a reflash does); a library that cannot be read is said. */
    private static HardResetFlow.FfuSource library(Path dir, Means means) {
        return info -> {
            FirmwareLibrary lib;
            try {
                lib = means.library(dir);
            } catch (IOException e) {
                means.notes().accept("firmware library " + dir + " not readable: " + e.getMessage());
                return Optional.empty();
            }
            Optional<Path> found = HardResetFlow.FfuSource.library(lib).ffuFor(info);
            found.ifPresent(p -> means.notes().accept("FFU from the firmware library: " + p));
            return found;
        };
    }

    private static Prepared reflash(JobSpec.Reflash spec, Means means, UsbDevice device, DeviceInfo info) throws NothingToRun, NotReady {
        if (device.personality().mode() == Mode.EMERGENCY_CHARGING) {
            // Whatever the FFU, a phone with a dead battery cannot be flashed: say so first.
            GateResult battery = Gates.battery(info, true);
            throw new NotReady(new Outcome(Reason.BATTERY_DEAD, "The phone on " + device.port() + " shows up only as Qualcomm "
                    + "emergency charging (05C6:F006): its battery is dead, and nothing was written.",
                    "Charge it for at least 20 minutes with a wall charger, then plug it in again."), Optional.of(battery));
        }
        Path file = ffuFor(spec.ffu(), means, info);
        FfuFile ffu;
        Optional<FirmwareFiles.Checked> checked = Optional.empty();
        try {
            if (means.files().isPresent()) {
                checked = Optional.of(means.files().get().ffu(file));
            } else if (!Files.isRegularFile(file)) {
                throw new IOException("the file is not there");
            }
            ffu = FfuFile.open(file);
        } catch (IOException e) {
            // An FFU that does not parse or cannot be read: nothing to run on this phone.
            throw new NothingToRun(file.getFileName() + " cannot be used: " + e.getMessage()
                    + " (check it with `lumia-agent ffu verify " + file + "`)");
        }
        // The firmware match, decided by the gate the flow itself passes in the flash app: a phone whose mode
        // tells its platform now (normal mode) is refused before it is switched to flash mode.
        Optional<String> platform = info.text(InfoField.PLATFORM_ID);
        if (platform.isPresent()) {
            GateResult match = Gates.firmwareMatch(ffu.image().platformIds(), platform);
            if (match.blocks()) {
                closeQuietly(ffu);
                throw new NotReady(Outcome.blockedBy(match), Optional.of(match));
            }
        }
        ReflashFlow flow = new ReflashFlow(device, ffu, file.getFileName().toString(), means.consent(), ReflashFlow.Bounds.standard());
        Optional<FirmwareFiles.Checked> once = checked;
        once.flatMap(FirmwareFiles.Checked::verification).ifPresent(v -> flow.alreadyVerified(v, "verified once for this run at "
                + HHMMSS.format(once.get().checkedAt()) + " UTC"));
        Optional<String> sha = once.map(FirmwareFiles.Checked::sha256);
        return new Prepared(flow, Optional.of(file), () -> sha.isPresent() ? sha : flow.verification().map(FfuVerification::fileSha256),
                ffu);
    }

    private static Prepared emergency(JobSpec.Emergency spec, Means means, UsbDevice device) throws NothingToRun, NotReady {
        JobSpec.EmergencyFiles files = spec.files();
        if (files instanceof JobSpec.FromLibrary) {
            return fromLibrary(((JobSpec.FromLibrary) files).dir(), means, device);
        }
        if (files instanceof JobSpec.RawProgram) {
            JobSpec.RawProgram r = (JobSpec.RawProgram) files;
            RawProgramSet set;
            try {
                require(r.programmer());
                for (Path p : r.rawprogram()) {
                    require(p);
                }
                set = RawProgramSet.read(r.rawprogram(), r.patch());
            } catch (RawProgramException e) {
                if (e.kind() == RawProgramException.Kind.OUTSIDE_IMAGES) {
                    // Not a skip: a set that reaches outside its images directory is refused by name, before anything is written.
                    throw new NotReady(new Outcome(Reason.RAWPROGRAM_INVALID, e.getMessage() + ". Nothing was written.",
                            "Use a rawprogram XML whose filename entries are plain names of files in the images directory."), Optional.empty());
                }
                throw new NothingToRun("the rawprogram set cannot be used: " + e.getMessage());
            } catch (IOException e) {
                throw new NothingToRun("the rawprogram set cannot be used: " + e.getMessage());
            }
            return new Prepared(new EmergencyFlow(device, r.programmer(), set, r.images(), r.rawprogram().get(0).getFileName().toString(),
                    means.consent(), EmergencyFlow.Bounds.standard()), Optional.of(r.programmer()), Optional::empty, () -> { });
        }
        JobSpec.Fixed f = (JobSpec.Fixed) files;
        Optional<FirmwareFiles.Checked> checked = Optional.empty();
        FfuFile ffu;
        try {
            if (means.files().isPresent()) {
                checked = Optional.of(means.files().get().ffu(f.ffu()));
                means.files().get().file(f.programmer());
            } else {
                require(f.programmer());
                require(f.ffu());
            }
            ffu = FfuFile.open(f.ffu());
        } catch (IOException e) {
            throw new NothingToRun(f.ffu().getFileName() + " or " + f.programmer().getFileName() + " cannot be used: " + e.getMessage());
        }
        EmergencyFlow flow = new EmergencyFlow(device, f.programmer(), ffu, f.ffu().getFileName().toString(), means.consent(),
                EmergencyFlow.Bounds.standard());
        Optional<String> sha = checked.map(FirmwareFiles.Checked::sha256);
        return new Prepared(flow, Optional.of(f.ffu()), () -> sha.isPresent() ? sha : flow.verification().map(FfuVerification::fileSha256),
                ffu);
    }

    /**
     * Each phone's programmer and FFU chosen from the library by its root-key hash once its chip is read. The
     * chosen files are known only inside the flow: the job file records the library, the record's firmware
     * SHA-256 comes from the flow's verification of the chosen FFU.
     */
    private static Prepared fromLibrary(Path dir, Means means, UsbDevice device) throws NothingToRun {
        FirmwareLibrary lib;
        try {
            lib = means.library(dir);
        } catch (IOException e) {
            throw new NothingToRun("the firmware library " + dir + " cannot be read: " + e.getMessage());
        }
        EmergencyFlow.FileSource library = new LibraryEmergencyFiles(lib);
        EmergencyFlow.FileSource source = means.files().isEmpty() ? library : (rootKeyHash, hwId) -> {
            EmergencyFlow.Result r = library.choose(rootKeyHash, hwId);
            if (r.choice().isEmpty()) {
                return r;
            }
            EmergencyFlow.Choice c = r.choice().get();
            try {
                means.files().get().file(c.programmer());
                FirmwareFiles.Checked ffu = means.files().get().ffu(c.ffu());
                return EmergencyFlow.Result.chosen(new EmergencyFlow.Choice(c.programmer(), c.ffu(), c.why() + "; " + ffu.name()
                        + " sha256 " + ffu.sha256()));
            } catch (IOException e) {
                return EmergencyFlow.Result.none("the files chosen for it (" + c.programmer().getFileName() + ", " + c.ffu().getFileName()
                        + ") cannot be read: " + e.getMessage(), "Check the firmware library " + lib.root() + ", then rerun.");
            }
        };
        EmergencyFlow flow = new EmergencyFlow(device, source, means.consent(), EmergencyFlow.Bounds.standard());
        return new Prepared(flow, Optional.empty(), () -> flow.verification().map(FfuVerification::fileSha256), () -> { });
    }

    private static Path ffuFor(JobSpec.Firmware ffus, Means means, DeviceInfo info) throws NothingToRun {
        if (ffus instanceof JobSpec.OneFfu) {
            return ((JobSpec.OneFfu) ffus).file();
        }
        Path dir = ((JobSpec.Library) ffus).dir();
        FirmwareLibrary lib;
        try {
            lib = means.library(dir);
        } catch (IOException e) {
            throw new NothingToRun("the firmware library " + dir + " cannot be read: " + e.getMessage());
        }
        String type = info.text(InfoField.PRODUCT_TYPE).orElse(null);
        String code = info.text(InfoField.PRODUCT_CODE).orElse(null);
        String platform = info.text(InfoField.PLATFORM_ID).orElse(null);
        if (type == null && code == null && platform == null) {
            throw new NothingToRun("its mode does not tell what it is (no product type, code or platform ID: the UEFI "
                    + "boot manager and mass storage do not), so no FFU can be chosen from the library; give --ffu, or restart the "
                    + "phone into normal mode (hold Volume-Down + Power until it vibrates)");
        }
        return HardResetFlow.FfuSource.library(lib).ffuFor(info)
                .orElseThrow(() -> new NothingToRun("no FFU for " + (type != null ? type : platform)
                        + (code != null ? " (product code " + code + ")" : "") + " in the firmware library " + lib.root()));
    }

    private static void require(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new IOException(p + " is not there");
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing was written; closing a read-only file
        }
    }
}
