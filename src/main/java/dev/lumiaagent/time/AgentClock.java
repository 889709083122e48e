package dev.lumiaagent.time;

import java.time.Duration;
import java.time.Instant;

/**
 * Time for flows, the bench and the simulator, injected everywhere (DESIGN §9) so that tests and
 * demos can run simulated hours in milliseconds. Bulk-transfer timeouts are real time and do not go
 * through this clock: they guard against bytes that never come, whatever the scenario's pace.
 */
public interface AgentClock {

    Instant now();

    /** Sleeps for {@code d} of this clock's time. */
    void sleep(Duration d) throws InterruptedException;

    /** How many real nanoseconds one nanosecond of this clock takes (1 for the system clock). */
    double realPerVirtual();

    /** Converts a duration on this clock to the real time it takes. */
    default Duration toReal(Duration virtual) {
        double nanos = virtual.toNanos() * realPerVirtual();
        return Duration.ofNanos(Math.max(0L, (long) Math.min(nanos, Long.MAX_VALUE)));
    }

    static AgentClock system() {
        return ScaledClock.SYSTEM;
    }

    /** A clock running {@code speed} times faster than real time (speed 60 = an hour in a minute). */
    static AgentClock scaled(double speed) {
        return new ScaledClock(speed);
    }
}
