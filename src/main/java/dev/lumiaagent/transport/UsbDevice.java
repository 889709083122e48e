package dev.lumiaagent.transport;

import dev.lumiaagent.transport.discovery.Personality;
import java.util.List;
import java.util.Objects;

/**
 * One device on the bus as enumerated: where it is, what it says it is, and what that means.
 *
 * @param serial iSerial, or the {@code _SN:} token of an EDL iProduct, or "" when the device has none
 * @param interfaces interface numbers of the active configuration
 */
public record UsbDevice(PortPath port, int vid, int pid, String manufacturer, String product, String serial,
                        List<Integer> interfaces, Personality personality) {
    public UsbDevice {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(personality, "personality");
        if (vid < 0 || vid > 0xFFFF || pid < 0 || pid > 0xFFFF) {
            throw new IllegalArgumentException("VID/PID out of range");
        }
        manufacturer = manufacturer == null ? "" : manufacturer;
        product = product == null ? "" : product;
        serial = serial == null ? "" : serial;
        interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
    }

    public String vidPid() {
        return String.format("%04X:%04X", vid, pid);
    }

    @Override
    public String toString() {
        return port + " " + vidPid() + " " + personality.name()
                + (product.isEmpty() ? "" : " \"" + product + "\"")
                + (serial.isEmpty() ? "" : " serial " + serial);
    }
}
