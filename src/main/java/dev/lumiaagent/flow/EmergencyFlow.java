package dev.lumiaagent.flow;

import dev.lumiaagent.device.EdlPhone;
import dev.lumiaagent.device.Firehose;
import dev.lumiaagent.device.Phones;
import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.flow.gate.Gate;
import dev.lumiaagent.flow.gate.GateResult;
import dev.lumiaagent.flow.gate.Gates;
import dev.lumiaagent.image.ede.EdeFormatException;
import dev.lumiaagent.image.ede.EdeImage;
import dev.lumiaagent.image.ede.EdeParser;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.image.ffu.FfuVerification;
import dev.lumiaagent.protocol.firehose.FirehoseConfiguration;
import dev.lumiaagent.protocol.firehose.FirehoseRefused;
import dev.lumiaagent.protocol.firehose.FirehoseRead;
import dev.lumiaagent.protocol.firehose.FirehoseResponse;
import dev.lumiaagent.protocol.firehose.RawPatchEntry;
import dev.lumiaagent.protocol.firehose.RawProgramEntry;
import dev.lumiaagent.protocol.firehose.RawProgramException;
import dev.lumiaagent.protocol.firehose.RawProgramSet;
import dev.lumiaagent.protocol.firehose.FirehoseResult;
import dev.lumiaagent.protocol.firehose.FirehoseStorageInfo;
import dev.lumiaagent.protocol.firehose.ImageFileNames;
import dev.lumiaagent.protocol.sahara.MsmHwId;
import dev.lumiaagent.protocol.sahara.SaharaDetect;
import dev.lumiaagent.protocol.sahara.SaharaRefused;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The emergency path for a phone that shows up only as Qualcomm 05C6:9008 (edl-protocol.md §2–§5):
 * Sahara command mode reads the chip (serial, HW ID, root-key hash), the programmer is refused by
 * name unless its root certificate matches the phone's root key, it is uploaded, Firehose is
 * configured, the FFU's raw image is written (streamed, never whole in memory), {@code power reset},
 * and the agent watches the phone come back (boot manager / normal).
 */
public final class EmergencyFlow implements FlowRunner.Flow {
    public static final String READ_PROGRAMMER = "ReadProgrammer";
    public static final String DETECT = "DetectProtocol";
    public static final String READ_CHIP = "ReadChipInfo";
    public static final String CHECK_PROGRAMMER = "CheckProgrammer";
    public static final String PRE_FLIGHT = "PreFlight";
    public static final String UPLOAD = "UploadProgrammer";
    public static final String CONFIGURE = "Configure";
    public static final String WRITE_IMAGE = "WriteImage";
    public static final String VERIFY_IMAGE = "VerifyImage";
    public static final String POWER_RESET = "PowerReset";
    public static final String AWAIT_RETURN = "AwaitReturn";

    /** How long each wait may take, on the flow's clock. */
    public record Bounds(Duration hello, Duration returnToPhone) {
        public static Bounds standard() {
            return new Bounds(Duration.ofSeconds(3), Duration.ofMinutes(10));
        }
    }

    /**
     * Where the files come from when they are not given: chosen per phone from what its chip says in
     * Sahara command mode (a tray of mixed bricked phones, whose product types a 9008 phone does not tell).
     */
    public interface FileSource {
        /** The programmer and FFU for a phone with this root-key hash and MSM HW ID, or why there are none. */
        Result choose(byte[] rootKeyHash, MsmHwId hwId);
    }

    /** The files chosen for one phone, and why (for the log and the outcome). */
    public record Choice(Path programmer, Path ffu, String why) {
    }

    /** A choice, or what the technician must do to make one possible (empty choice = nothing fits or several do). */
    public record Result(Optional<Choice> choice, String whyNot, String nextStep) {
        public static Result chosen(Choice c) {
            return new Result(Optional.of(c), null, null);
        }

        public static Result none(String whyNot, String nextStep) {
            return new Result(Optional.empty(), whyNot, nextStep);
        }
    }

    /** The chip as read in Sahara command mode; a value the loader refused to tell is null (serial: -1). */
    private record Chip(long serial, MsmHwId hwId, byte[] rootKeyHash) {
    }

    /** One client command's value, or null (named in {@code refused}) when the loader refuses that command. */
    private static <T> T chipValue(List<String> refused, String what, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (SaharaRefused e) {
            refused.add(what + " (" + e.status() + ")");
            return null;
        }
    }

