package dev.lumiaagent.flow;

import dev.lumiaagent.device.FlashLimits;
import dev.lumiaagent.time.AgentClock;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.time.Instant;

/**
 * Paces payload messages under a model's write limit over <em>every</em> one-second window, not on
 * average since the write began: a token bucket (Bucket4j) on the flow's clock that holds one message
 * and refills at {@code limit − message} bytes per second. Whatever delays the host (a busy machine, a
 * GC pause, a slow reply), it never sends back to back to catch up: the bytes sent in any interval of
 * length L are at most {@code message + (limit − message)·L}, so any one second carries at most the
 * limit. The Lumia 520 class corrupts its eMMC above 5 MB/s (users-and-peers.md P5), and an average
 * pacer broke exactly that after any pause (issue #12).
 */
final class WritePacer {
    private final AgentClock clock;
    private final Bucket bucket;
    private final long largestMessage;

    private WritePacer(AgentClock clock, Bucket bucket, long largestMessage) {
        this.clock = clock;
        this.bucket = bucket;
        this.largestMessage = largestMessage;
    }

    /** A pacer for messages of at most {@code largestMessage} bytes; none (a no-op) when the limit is unlimited. */
    static WritePacer of(FlashLimits.Limit limit, long largestMessage, AgentClock clock) {
        if (largestMessage <= 0) {
            throw new IllegalArgumentException("message size must be positive, not " + largestMessage);
        }
        long rate = limit.maxBytesPerSecond();
        if (rate <= 0) {
            return new WritePacer(clock, null, largestMessage);
        }
        if (largestMessage * 2 > rate) {
            throw new IllegalArgumentException("a " + largestMessage + "-byte message cannot be paced under "
                    + rate + " bytes per second");
        }
        Bucket bucket = Bucket.builder()
                .addLimit(b -> b.capacity(largestMessage).refillGreedy(rate - largestMessage, Duration.ofSeconds(1)))
                .withCustomTimePrecision(new ClockMeter(clock))
                .build();
        return new WritePacer(clock, bucket, largestMessage);
    }

    /** Waits, on the flow's clock, until {@code bytes} may be sent; call it right before sending them. */
    void beforeSending(long bytes) throws InterruptedException {
        if (bucket == null) {
            return;
        }
        if (bytes > largestMessage) {
            throw new IllegalArgumentException(bytes + " bytes exceed the paced message size " + largestMessage);
        }
        bucket.asBlocking().consume(bytes, nanos -> clock.sleep(Duration.ofNanos(nanos)));
    }

    /** The flow's clock as Bucket4j's time source, so a virtual bench clock paces in bench time. */
    private static final class ClockMeter implements TimeMeter {
        private final AgentClock clock;

        ClockMeter(AgentClock clock) {
            this.clock = clock;
        }

        @Override
        public long currentTimeNanos() {
            Instant now = clock.now();
            return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    }
}
