package dev.lumiaagent.transport.usb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.PersonalityTable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BusWatcherTest {
    static UsbDevice device(String port, int vid, int pid, String product) {
        return new UsbDevice(PortPath.parse(port), vid, pid, "", product, "", List.of(0),
                PersonalityTable.standard().classify(vid, pid, product, List.of(255)).orElseThrow());
    }

    static final UsbDevice NORMAL = device("1-1.4", 0x0421, 0x0661, "Lumia 520");
    static final UsbDevice UEFI = device("1-1.4", 0x0421, 0x066E, "Lumia 520");
    static final UsbDevice EDL = device("1-2.3.1", 0x05C6, 0x9008, "QHSUSB__BULK");

    @Test
    void diffReportsLeftBeforeArrivedAndAModeChangeAtOnePortAsBoth() {
        List<BusEvent> events = BusWatcher.diff(List.of(NORMAL, EDL), List.of(EDL, UEFI));

        assertThat(events).containsExactly(new BusEvent.Detached(NORMAL), new BusEvent.Attached(UEFI));
        assertThat(BusWatcher.diff(List.of(NORMAL), List.of(NORMAL))).isEmpty();
    }

    @Test
    void deliversChangesOnItsOwnThreadAndKeepsAThrowingListener() throws Exception {
        AtomicReference<List<UsbDevice>> bus = new AtomicReference<>(List.of(NORMAL));
        BlockingQueue<BusEvent> seen = new LinkedBlockingQueue<>();
        AtomicReference<String> thread = new AtomicReference<>();
        try (BusWatcher w = new BusWatcher(bus::get, Duration.ofSeconds(30), "test-watch")) {
            w.subscribe(e -> {
                throw new IllegalStateException("listener bug");
            });
            w.subscribe(e -> {
                thread.set(Thread.currentThread().getName());
                seen.add(e);
            });

            bus.set(List.of(NORMAL, EDL));
            w.wakeUp(); // as the hotplug callback does; the 30 s poll would be too slow for this test
            assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo(new BusEvent.Attached(EDL));

            bus.set(List.of(EDL));
            w.wakeUp();
            assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo(new BusEvent.Detached(NORMAL));
            assertThat(thread.get()).isEqualTo("test-watch");
        }
    }

    @Test
    void pollsWithoutBeingWokenAndStopsOnClose() throws Exception {
        AtomicReference<List<UsbDevice>> bus = new AtomicReference<>(List.of());
        BlockingQueue<BusEvent> seen = new LinkedBlockingQueue<>();
        BusWatcher w = new BusWatcher(bus::get, Duration.ofMillis(20), "test-poll");
        w.subscribe(seen::add);
        bus.set(List.of(EDL));
        assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo(new BusEvent.Attached(EDL));

        w.close();
        bus.set(List.of());
        assertThat(seen.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("test-poll") && t.isAlive());
    }
}