    private final UsbDevice start;
    private final FileSource source;
    // Given up front, or (with a FileSource) chosen once the chip is read; a flow runs on one thread.
    private Path programmer;
    private FfuFile ffu;
    private EdeImage ede;
    private final RawProgramSet rawprogram;
    private final Path imagesDir;
    private String ffuName;
    private final Consent consent;
    private final Bounds bounds;
    private final List<GateResult> gates = new ArrayList<>();
    private volatile FfuVerification verification;
    /** What WriteImage wrote, for VerifyImage to read back. */
    private WrittenImage written;

    /** Writes the raw image an FFU describes. */
    public EmergencyFlow(UsbDevice start, Path programmer, FfuFile ffu, String ffuName, Consent consent, Bounds bounds) {
        this(start, null, programmer, ffu, null, null, ffuName, consent, bounds);
    }

    /**
     * Chooses the programmer and FFU per phone from {@code source} once the chip is read; the chosen FFU
     * is opened by the flow and closed when it ends. The programmer is still checked against the phone's
     * root key before it is uploaded.
     */
    public EmergencyFlow(UsbDevice start, FileSource source, Consent consent, Bounds bounds) {
        this(start, java.util.Objects.requireNonNull(source, "source"), null, null, null, null, null, consent, bounds);
    }

    /** Writes a QFIL-style rawprogram set (files from {@code imagesDir}), then applies its patches. */
    public EmergencyFlow(UsbDevice start, Path programmer, RawProgramSet set, Path imagesDir, String name, Consent consent, Bounds bounds) {
        this(start, null, programmer, null, set, imagesDir, name, consent, bounds);
    }

    private EmergencyFlow(UsbDevice start, FileSource source, Path programmer, FfuFile ffu, RawProgramSet set, Path imagesDir, String name,
                          Consent consent, Bounds bounds) {
        this.start = start;
        this.source = source;
        this.programmer = programmer;
        this.ffu = ffu;
        this.rawprogram = set;
        this.imagesDir = imagesDir;
        this.ffuName = name;
        this.consent = consent;
        this.bounds = bounds;
    }

    @Override
    public String name() {
        return "emergency";
    }

    @Override
    public List<String> plan() {
        if (source != null) {
            // The files are chosen from the chip, so the programmer is read after it.
            return List.of(DETECT, READ_CHIP, READ_PROGRAMMER, CHECK_PROGRAMMER, PRE_FLIGHT, UPLOAD, CONFIGURE, WRITE_IMAGE, VERIFY_IMAGE,
                    POWER_RESET, AWAIT_RETURN);
        }
        return List.of(READ_PROGRAMMER, DETECT, READ_CHIP, CHECK_PROGRAMMER, PRE_FLIGHT, UPLOAD, CONFIGURE, WRITE_IMAGE, VERIFY_IMAGE,
                POWER_RESET, AWAIT_RETURN);
    }

    /** The FFU's verification (with the file's SHA-256), once the pre-flight has checked it. */
    public Optional<FfuVerification> verification() {
        return Optional.ofNullable(verification);
    }

    public List<GateResult> gates() {
        return List.copyOf(gates);
    }

    @Override
    public Outcome run(FlowContext ctx) throws InterruptedException {
        if (!start.personality().mode().isEmergencyDownload()) {
            throw new FlowFailure(Reason.NOT_SUPPORTED_IN_MODE, "The phone on " + ctx.port() + " is in "
                    + start.personality().mode().label() + ", not in Qualcomm emergency download (9008).",
                    "Use `lumia-agent reflash` for a phone that still reaches its flash app; the emergency path is for 9008.");
        }
        if (source == null) {
            ede = ctx.step(READ_PROGRAMMER, "read the programmer " + programmer.getFileName(), Duration.ofSeconds(10),
                    this::parseProgrammer);
            return runOnPhone(ctx);
        }
        try {
            return runOnPhone(ctx);
        } finally {
            if (ffu != null) {
                try {
                    ffu.close();
                } catch (IOException e) {
                    // a read-only file; nothing of the phone depends on closing it
                }
            }
        }
    }

