package dev.lumiaagent.sim;

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
    private final Set<SimFault> faults;
    private volatile Mode mode;
    private volatile int batteryPercent;
    private final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();

    public SimPhone(SimModel model, String imei, String usbSerial, Mode mode, int batteryPercent,
                    LinkKind linkKind, Set<SimFault> faults) {
        this.model = Objects.requireNonNull(model, "model");
        this.imei = Objects.requireNonNull(imei, "imei");
        this.usbSerial = Objects.requireNonNull(usbSerial, "usbSerial");
        this.linkKind = Objects.requireNonNull(linkKind, "linkKind");
        this.faults = faults.isEmpty() ? EnumSet.noneOf(SimFault.class) : EnumSet.copyOf(faults);
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
        return Set.copyOf(faults);
    }

    public boolean has(SimFault fault) {
        return faults.contains(fault);
    }

    public Mode mode() {
        return mode;
    }

    void mode(Mode next) {
        if (!SIMULATED_MODES.contains(next)) {
            throw new IllegalArgumentException("not a simulated mode: " + next);
        }
        this.mode = next;
    }

    public int batteryPercent() {
        return batteryPercent;
    }

    void batteryPercent(int percent) {
        this.batteryPercent = Math.max(0, Math.min(100, percent));
    }

    /** Something the host did that this phone would reject; tests assert there are none. */
    public void recordViolation(String what) {
        SimLog.LOG.warn("protocol violation on {}: {}", this, what);
        violations.add(what);
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
