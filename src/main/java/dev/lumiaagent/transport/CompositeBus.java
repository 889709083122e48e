package dev.lumiaagent.transport;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several buses seen as one: on a real host, libusb first and serial ports second. A phone seen by
 * two backends at the same port path (a 9008 phone bound to qcserial is visible to libusb and as a
 * tty) is listed once, from the first backend; opening it falls back to the next backend when the
 * first is refused access (the QDLoader / qcserial case of edl-protocol.md §1.5).
 */
public final class CompositeBus implements Bus {
    private static final Logger LOG = LoggerFactory.getLogger(CompositeBus.class);
    private final List<Bus> buses;

    public CompositeBus(List<Bus> buses) {
        if (buses.isEmpty()) {
            throw new IllegalArgumentException("a composite bus needs at least one bus");
        }
        this.buses = List.copyOf(buses);
    }

    @Override
    public List<UsbDevice> devices() {
        Map<PortPath, UsbDevice> seen = new LinkedHashMap<>();
        for (Bus b : buses) {
            for (UsbDevice d : b.devices()) {
                seen.putIfAbsent(d.port(), d);
            }
        }
        List<UsbDevice> out = new ArrayList<>(seen.values());
        out.sort(Comparator.comparing(UsbDevice::port));
        return out;
    }

    @Override
    public Subscription watch(Consumer<BusEvent> listener) {
        List<Subscription> subs = new ArrayList<>();
        for (Bus b : buses) {
            subs.add(b.watch(listener));
        }
        return () -> subs.forEach(Subscription::close);
    }

    @Override
    public Link open(UsbDevice device, LinkOptions options) {
        AccessDenied firstDenial = null;
        for (Bus b : buses) {
            boolean here = b.devices().stream().anyMatch(d -> d.port().equals(device.port())
                    && d.vid() == device.vid() && d.pid() == device.pid());
            if (!here) {
                continue;
            }
            try {
                return b.open(device, options);
            } catch (AccessDenied e) {
                LOG.debug("{} refused {}: {}; trying the next backend", b.describe(), device.port(), e.getMessage());
                if (firstDenial == null) {
                    firstDenial = e;
                }
            }
        }
        if (firstDenial != null) {
            throw firstDenial;
        }
        throw new DeviceGone("no phone at " + device.port() + " any more");
    }

    @Override
    public String describe() {
        return String.join("; ", buses.stream().map(Bus::describe).toList());
    }

    @Override
    public void close() {
        buses.forEach(Bus::close);
    }
}
