package dev.lumiaagent.flow;

import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.time.Deadline;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Watches one port for the phone to leave and come back, bounded on the flow's clock: the wait is
 * watched (events, and the device list as a cross-check), not slept. Reports progress while waiting.
 */
public final class PhoneWatcher implements AutoCloseable {
    private final Bus bus;
    private final AgentClock clock;
    private final PortPath port;
    private final LinkedBlockingQueue<BusEvent> events = new LinkedBlockingQueue<>();
    private final Bus.Subscription subscription;
    private volatile boolean leftSinceStart;

    public PhoneWatcher(Bus bus, AgentClock clock, PortPath port) {
        this.bus = bus;
        this.clock = clock;
        this.port = port;
        this.subscription = bus.watch(e -> {
            if (e.device().port().equals(port)) {
                if (e instanceof BusEvent.Detached) {
                    leftSinceStart = true;
                }
                events.add(e);
            }
        });
    }

    /** What is on the port now. */
    public Optional<UsbDevice> current() {
        return bus.devices().stream().filter(d -> d.port().equals(port)).findFirst();
    }

    /** Reports the wait: what is awaited, how long so far, the bound. */
    public interface Tick {
        void waited(Duration waited, Duration bound);
    }

    /**
     * A tick that reports the wait as the step's progress: the fraction of the bound, and
     * "waiting for {@code awaiting} (now: its mode | off the bus)", with the time waited and the bound ({@link FlowContext#waiting}).
     */
    public Tick reporting(FlowContext ctx, String step, String awaiting) {
        return (waited, bound) -> ctx.waiting(step, waited, bound,
                "waiting for " + awaiting + current().map(d -> " (now: " + d.personality().mode().label() + ")").orElse(" (phone off the bus)"));
    }

    /** A duration for people: 45 s, 12 min, 3 h. */
    public static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return s + " s";
        }
        return s < 7200 ? (s / 60) + " min" : (s / 3600) + " h";
    }

    /**
     * Forgets the leaves seen so far: the next {@link #awaitLeave} waits for the phone to leave after this call. A flow
     * that makes the phone restart twice with one watcher (into the flash app, then into its new OS) calls it before
     * the second restart, or the first one's leave would answer for it.
     */
    public void sinceNow() {
        leftSinceStart = false;
        events.clear();
    }

    /** True once the phone has left the bus since this watcher started (or {@link #sinceNow}); false if the bound ran out. */
    public boolean awaitLeave(Duration bound, Tick tick) throws InterruptedException {
        return awaitLeave(Deadline.after(clock, bound), tick);
    }

    /**
     * {@link #awaitLeave(Duration, Tick)} until {@code until} (on this watcher's clock, e.g. a wait's bound
     * cut at its step's deadline, {@link FlowContext#within}); the tick reports against its budget.
     */
    public boolean awaitLeave(Deadline until, Tick tick) throws InterruptedException {
        Instant start = clock.now();
        while (true) {
            if (leftSinceStart || current().isEmpty()) {
                return true;
            }
            if (until.expired()) {
                return false;
            }
            tick.waited(Duration.between(start, clock.now()), until.budget());
            pollEvents(until.remaining());
        }
    }

    /**
     * Waits for a device on the port that satisfies {@code wanted}. Returns it, or empty when the
     * bound ran out (then {@link #current()} says whether the phone is there in another mode).
     */
    public Optional<UsbDevice> awaitArrival(Predicate<UsbDevice> wanted, Duration bound, Tick tick) throws InterruptedException {
        return awaitArrival(wanted, Deadline.after(clock, bound), tick);
    }

    /** {@link #awaitArrival(Predicate, Duration, Tick)} until {@code until}, as {@link #awaitLeave(Deadline, Tick)}. */
    public Optional<UsbDevice> awaitArrival(Predicate<UsbDevice> wanted, Deadline until, Tick tick) throws InterruptedException {
        Instant start = clock.now();
        while (true) {
            Optional<UsbDevice> now = current();
            if (now.isPresent() && wanted.test(now.get())) {
                return now;
            }
            if (until.expired()) {
                return Optional.empty();
            }
            tick.waited(Duration.between(start, clock.now()), until.budget());
            pollEvents(until.remaining());
        }
    }

    /** Sleeps until an event or one tick (1 s of flow time, at least 20 ms and at most 500 ms real). */
    private void pollEvents(Duration remaining) throws InterruptedException {
        Duration tick = remaining.compareTo(Duration.ofSeconds(1)) < 0 ? remaining : Duration.ofSeconds(1);
        long realNanos = clock.toReal(tick).toNanos();
        realNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(20), Math.min(realNanos, TimeUnit.MILLISECONDS.toNanos(500)));
        events.poll(realNanos, TimeUnit.NANOSECONDS);
        events.clear();
    }

    @Override
    public void close() {
        subscription.close();
    }
}