    private Outcome runOnPhone(FlowContext ctx) throws InterruptedException {
        try (EdlPhone phone = Phones.openEdl(ctx.bus(), start, bounds.hello());
             PhoneWatcher watcher = new PhoneWatcher(ctx.bus(), ctx.clock(), ctx.port())) {
            // A HELLO seen is kept by the phone; silence (§5: the PBL's only HELLO went to someone else) still takes a HELLO_RESP.
            SaharaDetect.Detection seen = ctx.step(DETECT, "find out what answers on 9008 (Sahara, Firehose)", bounds.hello(), phone::detect);
            boolean programmerRunning = seen instanceof SaharaDetect.FirehoseSeen;
            if (!(seen instanceof SaharaDetect.SaharaHelloSeen) && !(seen instanceof SaharaDetect.Silent) && !programmerRunning) {
                throw new FlowFailure(Reason.PROTOCOL_DESYNC, "The phone in 9008 answered neither Sahara nor Firehose (" + seen + ").",
                        "Unplug the phone, hold Volume-Down + Power for 10 s, plug it in again and rerun; if it repeats, it may need a different loader.");
            }
            if (programmerRunning && source != null) {
                throw new FlowFailure(Reason.NOT_SUPPORTED_IN_MODE, "A programmer is already running on the phone on " + ctx.port()
                        + ": its chip (root-key hash) cannot be read, so no files can be chosen for it. Nothing was written.",
                        "Hold Volume-Down + Power for 10 s so the phone restarts into 9008 (PBL), then rerun; or give --programmer "
                                + "and --ffu (or --product-type) for it.");
            }
            if (!programmerRunning) {
                Chip chip = ctx.step(READ_CHIP, "read the chip: serial, HW ID, root-key hash (Sahara command mode)", Duration.ofSeconds(10), () -> {
                    try {
                        phone.enterCommandMode();
                    } catch (SaharaRefused e) {
                        throw new FlowFailure(Reason.DEVICE_REJECTED, "The phone's loader refused Sahara command mode (" + e.status()
                                + "), so its chip cannot be read. Nothing was written.",
                                "Hold Volume-Down + Power for 10 s so the phone restarts into 9008, then rerun the emergency flash.");
                    }
                    // Some PBLs refuse client commands one by one (END_OF_IMAGE_TRANSFER 0x01 to each, openpst/sahara#6,
                    // traces/sahara/008): go on with what could be read, and say what could not.
                    List<String> refused = new ArrayList<>();
                    Long serial = chipValue(refused, "serial number", phone::serialNumber);
                    MsmHwId hwid = chipValue(refused, "MSM HW ID", phone::msmHwId);
                    byte[] hash = chipValue(refused, "root-key hash", phone::oemPkHash);
                    phone.leaveCommandMode();
                    ctx.progress(READ_CHIP, -1, (serial == null ? "serial unknown" : String.format("serial %08X", serial)) + ", "
                            + (hwid == null ? "HW ID unknown" : hwid) + ", root-key hash " + (hash == null ? "unknown" : Bytes.hex(hash))
                            + (refused.isEmpty() ? "" : " (the loader refused to tell: " + String.join(", ", refused) + ")"));
                    return new Chip(serial == null ? -1 : serial, hwid, hash);
                });
                byte[] rkh = chip.rootKeyHash();
                if (rkh == null && source != null) {
                    throw new FlowFailure(Reason.NOT_SUPPORTED_IN_MODE, "The phone's loader on " + ctx.port() + " refused to tell its "
                            + "root-key hash, so no emergency files can be chosen for it. Nothing was written.",
                            "Give the programmer and FFU for this phone: --programmer F.ede --ffu F.ffu (or --product-type RM-xxxx).");
                }
                if (source != null) {
                    ede = ctx.step(READ_PROGRAMMER, "choose the programmer and FFU for this root key, and read the programmer",
                            Duration.ofSeconds(30), () -> chooseFiles(ctx, chip));
                }
                ctx.step(CHECK_PROGRAMMER, "the programmer must be signed for this phone's root key", Duration.ofSeconds(1), () -> {
                    if (rkh == null) {
                        ctx.progress(CHECK_PROGRAMMER, -1, "not checked: the phone's loader would not tell its root-key hash; "
                                + "the phone itself refuses a programmer signed for another key (Sahara status 0x21-0x26)");
                        return null;
                    }
                    if (!java.util.Arrays.equals(rkh, ede.rootKeyHash())) {
                        throw new FlowFailure(Reason.PROGRAMMER_MISMATCH, "The programmer " + programmer.getFileName()
                                + " is signed for root key " + Bytes.hex(ede.rootKeyHash()) + ", but this phone's is " + Bytes.hex(rkh) + ".",
                                "Use the emergency files (.ede) for this phone's product type; the phone would refuse this one. Nothing was written.");
                    }
                    return null;
                });
            }
            preFlight(ctx);
            if (!programmerRunning) {
                ctx.step(UPLOAD, "load the programmer through Sahara", Duration.ofMinutes(2), () -> {
                    try (FileChannel ch = FileChannel.open(programmer, StandardOpenOption.READ)) {
                        phone.uploadProgrammer(ch);
                    } catch (SaharaRefused e) {
                        throw new FlowFailure(Reason.DEVICE_REJECTED, "The phone refused the programmer: " + e.getMessage() + ".", e.nextStep());
                    } catch (IOException e) {
                        throw new FlowFailure(Reason.FFU_INVALID, "Could not read " + programmer + ": " + e.getMessage(), "Check the file.");
                    }
                    return null;
                });
            }
            Firehose firehose = phone.firehose();
            FirehoseStorageInfo storage = ctx.step(CONFIGURE, "configure Firehose and read the storage", Duration.ofSeconds(30), () -> {
                FirehoseResult<FirehoseConfiguration> c = firehose.configure("emmc", 1 << 20);
                if (!c.isOk()) {
                    throw nak("configure", c);
                }
                FirehoseResult<FirehoseStorageInfo> info = firehose.getStorageInfo(0);
                if (!info.isOk()) {
                    throw nak("getstorageinfo", info);
                }
                return info.ok().orElseThrow();
            });
            if (ffu != null) {
                writeImage(ctx, firehose, storage);
            } else {
                writeRawProgram(ctx, firehose, storage);
            }
            verifyImage(ctx, firehose);
            ctx.step(POWER_RESET, "restart the phone (Firehose power reset)", Duration.ofSeconds(30), () -> {
                firehose.powerReset();
                return null;
            });
            if (ctx.port().bus() == 0) {
                // Bus 0 = a phone reached by a serial path, not by USB address: the port cannot show the
                // phone leave 9008 and come back as a Lumia, so there is nothing to watch.
                ctx.evidence(Evidence.failed(Evidence.BOOTED_OS, "over a serial path the agent cannot watch the phone come back: "
                        + "it was told to restart (Firehose power reset) on " + ctx.port()));
                return Outcome.done("The image was written to the phone on " + ctx.port() + " and it was told to restart. "
                        + "Over a serial port the agent cannot watch it come back: check its screen, then run `lumia-agent devices`.");
            }
            Optional<UsbDevice> back = ctx.step(AWAIT_RETURN, "wait for the phone to come back (boot manager or normal mode)",
                    bounds.returnToPhone(), () -> awaitReturn(ctx, watcher));
            if (back.isEmpty()) {
                throw new FlowFailure(Reason.PHONE_DID_NOT_RETURN, "The image was written, but the phone did not come back within "
                        + bounds.returnToPhone().toSeconds() + " s" + watcher.current().map(d -> " (it is in " + d.personality().mode().label() + ")").orElse("") + ".",
                        "Hold Volume-Down + Power for 10 s; if it comes back in 9008 again, rerun the emergency flash.");
            }
            return Outcome.done("The phone on " + ctx.port() + " was written with " + ffuName + " through the emergency path and is back in "
                    + back.get().personality().mode().label() + ".");
        }
    }

