package dev.lumiaagent.time;

import java.time.Duration;
import java.util.Objects;

/**
 * A budget for one wait (one read, one answer), okio's {@code Timeout}: how long a single wait may
 * take, whatever is left of the larger job around it. The clock it is measured on is the one of the
 * {@link Deadline} it is started on or combined with ({@link Deadline#shorter(Timeout)}): a transfer
 * timeout is real time (the system clock), a wait for the phone to come back is the flow's time.
 *
 * @param duration zero or more
 */
public record Timeout(Duration duration) {
    public Timeout {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a timeout is zero or more: " + duration);
        }
    }

    public static Timeout of(Duration duration) {
        return new Timeout(duration);
    }

    public static Timeout ofMillis(long millis) {
        return new Timeout(Duration.ofMillis(millis));
    }

    /** This budget, starting now on {@code clock}. */
    public Deadline start(AgentClock clock) {
        return Deadline.after(clock, duration);
    }

    @Override
    public String toString() {
        return duration.toMillis() + " ms";
    }
}
