package dev.lumiaagent.time;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * An absolute point on an {@link AgentClock}, okio's {@code Deadline}: a job (a packet assembled from
 * several reads, a step of a flow) must be done by then, and each wait inside it takes the shorter of
 * its own {@link Timeout} and what is left ({@link #shorter(Timeout)}). Replaces the hand-written
 * {@code System.nanoTime()} loops of the sessions and links (their deadlines are on
 * {@link AgentClock#system()}, as bulk-transfer timeouts are real time).
 *
 * <p>A wait that blocks a thread (a link read, a queue poll) needs real time: {@link #remainingReal()}
 * converts what is left through the clock's {@link AgentClock#toReal}. When the deadline has passed,
 * {@link #remainingOrThrow(Supplier)} throws the caller's named exception (a {@code TransferTimeout},
 * a step's timeout), since this package knows none of them.
 */
public final class Deadline {
    /** Far enough never to be reached, near enough that {@code Instant} arithmetic cannot overflow. */
    private static final Duration FOREVER = Duration.ofDays(365L * 1000);

    private final AgentClock clock;
    private final Instant at;
    private final Duration budget;
    private final boolean bounded;

    private Deadline(AgentClock clock, Instant at, Duration budget, boolean bounded) {
        this.clock = clock;
        this.at = at;
        this.budget = budget;
        this.bounded = bounded;
    }

    /** {@code budget} from now on {@code clock} (a negative budget is an expired deadline). */
    public static Deadline after(AgentClock clock, Duration budget) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(budget, "budget");
        return new Deadline(clock, clock.now().plus(budget), budget, true);
    }

    /** A deadline that never passes: a job with no bound of its own (then only each wait's timeout holds). */
    public static Deadline none(AgentClock clock) {
        Objects.requireNonNull(clock, "clock");
        return new Deadline(clock, clock.now().plus(FOREVER), FOREVER, false);
    }

    public AgentClock clock() {
        return clock;
    }

    /** The instant on {@link #clock()} this deadline passes. */
    public Instant at() {
        return at;
    }

    /** The duration it was made with ({@link #after}): what messages name ("within 5 s"). */
    public Duration budget() {
        return budget;
    }

    /** False for {@link #none}. */
    public boolean bounded() {
        return bounded;
    }

    /** Time left on the deadline's clock, zero once it has passed. */
    public Duration remaining() {
        Duration left = Duration.between(clock.now(), at);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Time left as real time: what a blocking wait (a link read, a queue poll) is given. */
    public Duration remainingReal() {
        return real(remaining());
    }

    /** Never rounds a positive time left down to a zero wait (which some links read as "no timeout"). */
    private Duration real(Duration left) {
        if (left.isZero()) {
            return left;
        }
        Duration real = clock.toReal(left);
        return real.isZero() ? Duration.ofNanos(1) : real;
    }

    public boolean expired() {
        return !clock.now().isBefore(at);
    }

    /**
     * The budget for one wait: the shorter of {@code timeout} and the time left, on this deadline's
     * clock (zero once it has passed).
     */
    public Duration shorter(Timeout timeout) {
        Duration left = remaining();
        return timeout.duration().compareTo(left) < 0 ? timeout.duration() : left;
    }

    /** {@link #shorter(Timeout)} for a bare duration. */
    public Duration shorter(Duration timeout) {
        return shorter(Timeout.of(timeout));
    }

    /**
     * The earlier of the two. Deadlines on different clocks are compared by the real time they have
     * left, which shrinks at the same pace on every {@link AgentClock} that runs at a constant speed.
     */
    public Deadline min(Deadline other) {
        return earlier(other) ? this : other;
    }

    /** The later of the two (both must have passed for it to pass); compared as {@link #min}. */
    public Deadline max(Deadline other) {
        return earlier(other) ? other : this;
    }

    private boolean earlier(Deadline other) {
        if (other.clock == clock) {
            return !other.at.isBefore(at);
        }
        return remainingReal().compareTo(other.remainingReal()) <= 0;
    }

    /**
     * The time left, or the caller's named exception once the deadline has passed: the check before
     * each wait of a job, so the job fails as the caller names it (a {@code TransferTimeout} with the
     * bytes moved so far, a step's timeout) rather than with a zero-length wait.
     */
    public <X extends RuntimeException> Duration remainingOrThrow(Supplier<X> passed) {
        Duration left = remaining();
        if (left.isZero()) {
            throw passed.get();
        }
        return left;
    }

    /** {@link #remainingOrThrow} as real time, for a blocking wait. */
    public <X extends RuntimeException> Duration remainingRealOrThrow(Supplier<X> passed) {
        return real(remainingOrThrow(passed));
    }

    /** Throws the caller's named exception if the deadline has passed. */
    public <X extends RuntimeException> void throwIfExpired(Supplier<X> passed) {
        if (expired()) {
            throw passed.get();
        }
    }

    /**
     * Waits on {@code monitor} until {@code holds} is true or this deadline has passed: true when it holds.
     * The caller holds {@code monitor}'s lock, and whoever changes what {@code holds} reads notifies it;
     * each wait is the real time left ({@link #remainingReal()}). The one style of a test's "wait for the
     * event, not a sleep".
     */
    public boolean awaitOn(Object monitor, BooleanSupplier holds) throws InterruptedException {
        while (!holds.getAsBoolean()) {
            Duration left = remainingReal();
            if (left.isZero()) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(monitor, TimeUnit.NANOSECONDS.convert(left));
        }
        return true;
    }

    @Override
    public String toString() {
        return bounded ? "deadline " + at + " on " + clock + " (" + budget.toMillis() + " ms budget, "
                + remaining().toMillis() + " ms left)" : "no deadline";
    }
}