    /** How long the agent watches a phone back in its boot manager go on to its OS, for the BOOTED_OS check. */
    static final Duration OS_AFTER_BOOT_MANAGER = Duration.ofMinutes(5);

    /**
     * The phone back after the power reset: the boot manager (the written image's UEFI started) or normal mode. A
     * boot manager that no host stops (NOKD) goes on to the OS by itself (lumia-protocols.md §5; 9 s, then 34 s to
     * the OS on a 930, traces/nok/109), so the agent watches a while longer for the BOOTED_OS check; the flow's
     * outcome does not depend on that longer watch.
     */
    private Optional<UsbDevice> awaitReturn(FlowContext ctx, PhoneWatcher watcher) throws InterruptedException {
        Instant from = ctx.clock().now();
        Optional<UsbDevice> first = watcher.awaitArrival(d -> d.personality().mode() == Mode.UEFI
                || d.personality().mode() == Mode.NORMAL, ctx.within(bounds.returnToPhone()), watcher.reporting(ctx, AWAIT_RETURN,
                "the boot manager or normal mode"));
        if (first.isEmpty()) {
            ctx.evidence(Evidence.failed(Evidence.BOOTED_OS, "after the write the phone did not come back within "
                    + PhoneWatcher.human(bounds.returnToPhone()) + watcher.current().map(d -> " (it is in " + d.personality().mode().label()
                    + ")").orElse(" (it is off the bus)")));
            return first;
        }
        Optional<UsbDevice> os = first.get().personality().mode() == Mode.NORMAL ? first
                : watcher.awaitArrival(d -> d.personality().mode() == Mode.NORMAL, ctx.within(OS_AFTER_BOOT_MANAGER),
                watcher.reporting(ctx, AWAIT_RETURN, "normal mode (the OS, after the boot manager)"));
        String took = PhoneWatcher.human(Duration.between(from, ctx.clock().now()));
        if (os.isPresent()) {
            ctx.evidence(Evidence.passed(Evidence.BOOTED_OS, "the phone booted its OS (normal mode, " + os.get().vidPid() + ") " + took
                    + " after the power reset" + (os == first ? "" : ", by way of its boot manager") + "; an image that does not boot "
                    + "leaves the phone in 9008 or its boot manager"));
            return os;
        }
        ctx.evidence(Evidence.failed(Evidence.BOOTED_OS, "the phone came back in its boot manager (UEFI) but was not seen in normal mode "
                + "within " + took + " of the power reset" + watcher.current().map(d -> " (it is in " + d.personality().mode().label() + ")")
                .orElse(" (it is off the bus)")));
        return watcher.current().filter(d -> d.personality().mode() == Mode.UEFI || d.personality().mode() == Mode.NORMAL).or(() -> first);
    }

