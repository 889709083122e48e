package dev.lumiaagent.device;

import dev.lumiaagent.protocol.ncsd.NcsdSession;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;

/**
 * Reads what the phone's current mode can tell and merges it with what the bus already says. A mode
 * that cannot be read over USB says so in a note; nothing is invented.
 */
public final class InfoReader {
    private InfoReader() {
    }

    /** What enumeration alone tells about a device. */
    public static DeviceInfo fromBus(UsbDevice d) {
        return DeviceInfo.builder()
                .put(InfoField.PORT, d.port().toString())
                .put(InfoField.MODE, d.personality().mode().label())
                .put(InfoField.PERSONALITY, d.personality().name())
                .put(InfoField.VID_PID, d.vidPid())
                .put(InfoField.USB_SERIAL, d.serial())
                .build();
    }

    public static DeviceInfo read(Bus bus, UsbDevice d) {
        DeviceInfo base = fromBus(d);
        Mode mode = d.personality().mode();
        switch (mode) {
            case NORMAL:
            case LABEL:
                try (Link link = Channels.open(bus, d)) {
                    return base.merge(NormalModeReader.read(new NcsdSession(link)));
                }
            case UEFI:
                try (Link link = Channels.open(bus, d)) {
                    return base.merge(new UefiPhone(link).readInfo());
                }
            case EMERGENCY_CHARGING:
                return base.merge(DeviceInfo.builder().put(InfoField.BATTERY_PERCENT, 0)
                        .note("Battery dead: the phone shows up only as Qualcomm emergency charging (05C6:F006). "
                                + "Charge it for at least 20 minutes with a wall charger, then check again.").build());
            case EDL_PBL:
            case EDL_PROGRAMMER:
            case EDL:
                try (Link link = Channels.open(bus, d)) {
                    return base.merge(EdlReader.read(link));
                }
            case MASS_STORAGE:
                return base.merge(DeviceInfo.builder().note("Mass-storage mode: the phone is a USB disk and has no "
                        + "information channel. Restart it (hold Volume-Down + Power) to read it in normal mode.").build());
            default:
                return base.merge(DeviceInfo.builder().note("The agent cannot read a phone in " + mode.label() + ".").build());
        }
    }
}
