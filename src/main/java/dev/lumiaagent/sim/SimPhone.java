package dev.lumiaagent.sim;

import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.time.Deadline;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import dev.lumiaagent.transport.discovery.Personality;
import dev.lumiaagent.transport.discovery.PersonalityTable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A simulated phone: its model, identity and state. It presents the USB identity a real phone of
 * that model presents in its current mode; its protocols are served by {@link SimFirmware}.
 */
public final class SimPhone {
    private static final int VID_QUALCOMM = 0x05C6;

    private final SimModel model;
    private final String imei;
    private final String usbSerial;
    private final LinkKind linkKind;
    private final Set<SimFault> faults; // guarded by itself: changed by key resets
    private volatile Mode mode;
    private volatile int batteryPercent;
    private volatile SimUefiApp uefiApp = SimUefiApp.BOOT_MANAGER;
    private volatile boolean flashingIncomplete;
    private volatile boolean watchdogDisabled;
    private volatile boolean writeLimitEnforced = true;
    private volatile SimStorage storage = SimStorage.CONTENT;
    private volatile int writeRateKiBs;
    private volatile int saharaVersion = 2;
    private volatile boolean verifyBlocks = true;
    private volatile int flashesCompleted;
    private volatile boolean userDataErased;
    private volatile boolean outOfBox;
    private volatile boolean factoryResetRunning;
    private volatile int gearCycles;
    private dev.lumiaagent.image.ffu.SparseDisk disk;
    private final WriteDigest digest = new WriteDigest();
    private final SimFlashing flashing = new SimFlashing(this);
    private final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The 9008 PBL of this power-on (see {@link #pblOfThisPowerOn}); guarded by this. */
    private SimFirmware pbl;

    public SimPhone(SimModel model, String imei, String usbSerial, Mode mode, int batteryPercent,
                    LinkKind linkKind, Set<SimFault> faults) {
        this.model = Objects.requireNonNull(model, "model");
        this.imei = Objects.requireNonNull(imei, "imei");
        this.usbSerial = Objects.requireNonNull(usbSerial, "usbSerial");
        this.linkKind = Objects.requireNonNull(linkKind, "linkKind");
        this.faults = java.util.Collections.synchronizedSet(faults.isEmpty() ? EnumSet.noneOf(SimFault.class) : EnumSet.copyOf(faults));
        if (batteryPercent < 0 || batteryPercent > 100) {
            throw new IllegalArgumentException("battery must be 0..100 %: " + batteryPercent);
        }
        this.batteryPercent = batteryPercent;
        this.mode = this.faults.contains(SimFault.DEAD_BATTERY) ? Mode.EMERGENCY_CHARGING : Objects.requireNonNull(mode);
        if (!SIMULATED_MODES.contains(this.mode)) {
            throw new IllegalArgumentException("a simulated phone cannot start in mode " + this.mode
                    + "; simulated modes: " + SIMULATED_MODES);
        }
    }

    /** Modes a simulated phone can be in. */
    public static final Set<Mode> SIMULATED_MODES = EnumSet.of(Mode.NORMAL, Mode.LABEL, Mode.UEFI,
            Mode.MASS_STORAGE, Mode.EDL_PBL, Mode.EMERGENCY_CHARGING);

    public SimModel model() {
        return model;
    }

    public String imei() {
        return imei;
    }

    public String usbSerial() {
        return usbSerial;
    }

    public LinkKind linkKind() {
        return linkKind;
    }

    public Set<SimFault> faults() {
        synchronized (faults) {
            return Set.copyOf(faults);
        }
    }

    public boolean has(SimFault fault) {
        return faults.contains(fault);
    }

    /** Takes a one-shot fault: true once if the phone had it. */
    boolean consume(SimFault fault) {
        return faults.remove(fault);
    }

    /** Arms a fault while the phone runs (tests and `simulate` use it). */
    public void inject(SimFault fault) {
        if (fault == SimFault.DEAD_BATTERY) {
            throw new IllegalArgumentException("a dead battery is a starting state: attach the phone with it");
        }
        faults.add(fault);
    }

    /** Disarms a fault armed with {@link #inject} (a one-shot fault that found nothing to act on); true if it was armed. */
    public boolean clear(SimFault fault) {
        return faults.remove(fault);
    }

    /** The battery ran flat while the phone was in use: it comes back only as emergency charging (see SimBus#batteryDies). */
    void batteryDied() {
        batteryPercent = 0;
        faults.add(SimFault.DEAD_BATTERY);
    }

    /** A key reset (the "extended reboot") un-hangs a stalled phone. */
    void clearStall() {
        faults.remove(SimFault.STALL);
    }

    public Mode mode() {
        return mode;
    }

    void mode(Mode next) {
        if (!SIMULATED_MODES.contains(next)) {
            throw new IllegalArgumentException("not a simulated mode: " + next);
        }
        this.mode = next;
        synchronized (this) {
            pbl = null; // every mode change is a restart: the next 9008 PBL is a new one
        }
    }

    /**
     * The PBL running in 9008 since this power-on, made by {@code make} the first time. A real PBL
     * does not restart when the host closes and reopens its port: it keeps its state (waiting for
     * HELLO_RESP, in command mode, mid-transfer) and does not greet again (qdl:src/qud.c "the device
     * only sends HELLO once", edl-protocol.md §2.1). So a bus opens the same PBL until the phone restarts.
     */
    synchronized SimFirmware pblOfThisPowerOn(java.util.function.Supplier<SimFirmware> make) {
        if (pbl == null) {
            pbl = Objects.requireNonNull(make.get(), "pbl");
        }
        return pbl;
    }

    public int batteryPercent() {
        return batteryPercent;
    }

    void batteryPercent(int percent) {
        this.batteryPercent = Math.max(0, Math.min(100, percent));
    }

    /** The UEFI app running while in {@code Mode.UEFI}. */
    public SimUefiApp uefiApp() {
        return uefiApp;
    }

    public void uefiApp(SimUefiApp app) {
        this.uefiApp = app;
    }

    /** An interrupted FFU flash leaves this set; the phone then boots into the flash app (§4.1). */
    public boolean flashingIncomplete() {
        return flashingIncomplete;
    }

    public void flashingIncomplete(boolean incomplete) {
        this.flashingIncomplete = incomplete;
    }

    /** True once the user Data partition was erased (a factory reset, or NOKXFP "Data"). */
    public boolean userDataErased() {
        return userDataErased;
    }

    /**
     * True when the phone's OS starts in its first-start setup ("out of box"): after a factory reset
     * finished, or after its Data partition was erased.
     */
    public boolean outOfBox() {
        return outOfBox;
    }

    /** True while a factory reset runs (the spinning gears). */
    public boolean factoryResetRunning() {
        return factoryResetRunning;
    }

    /** How many times the phone rebooted into the gears during its factory reset. */
    public int gearCycles() {
        return gearCycles;
    }

    /** NOKXFP "Data": apps, messages, pictures and settings are gone; the OS starts in its setup. */
    void eraseUserData() {
        userDataErased = true;
        outOfBox = true;
    }

    void factoryResetStarted() {
        factoryResetRunning = true;
        gearCycles = 0;
    }

    void gearCycle() {
        gearCycles++;
    }

    /** The reset finished: the OS comes up out of the box, user data erased. */
    void factoryResetFinished() {
        factoryResetRunning = false;
        eraseUserData();
    }

    /** A key reset (Volume-Down + Power) interrupts a running factory reset. */
    void factoryResetInterrupted() {
        factoryResetRunning = false;
    }

    /** The phone's eMMC: sparse, zero where never written; as large as the model's. */
    public synchronized dev.lumiaagent.image.ffu.SparseDisk disk() {
        if (disk == null) {
            disk = new dev.lumiaagent.image.ffu.SparseDisk(model.emmcSectors() * 512L);
        }
        return disk;
    }

    SimFlashing flashing() {
        return flashing;
    }

    /** How many FFU flashes this phone completed. */
    public int flashesCompleted() {
        return flashesCompleted;
    }

    void flashCompleted() {
        flashesCompleted++;
    }

    /**
     * False makes the eMMC discard what is flashed (it still checks every block's hash): for
     * benchmarks, so that the simulated phone's storage does not weigh on the agent's heap.
     * The same as {@code storage(store ? CONTENT : DISCARD)}.
     */
    public void storeWrites(boolean store) {
        this.storage = store ? SimStorage.CONTENT : SimStorage.DISCARD;
    }

    /** What the eMMC keeps of what is flashed: the bytes (the default), a digest, or nothing. */
    public void storage(SimStorage storage) {
        this.storage = java.util.Objects.requireNonNull(storage, "storage");
    }

    public SimStorage storage() {
        return storage;
    }

    /** What was flashed to this phone while its storage was {@link SimStorage#DIGEST}. */
    public WriteDigest writeDigest() {
        return digest;
    }

    /**
     * The eMMC's sustained write rate in KiB/s on the bus clock (0, the default: as fast as the
     * simulator goes). With a rate, the flash app answers each payload message only once the eMMC
     * has had the time to write it, as a real phone does, so a 2.25 MiB message takes 0.27 s at
     * 8192 KiB/s. Independent of the model's write limit, which is a corruption threshold.
     */
    public void writeRateKiBs(int kiBs) {
        if (kiBs < 0) {
            throw new IllegalArgumentException("write rate must be 0 (none) or positive KiB/s: " + kiBs);
        }
        this.writeRateKiBs = kiBs;
    }

    public int writeRateKiBs() {
        return writeRateKiBs;
    }

    /**
     * The flash app answers one payload message late: the first one after {@code afterBytes} of payload
     * waits {@code delay} (bench clock) before its reply, as a phone busy with its eMMC, or a host
     * delayed by its own machine, looks from the other side. Tests use it to check that a host does
     * not catch up with a burst.
     */
    public void slowReplyOnce(long afterBytes, java.time.Duration delay) {
        flashing.slowReplyOnce(afterBytes, delay);
    }

    /** From now on, keeps every FFU payload message this phone receives (for {@link #payloadArrivals()}). */
    public void recordPayloadArrivals() {
        flashing.recordArrivals(true);
    }

    /** The FFU payload messages received since {@link #recordPayloadArrivals()}: when (bench clock) and their size. */
    public List<SimPayloadArrival> payloadArrivals() {
        return flashing.arrivals();
    }

    /**
     * The Sahara version its PBL speaks in 9008: 2 (every Lumia generation captured so far) or 3 (newer
     * PBLs: an 8-byte serial, MSM HW ID refused, traces/sahara/017; see SimEdlFirmware).
     */
    public void saharaVersion(int version) {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("simulated Sahara versions are 2 and 3, not " + version);
        }
        this.saharaVersion = version;
    }

    public int saharaVersion() {
        return saharaVersion;
    }

    /** False skips the flash app's per-block SHA-256 check (benchmarks of the host side alone). */
    public void verifyBlocks(boolean verify) {
        this.verifyBlocks = verify;
    }

    boolean verifyBlocks() {
        return verifyBlocks;
    }

    /** Where the flash app puts the blocks it accepted, per {@link #storage()}. */
    dev.lumiaagent.image.ffu.BlockSink emmc() {
        switch (storage) {
            case CONTENT: return disk();
            case DIGEST: return digest;
            default: return (offset, bytes) -> bytes.position(bytes.limit());
        }
    }

    /** False lifts the model's write-speed limit (benchmarks measure the host side alone). */
    public void writeLimitEnforced(boolean enforced) {
        this.writeLimitEnforced = enforced;
    }

    boolean writeLimitEnforced() {
        return writeLimitEnforced;
    }

    boolean watchdogDisabled() {
        return watchdogDisabled;
    }

    void watchdogDisabled(boolean disabled) {
        this.watchdogDisabled = disabled;
    }

    /** The product code (CTR) this phone was sold with: the model's first. */
    public String productCode() {
        return model.productCodes().get(0);
    }

    /** The 20-byte public ID, derived from the IMEI so each simulated phone has its own. */
    public byte[] publicId() {
        return derive("public-id", 20);
    }

    /**
     * The Bluetooth address ({@code ReadBtId}, 6 bytes), derived from the IMEI so each phone has its own.
     * Real phones' BT address is from another block than their WLAN addresses (ncsd/001, ncsd/002).
     */
    public byte[] btId() {
        return derive("bt-id", 6);
    }

    /**
     * The four WLAN addresses ({@code ReadWlanMacAddress} → {@code WlanMacAddress1..4}): consecutive, as on
     * a real 735, 930 and 640 LTE (…CC9C..CC9F in ncsd/001; …F358..F35B in ncsd/002; …D464..D467 in ncsd/004).
     */
    public byte[][] wlanMacs() {
        byte[] base = derive("wlan-mac", 6);
        base[5] &= (byte) 0xFC; // room for +3 without a carry
        byte[][] macs = new byte[4][];
        for (int i = 0; i < 4; i++) {
            macs[i] = base.clone();
            macs[i][5] = (byte) (base[5] + i);
        }
        return macs;
    }

    /** The eMMC CID (16 bytes); bytes 0..1 name the manufacturer (0x0090 Hynix here). */
    public byte[] emmcCid() {
        byte[] cid = derive("cid", 16);
        cid[0] = 0x00;
        cid[1] = (byte) 0x90;
        return cid;
    }

    /** The SHA-256 of the OEM root key: per model, as on real phones of one product line. */
    public byte[] rootKeyHash() {
        // Simulator convention (EdeBuilder): the fused hash is the SHA-256 of the simulated root
        // certificate of this platform, so programmers built for the platform pass the PBL's check.
        return dev.lumiaagent.image.ede.EdeBuilder.simulatedRootKeyHash(model.platformId());
    }

    private byte[] derive(String what, int length) {
        byte[] h = sha256((what + ":" + imei).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return java.util.Arrays.copyOf(h, length);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** Something the host did that this phone would reject; tests assert there are none. */
    public void recordViolation(String what) {
        SimLog.LOG.warn("protocol violation on {}: {}", this, what);
        synchronized (violations) {
            violations.add(what);
            violations.notifyAll();
        }
    }

    /**
     * Waits until this phone has recorded at least {@code n} protocol violations, or {@code timeout} (real
     * time) passed: tests wait on the event, not on a sleep. True when they were recorded.
     */
    public boolean awaitViolations(int n, java.time.Duration timeout) throws InterruptedException {
        Deadline deadline = Deadline.after(AgentClock.system(), timeout);
        synchronized (violations) {
            return deadline.awaitOn(violations, () -> violations.size() >= n);
        }
    }

    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** The USB identity this phone presents in its current mode, plugged in at {@code port}. */
    public UsbDevice usbDeviceAt(PortPath port) {
        Identity id = identity(mode);
        List<Integer> classes = id.interfaceClasses();
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) {
            numbers.add(i);
        }
        Personality p = PersonalityTable.standard().classify(id.vid(), id.pid(), id.product(), classes)
                .orElseThrow(() -> new IllegalStateException("simulated identity not in the personality table: " + id));
        return new UsbDevice(port, id.vid(), id.pid(), id.manufacturer(), id.product(), id.serial(), numbers, p);
    }

    record Identity(int vid, int pid, String manufacturer, String product, String serial, List<Integer> interfaceClasses) {
    }

    // Descriptor strings and interface classes are not captured in any source (lumia-protocols.md §9);
    // these are plausible values. "NOKIA BOOTMGR" is what lp-externals saw on a Lumia 520 at 0421:066E.
    private Identity identity(Mode m) {
        switch (m) {
            case NORMAL:
                return new Identity(model.normal().vid(), model.normal().pid(), model.manufacturer(), model.name(),
                        usbSerial, List.of(6, 255, 255, 255));
            case LABEL:
                return new Identity(model.label().vid(), model.label().pid(), model.manufacturer(), model.name(),
                        usbSerial, List.of(6, 255, 255, 255, 255));
            case UEFI:
                return new Identity(model.uefi().vid(), model.uefi().pid(), model.manufacturer(), "NOKIA BOOTMGR",
                        usbSerial, List.of(255));
            case MASS_STORAGE:
                return new Identity(VID_QUALCOMM, 0x9006, "Qualcomm", "MMC Storage", "", List.of(8, 255));
            case EDL_PBL:
                return new Identity(VID_QUALCOMM, 0x9008, "Qualcomm CDMA Technologies MSM", "QHSUSB__BULK", "",
                        List.of(255));
            case EMERGENCY_CHARGING:
                return new Identity(VID_QUALCOMM, 0xF006, "Qualcomm", "", "", List.of(3));
            default:
                throw new IllegalStateException("no simulated identity for " + m);
        }
    }

    @Override
    public String toString() {
        return model.name() + " (" + model.productType() + ") IMEI " + imei + " in " + mode.label();
    }
}