    /** Asks the source; nothing fitting is a named end before anything is uploaded. Opens the chosen FFU. */
    private EdeImage chooseFiles(FlowContext ctx, Chip chip) {
        Result r = source.choose(chip.rootKeyHash().clone(), chip.hwId());
        if (r.choice().isEmpty()) {
            throw new FlowFailure(Reason.PROGRAMMER_MISMATCH, "No emergency files could be chosen for the phone on " + ctx.port()
                    + " (root-key hash " + Bytes.hex(chip.rootKeyHash()) + ", " + chip.hwId() + "): " + r.whyNot() + ". Nothing was written.",
                    r.nextStep());
        }
        Choice c = r.choice().get();
        programmer = c.programmer();
        ffuName = c.ffu().getFileName().toString();
        ctx.progress(READ_PROGRAMMER, -1, "chose " + programmer.getFileName() + " and " + ffuName + ": " + c.why());
        EdeImage parsed = parseProgrammer();
        try {
            ffu = FfuFile.open(c.ffu());
        } catch (IOException | RuntimeException e) {
            throw new FlowFailure(Reason.FFU_INVALID, "The FFU chosen for this phone, " + c.ffu() + ", cannot be opened: " + e.getMessage()
                    + ". Nothing was written.", "Check it with `lumia-agent ffu verify " + c.ffu() + "`, or replace it in the firmware library.");
        }
        return parsed;
    }

    private EdeImage parseProgrammer() {
        try {
            return EdeParser.parse(java.nio.file.Files.readAllBytes(programmer));
        } catch (EdeFormatException e) {
            throw new FlowFailure(Reason.PROGRAMMER_INVALID, programmer.getFileName() + " is not a usable programmer: " + e.getMessage() + ".",
                    "Use the .ede programmer from the emergency files for this phone's product type.");
        } catch (IOException e) {
            throw new FlowFailure(Reason.PROGRAMMER_INVALID, "Could not read " + programmer + ": " + e.getMessage() + ".", "Check the path.");
        }
    }

    private void preFlight(FlowContext ctx) throws InterruptedException {
        ctx.step(PRE_FLIGHT, "the image verifies; backup warning and consent", Duration.ofMinutes(30), () -> {
            if (ffu == null) {
                GateResult confined = rawProgramConfined();
                if (confined.blocks()) {
                    record(ctx, confined);
                    throw new FlowFailure(Reason.RAWPROGRAM_INVALID, confined.detail() + ". Nothing was written.", confined.nextStep());
                }
            }
            GateResult integrity = ffu != null ? ffuIntegrity(ctx) : rawProgramIntegrity();
            record(ctx, integrity);
            if (integrity.blocks()) {
                throw new FlowFailure(Reason.FFU_INVALID, integrity.detail() + ".", integrity.nextStep());
            }
            record(ctx, GateResult.unknown(Gate.BATTERY, "a phone in 9008 does not report its battery", false,
                    "Keep the phone on a charger during the emergency flash."));
            record(ctx, Gates.backupWarning());
            GateResult c = Gates.consent(consent, "Write " + ffuName + " to the phone on " + ctx.port() + " through the emergency path.");
            record(ctx, c);
            if (c.blocks()) {
                throw new FlowFailure(Reason.NO_CONSENT, "Nothing was written: " + c.detail() + ".", c.nextStep());
            }
            return null;
        });
    }

    /**
     * Every file the rawprogram set names must be inside the images directory, links followed (a set
     * built without the parser's check, or a symlink planted among the images, is caught here).
     */
    private GateResult rawProgramConfined() {
        List<String> outside = new ArrayList<>();
        for (RawProgramEntry e : rawprogram.programs()) {
            if (e.hasFile()) {
                try {
                    ImageFileNames.resolve(imagesDir, e.source(), e.filename());
                } catch (RawProgramException ex) {
                    outside.add(ex.getMessage());
                } catch (IOException ex) {
                    // Missing: the integrity gate names it.
                }
            }
        }
        return outside.isEmpty() ? GateResult.passed(Gate.FFU_INTEGRITY, "every image file is inside " + imagesDir)
                : GateResult.failed(Gate.FFU_INTEGRITY, "the rawprogram set names files outside the images directory " + imagesDir
                + ": " + String.join("; ", outside), "Use a rawprogram XML whose filename entries are plain names of files in the "
                + "images directory (no '..', no absolute paths, no links leading out of it).");
    }

