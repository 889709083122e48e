package dev.lumiaagent.testing;

import dev.lumiaagent.time.AgentClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A virtual clock that moves only when someone sleeps on it or a test steps it: single-threaded tests. */
public final class SteppedClock implements AgentClock {
    private final Instant start = Instant.parse("2024-01-01T00:00:00Z");
    private final AtomicLong nanos = new AtomicLong();

    @Override
    public Instant now() {
        return start.plusNanos(nanos.get());
    }

    @Override
    public void sleep(Duration d) {
        step(d);
    }

    /** Moves the clock on by {@code d} (a negative or zero step does nothing). */
    public void step(Duration d) {
        if (!d.isNegative()) {
            nanos.addAndGet(d.toNanos());
        }
    }

    @Override
    public double realPerVirtual() {
        return 1.0;
    }
}
