package dev.lumiaagent.transport.usb;

import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.UsbDevice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns "the bus may have changed" into {@link BusEvent}s: a daemon thread rescans when woken (by a
 * libusb hotplug callback) or every {@code interval} (polling), diffs against the previous scan by
 * port path + VID:PID, and delivers Attached/Detached to every listener on that thread. Kept apart
 * from libusb so the diff and delivery rules are testable without a bus.
 */
final class BusWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BusWatcher.class);

    private final Supplier<List<UsbDevice>> scanner;
    private final Duration interval;
    private final String threadName;
    private final List<Consumer<BusEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;
    private Map<String, UsbDevice> last = Map.of();

    BusWatcher(Supplier<List<UsbDevice>> scanner, Duration interval, String threadName) {
        this.scanner = scanner;
        this.interval = interval;
        this.threadName = threadName;
    }

    /** Adds a listener; the first one starts the thread with a baseline scan, so only changes are reported. */
    synchronized Bus.Subscription subscribe(Consumer<BusEvent> listener) {
        listeners.add(listener);
        if (thread == null) {
            last = index(safeScan());
            running = true;
            thread = new Thread(this::loop, threadName);
            thread.setDaemon(true);
            thread.start();
        }
        return () -> listeners.remove(listener);
    }

    /** Asks for a rescan now (from a hotplug callback); never blocks. */
    void wakeUp() {
        wake.release();
    }

    private void loop() {
        while (running) {
            try {
                boolean woken = wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
                if (woken) {
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!running) {
                return;
            }
            Map<String, UsbDevice> now = index(safeScan());
            for (BusEvent e : diff(last, now)) {
                deliver(e);
            }
            last = now;
        }
    }

    private List<UsbDevice> safeScan() {
        try {
            return scanner.get();
        } catch (RuntimeException e) {
            LOG.debug("bus scan failed: {}", e.toString());
            return List.copyOf(last.values());
        }
    }

    private void deliver(BusEvent event) {
        LOG.debug("{}", event);
        for (Consumer<BusEvent> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("a bus listener failed on '{}' and is kept: {}", event, e.toString());
            }
        }
    }

    /** Identity of a device on the bus: where it is and what it says it is (a mode change = a new device). */
    static String key(UsbDevice d) {
        return d.port() + " " + d.vidPid();
    }

    private static Map<String, UsbDevice> index(List<UsbDevice> devices) {
        Map<String, UsbDevice> m = new LinkedHashMap<>();
        for (UsbDevice d : devices) {
            m.put(key(d), d);
        }
        return m;
    }

    /** Detached events for devices that left (first, so a re-enumeration reads left-then-arrived), then Attached. */
    static List<BusEvent> diff(Map<String, UsbDevice> before, Map<String, UsbDevice> after) {
        List<BusEvent> events = new ArrayList<>();
        before.forEach((k, d) -> {
            if (!after.containsKey(k)) {
                events.add(new BusEvent.Detached(d));
            }
        });
        after.forEach((k, d) -> {
            if (!before.containsKey(k)) {
                events.add(new BusEvent.Attached(d));
            }
        });
        return events;
    }

    static List<BusEvent> diff(List<UsbDevice> before, List<UsbDevice> after) {
        return diff(index(before), index(after));
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
            listeners.clear();
        }
        if (t != null) {
            wake.release();
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                LOG.debug("bus watcher thread still busy after 2 s; it is a daemon and stops with its scan");
            }
        }
    }
}