    /** Every file the rawprogram set names must be there before anything is written. */
    private GateResult rawProgramIntegrity() {
        List<String> missing = new ArrayList<>();
        int files = 0;
        for (RawProgramEntry e : rawprogram.programs()) {
            if (e.hasFile()) {
                files++;
                try {
                    ImageFileNames.resolve(imagesDir, e.source(), e.filename());
                } catch (IOException | RawProgramException ex) {
                    missing.add(e.filename());
                }
            }
        }
        return missing.isEmpty() ? GateResult.passed(Gate.FFU_INTEGRITY, files + " image files present (rawprogram has no hashes to check)")
                : GateResult.failed(Gate.FFU_INTEGRITY, "missing image files in " + imagesDir + ": " + String.join(", ", missing),
                "Put every file the rawprogram XML names into the images directory; nothing was written.");
    }

    private GateResult ffuIntegrity(FlowContext ctx) {
            FfuVerification v;
            try {
                v = ffu.verify((done, total) -> ctx.progress(PRE_FLIGHT, total == 0 ? -1 : (double) done / total,
                        "verified " + (done >> 20) + " of " + (total >> 20) + " MiB of " + ffuName));
            } catch (IOException e) {
                throw new FlowFailure(Reason.FFU_INVALID, "Could not read " + ffuName + ": " + e.getMessage(), "Check the file.");
            }
            verification = v;
            return v.valid() ? GateResult.passed(Gate.FFU_INTEGRITY, v.chunksChecked() + " chunks verified, file sha256 " + v.fileSha256())
                    : GateResult.failed(Gate.FFU_INTEGRITY, ffuName + " is damaged: " + v.failures().get(0), "Download the FFU again; nothing was written.");
    }

