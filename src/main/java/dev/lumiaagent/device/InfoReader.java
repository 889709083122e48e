package dev.lumiaagent.device;

import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.UsbDevice;

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

    /** Opens the phone in its mode ({@link Phones#open}) and reads it. */
    public static DeviceInfo read(Bus bus, UsbDevice d) {
        try (Phone phone = Phones.open(bus, d)) {
            return phone.readInfo();
        }
    }
}
