package dev.lumiaagent.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.testing.SteppedClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Deadlines and timeouts on a clock that moves only when the test steps it: no real waiting. */
class DeadlineTest {
    private final SteppedClock clock = new SteppedClock();

    /** A stepped clock whose time runs {@code speed} times faster than real time. */
    private static final class FastClock implements AgentClock {
        private final SteppedClock time = new SteppedClock();
        private final double speed;

        FastClock(double speed) {
            this.speed = speed;
        }

        @Override
        public Instant now() {
            return time.now();
        }

        @Override
        public void sleep(Duration d) {
            time.step(d);
        }

        @Override
        public double realPerVirtual() {
            return 1.0 / speed;
        }
    }

    private static final class Passed extends RuntimeException {
        Passed(String message) {
            super(message);
        }
    }

    @Test
    void remainingShrinksWithTheClockAndStopsAtZero() {
        Deadline d = Deadline.after(clock, Duration.ofSeconds(10));
        assertThat(d.remaining()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.expired()).isFalse();
        clock.step(Duration.ofSeconds(4));
        assertThat(d.remaining()).isEqualTo(Duration.ofSeconds(6));
        clock.step(Duration.ofSeconds(6));
        assertThat(d.expired()).isTrue();
        assertThat(d.remaining()).isZero();
        clock.step(Duration.ofSeconds(6));
        assertThat(d.remaining()).isZero();
        assertThat(d.budget()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void oneWaitGetsTheShorterOfItsTimeoutAndWhatIsLeft() {
        Deadline d = Deadline.after(clock, Duration.ofSeconds(10));
        Timeout perRead = Timeout.of(Duration.ofSeconds(3));
        assertThat(d.shorter(perRead)).isEqualTo(Duration.ofSeconds(3));
        clock.step(Duration.ofSeconds(8));
        assertThat(d.shorter(perRead)).isEqualTo(Duration.ofSeconds(2));
        clock.step(Duration.ofSeconds(5));
        assertThat(d.shorter(perRead)).isZero();
    }

    @Test
    void passedDeadlineThrowsTheCallersNamedException() {
        Deadline d = Timeout.ofMillis(500).start(clock);
        assertThat(d.remainingOrThrow(() -> new Passed("late"))).isEqualTo(Duration.ofMillis(500));
        d.throwIfExpired(() -> new Passed("late"));
        clock.step(Duration.ofMillis(500));
        assertThatThrownBy(() -> d.remainingOrThrow(() -> new Passed("late"))).isInstanceOf(Passed.class).hasMessage("late");
        assertThatThrownBy(() -> d.remainingRealOrThrow(() -> new Passed("late"))).isInstanceOf(Passed.class);
        assertThatThrownBy(() -> d.throwIfExpired(() -> new Passed("late"))).isInstanceOf(Passed.class);
    }

    @Test
    void aWaitThatBlocksAThreadGetsRealTimeThroughTheClock() {
        FastClock bench = new FastClock(60); // an hour in a minute
        Deadline d = Deadline.after(bench, Duration.ofMinutes(60));
        assertThat(d.remainingReal()).isEqualTo(Duration.ofMinutes(1));
        bench.sleep(Duration.ofMinutes(30));
        assertThat(d.remainingReal()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.remainingRealOrThrow(IllegalStateException::new)).isEqualTo(Duration.ofSeconds(30));
        bench.sleep(Duration.ofMinutes(30));
        assertThat(d.remainingReal()).isZero();
    }

    @Test
    void aPositiveRemainderIsNeverAZeroRealWait() {
        FastClock veryFast = new FastClock(1e12);
        Deadline d = Deadline.after(veryFast, Duration.ofNanos(10));
        assertThat(d.remainingReal()).isPositive();
    }

    @Test
    void minAndMaxOnOneClockCompareInstants() {
        Deadline step = Deadline.after(clock, Duration.ofSeconds(30));
        Deadline read = Deadline.after(clock, Duration.ofSeconds(5));
        assertThat(step.min(read)).isSameAs(read);
        assertThat(read.min(step)).isSameAs(read);
        assertThat(step.max(read)).isSameAs(step);
        clock.step(Duration.ofSeconds(10));
        assertThat(step.min(read).expired()).isTrue();
        assertThat(step.max(read).expired()).isFalse();
    }

    @Test
    void minAcrossClocksComparesTheRealTimeLeft() {
        FastClock bench = new FastClock(200);
        Deadline step = Deadline.after(bench, Duration.ofSeconds(20)); // 100 ms of real time
        Deadline transfer = Deadline.after(clock, Duration.ofSeconds(5)); // 5 s of real time
        assertThat(step.min(transfer)).isSameAs(step);
        assertThat(step.max(transfer)).isSameAs(transfer);
    }

    @Test
    void noDeadlineNeverPasses() {
        Deadline d = Deadline.none(clock);
        clock.step(Duration.ofDays(3650));
        assertThat(d.expired()).isFalse();
        assertThat(d.bounded()).isFalse();
        assertThat(d.shorter(Timeout.of(Duration.ofSeconds(7)))).isEqualTo(Duration.ofSeconds(7));
        assertThat(Deadline.after(clock, Duration.ofSeconds(1)).min(d).bounded()).isTrue();
    }

    @Test
    void aTimeoutIsNeverNegative() {
        assertThatThrownBy(() -> Timeout.of(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void awaitOnReturnsOnceWhatItWaitsForHolds_OrFalseWhenTheDeadlinePassed() throws Exception {
        Object monitor = new Object();
        java.util.concurrent.atomic.AtomicInteger events = new java.util.concurrent.atomic.AtomicInteger();
        synchronized (monitor) {
            assertThat(Deadline.after(clock, Duration.ZERO).awaitOn(monitor, () -> true)).isTrue(); // holds already
            assertThat(Deadline.after(AgentClock.system(), Duration.ofMillis(20)).awaitOn(monitor, () -> events.get() > 0)).isFalse();
        }
        Thread notifier = new Thread(() -> {
            synchronized (monitor) {
                events.incrementAndGet();
                monitor.notifyAll();
            }
        });
        synchronized (monitor) {
            notifier.start(); // it notifies once this thread waits and so gives up the monitor
            assertThat(Deadline.after(AgentClock.system(), Duration.ofSeconds(30)).awaitOn(monitor, () -> events.get() > 0)).isTrue();
        }
        notifier.join();
    }
}
