package dev.lumiaagent.time;

import java.time.Duration;
import java.time.Instant;

/**
 * Virtual time that runs {@code speed} times faster than the real clock, from the moment the clock is
 * made. Many threads can sleep on it at once with consistent results, which a stepped clock cannot
 * offer a whole bench of simulated phones.
 */
final class ScaledClock implements AgentClock {
    static final ScaledClock SYSTEM = new ScaledClock(1.0);

    private final double speed;
    private final long realStartNanos;
    private final Instant virtualStart;

    ScaledClock(double speed) {
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("clock speed must be a positive number: " + speed);
        }
        this.speed = speed;
        this.realStartNanos = System.nanoTime();
        this.virtualStart = Instant.now();
    }

    @Override
    public Instant now() {
        long realElapsed = System.nanoTime() - realStartNanos;
        return virtualStart.plusNanos((long) (realElapsed * speed));
    }

    @Override
    public void sleep(Duration d) throws InterruptedException {
        if (d.isNegative() || d.isZero()) {
            return;
        }
        Duration real = toReal(d);
        long millis = real.toMillis();
        int nanos = (int) (real.toNanos() - millis * 1_000_000L);
        Thread.sleep(millis, nanos);
    }

    @Override
    public double realPerVirtual() {
        return 1.0 / speed;
    }

    @Override
    public String toString() {
        return speed == 1.0 ? "system clock" : "clock at " + speed + "x";
    }
}