    private void writeRawProgram(FlowContext ctx, Firehose firehose, FirehoseStorageInfo storage) throws InterruptedException {
        ctx.step(WRITE_IMAGE, "write the rawprogram set (" + rawprogram.programs().size() + " entries) and apply its patches",
                Duration.ofHours(2), () -> {
                    // The patches change sectors after they are written (a GPT's CRCs, its backup's place): those
                    // sectors are left out of the written digests and of the read-back, which runs after the patches.
                    List<WrittenImage.Sector> patched = new ArrayList<>();
                    String unresolved = null;
                    for (RawPatchEntry patch : rawprogram.patches()) {
                        if (patch.targetsDisk()) {
                            try {
                                patched.add(new WrittenImage.Sector(patch.command().physicalPartition(),
                                        patch.command().startSector().evaluate(diskSectors(storage, patch.command().sectorSize()))));
                            } catch (IllegalArgumentException e) {
                                unresolved = "the sector of a patch (" + patch + ") cannot be resolved here (" + e.getMessage() + ")";
                            }
                        }
                    }
                    WrittenImage image = new WrittenImage(patched);
                    if (unresolved != null) {
                        image.notComparable(unresolved);
                    }
                    List<String> files = new ArrayList<>();
                    int done = 0;
                    for (RawProgramEntry e : rawprogram.programs()) {
                        if (!e.hasFile()) {
                            continue;
                        }
                        Path file = imagesDir.resolve(e.filename());
                        try {
                            // Again at the moment of reading: the pre-flight's answer may be minutes old.
                            file = ImageFileNames.resolve(imagesDir, e.source(), e.filename());
                        } catch (RawProgramException ex) {
                            throw new FlowFailure(Reason.RAWPROGRAM_INVALID, ex.getMessage() + ". Nothing more was written.",
                                    "Check the images directory (a link leading out of it?), then rerun the emergency flash.");
                        } catch (IOException ex) {
                            throw new FlowFailure(Reason.FFU_INVALID, "Could not read " + file + ": " + ex.getMessage() + ".",
                                    "Check the images directory, then rerun the emergency flash.");
                        }
                        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                            long offset = e.fileSectorOffset() * e.sectorSize();
                            long sectors = e.numPartitionSectors() > 0 ? e.numPartitionSectors()
                                    : (ch.size() - offset + e.sectorSize() - 1) / e.sectorSize();
                            ch.position(offset);
                            long first;
                            try {
                                first = e.startSector().evaluate(diskSectors(storage, e.sectorSize()));
                            } catch (IllegalArgumentException ex) {
                                first = 0;
                                image.notComparable("the start sector of " + e.filename() + " (" + e.startSector() + ") cannot be resolved here");
                            }
                            WrittenImage.PieceDigest piece = image.piece(e.physicalPartition(), e.sectorSize(), first * e.sectorSize());
                            FirehoseResult<Long> r = firehose.program(e.toCommand(sectors), new WrittenImage.HashingSource(ch, piece));
                            if (!r.isOk()) {
                                throw nak("program " + e.filename(), r);
                            }
                            piece.finish(sectors * e.sectorSize()); // with the zero padding the session sent (edl-protocol.md §3.5)
                            files.add(e.filename());
                        } catch (IOException ex) {
                            throw new FlowFailure(Reason.FFU_INVALID, "Could not read " + file + ": " + ex.getMessage() + ".",
                                    "Check the images directory, then rerun the emergency flash.");
                        }
                        ctx.progress(WRITE_IMAGE, (double) ++done / rawprogram.programs().size(), e.filename() + " written");
                    }
                    int patches = 0;
                    for (RawPatchEntry patch : rawprogram.patches()) {
                        if (patch.targetsDisk()) {
                            FirehoseResponse r = firehose.patch(patch.command());
                            if (!r.ack()) {
                                throw new FlowFailure(Reason.DEVICE_REJECTED, "The programmer refused a patch (" + patch + "): "
                                        + r.logText() + ".", "Check the patch XML matches this phone's storage.");
                            }
                            patches++;
                        }
                    }
                    written = image;
                    ctx.evidence(Evidence.erased(Evidence.EMERGENCY_REFLASH, "the programmer " + programmer.getFileName() + " wrote the "
                            + "rawprogram set " + ffuName + " (" + files.size() + (files.size() == 1 ? " file: " : " files: ")
                            + String.join(", ", files.subList(0, Math.min(5, files.size()))) + (files.size() > 5 ? ", …" : "")
                            + "): " + WrittenImage.mib(image.bytes()) + " (" + image.bytes() + " bytes) in " + image.ranges().size()
                            + (image.ranges().size() == 1 ? " range (" : " ranges (") + image.describeRanges() + ")"
                            + (patches == 0 ? "" : "; then " + patches + (patches == 1 ? " patch" : " patches") + " changed "
                            + image.leftOutSectors() + " of the written sectors")));
                    return null;
                });
    }

    private void writeImage(FlowContext ctx, Firehose firehose, FirehoseStorageInfo storage) throws InterruptedException {
        long diskBytes = storage.totalBlocks() * storage.blockSize();
        long diskBlocks = diskBytes / ffu.image().blockSize();
        ctx.step(WRITE_IMAGE, "write the FFU's raw image (" + (ffu.image().payloadSize() >> 20) + " MiB) with Firehose program",
                Duration.ofHours(2), () -> {
                    WrittenImage image = new WrittenImage();
                    FirehoseDiskWriter writer = new FirehoseDiskWriter(firehose, bytes -> ctx.progress(WRITE_IMAGE,
                            (double) bytes / Math.max(1, ffu.image().payloadSize()), (bytes >> 20) + " MiB written"), image);
                    try {
                        ffu.reconstruct(diskBlocks, writer, true, (done, total) -> { });
                        writer.flush();
                        written = image;
                        ctx.evidence(Evidence.erased(Evidence.EMERGENCY_REFLASH, "the programmer " + programmer.getFileName() + " wrote "
                                + ffuName + "'s raw image (FFU SHA-256 " + (verification != null ? verification.fileSha256() : "unknown")
                                + "): " + WrittenImage.mib(image.bytes()) + " (" + image.bytes() + " bytes) in " + image.ranges().size()
                                + (image.ranges().size() == 1 ? " range (" : " ranges (") + image.describeRanges() + ")"
                                + (image.replaced() == 0 ? "" : "; " + image.replaced() + " blocks were written twice to the same "
                                + "place, the later write standing (" + WrittenImage.mib(image.bytesSent()) + " sent)")));
                    } catch (FirehoseDiskWriter.FirehoseWriteRefused e) {
                        throw nak("program", e.result);
                    } catch (IOException e) {
                        throw new FlowFailure(Reason.FFU_INVALID, "Could not write the image: " + e.getMessage() + ".",
                                "Check the FFU with `lumia-agent ffu verify`, then rerun the emergency flash.");
                    }
                    return null;
                });
    }

    /** The disk's size in sectors of {@code sectorSize}, for a rawprogram expression such as NUM_DISK_SECTORS-33. */
    private static long diskSectors(FirehoseStorageInfo storage, int sectorSize) {
        return storage.blockSize() == sectorSize ? storage.totalBlocks() : storage.totalBytes() / sectorSize;
    }

    /** At least 1 MiB/s (USB 2 reads an eMMC at 20-30 MB/s), and two minutes for the round trips. */
    static Duration verifyBound(long bytes) {
        return Duration.ofMinutes(2).plusSeconds(bytes >> 20);
    }

    /**
     * VerifyImage: the ranges WriteImage wrote are read back through Firehose {@code <read>} (edl-protocol.md §3.4,
     * §3.5), at most {@link FirehoseDiskWriter#MAX_RUN} per command, in disk order, and each piece's SHA-256 is
     * compared with the one taken as it was sent ({@link WrittenImage}). Nothing is held in memory but the digests.
     */
    private void verifyImage(FlowContext ctx, Firehose firehose) throws InterruptedException {
        WrittenImage image = written;
        long total = image.bytes();
        int n = image.ranges().size();
        String where = WrittenImage.mib(total) + " in " + n + (n == 1 ? " range" : " ranges");
        ctx.step(VERIFY_IMAGE, "read back what was written (" + where + ") and compare its SHA-256 with the written image's",
                verifyBound(total), () -> {
                    if (image.notComparable() != null) {
                        ctx.evidence(Evidence.failed(Evidence.READBACK_DIGEST, "not compared: " + image.notComparable()));
                        return null;
                    }
                    WrittenImage.ReadBack back = image.readBack();
                    try {
                        for (WrittenImage.Range r : image.ranges()) {
                            long per = Math.max(1, FirehoseDiskWriter.MAX_RUN / r.sectorSize());
                            for (long at = r.startSector(); at < r.end(); at += per) {
                                long sectors = Math.min(per, r.end() - at);
                                FirehoseResult<Long> got = firehose.read(FirehoseRead.of(r.sectorSize(), at, sectors, r.partition()),
                                        back.sink(r.partition(), r.sectorSize(), at));
                                if (!got.isOk()) {
                                    ctx.evidence(Evidence.failed(Evidence.READBACK_DIGEST, "the programmer refused to read back "
                                            + new WrittenImage.Range(r.partition(), r.sectorSize(), at, sectors) + " after "
                                            + WrittenImage.mib(back.read()) + " of " + WrittenImage.mib(total) + ": nothing was compared"));
                                    throw nak("read", got);
                                }
                                ctx.progress(VERIFY_IMAGE, (double) back.read() / Math.max(1, total),
                                        "read back " + (back.read() >> 20) + " of " + (total >> 20) + " MiB");
                            }
                        }
                    } catch (RuntimeException e) {
                        if (!(e instanceof FlowFailure)) {
                            ctx.evidence(Evidence.failed(Evidence.READBACK_DIGEST, "the read-back stopped after " + WrittenImage.mib(back.read())
                                    + " of " + WrittenImage.mib(total) + " (" + e.getMessage() + "): nothing was compared"));
                        }
                        throw e;
                    }
                    String sha = back.sha256();
                    long patched = image.leftOutSectors();
                    String leftOut = patched == 0 ? "" : "; " + patched + (patched == 1 ? " sector" : " sectors")
                            + " the set's patches changed after the write left out";
                    if (back.complete() && back.differing() == 0) {
                        ctx.evidence(Evidence.passed(Evidence.READBACK_DIGEST, "read back " + where + ": SHA-256 " + sha
                                + " equals the written image's (" + (back.pieces() == 1 ? "the piece" : "each of the " + back.pieces()
                                + " pieces") + " written compared with the SHA-256 taken as it was sent)" + leftOut));
                        return null;
                    }
                    ctx.evidence(Evidence.failed(Evidence.READBACK_DIGEST, "read back " + where + ": SHA-256 " + sha
                            + " is not the written image's: " + back.differing() + " of the " + back.pieces() + " pieces written read back "
                            + "differently, the first at " + back.firstDifference() + leftOut));
                    throw new FlowFailure(Reason.READBACK_MISMATCH, "The image was written to the phone on " + ctx.port() + ", but what "
                            + "reads back differs from it: " + back.differing() + " of " + back.pieces() + " pieces (" + where
                            + "; SHA-256 of all read " + sha + "), the first at " + back.firstDifference() + ". The phone was not restarted.",
                            "Hold Volume-Down + Power for 10 s so the phone restarts into 9008, then run the emergency flash again; if the "
                                    + "read-back differs again, the phone's storage (eMMC) is failing and the phone needs a hardware repair.");
                });
    }

    private static FlowFailure nak(String command, FirehoseResult<?> r) {
        return new FlowFailure(Reason.DEVICE_REJECTED, "The programmer refused " + command + ": " + r + ".",
                FirehoseRefused.nextStep(r.response()));
    }

    private void record(FlowContext ctx, GateResult g) {
        gates.add(g);
        ctx.gate(g);
    }
}
