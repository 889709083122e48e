package dev.lumiaagent.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.device.FlashLimits;
import dev.lumiaagent.testing.SteppedClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The write limit holds over every one-second window, whatever delays the host: on a stepped virtual
 * clock (time is the subject here), with the Lumia 520 class's limit from flash-limits.json.
 */
class WritePacerTest {
    private static final FlashLimits.Limit L520 = FlashLimits.forPlatform("Nokia.MSM8227.P6036.1.2");
    private static final int PIECE = 128 * 1024;

    record Sent(Instant at, long bytes) {
    }

    /** The largest number of bytes sent within any one-second window that starts at a send. */
    static long busiestSecond(List<Sent> sent) {
        long max = 0;
        for (int i = 0; i < sent.size(); i++) {
            Instant end = sent.get(i).at().plusSeconds(1);
            long sum = 0;
            for (int j = i; j < sent.size() && sent.get(j).at().isBefore(end); j++) {
                sum += sent.get(j).bytes();
            }
            max = Math.max(max, sum);
        }
        return max;
    }

    @Test
    void theLumia520LimitIsTheOneFromTheTable() {
        assertThat(L520.maxBytesPerSecond()).isEqualTo(5L * 1024 * 1024);
        assertThat(L520.maxPieceBytes()).isEqualTo(PIECE);
    }

    @Test
    void aHostDelayedForOneAndAHalfSecondsDoesNotCatchUpWithABurst() throws Exception {
        SteppedClock clock = new SteppedClock();
        WritePacer pacer = WritePacer.of(L520, PIECE, clock);
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            if (i == 60) {
                clock.step(Duration.ofMillis(1500)); // a GC pause, a busy machine, a slow reply
            }
            pacer.beforeSending(PIECE);
            sent.add(new Sent(clock.now(), PIECE));
        }
        assertThat(busiestSecond(sent)).isLessThanOrEqualTo(L520.maxBytesPerSecond());
        // The pause is not made up for: the pieces right after it are as far apart as before it.
        Duration before = Duration.between(sent.get(58).at(), sent.get(59).at());
        Duration after = Duration.between(sent.get(61).at(), sent.get(62).at());
        assertThat(after.minus(before).abs()).isLessThan(Duration.ofNanos(1000));
    }

    @Property(tries = 200)
    void noOneSecondWindowExceedsTheLimitWhateverTheHostsDelays(
            @ForAll @Size(min = 20, max = 120) List<@IntRange(min = 0, max = 2000) Integer> delaysMs,
            @ForAll @IntRange(min = 1, max = 32) int pieceKiB) throws Exception {
        SteppedClock clock = new SteppedClock();
        WritePacer pacer = WritePacer.of(L520, PIECE, clock);
        List<Sent> sent = new ArrayList<>();
        for (int d : delaysMs) {
            clock.step(Duration.ofMillis(d % 7 == 0 ? d : d / 50)); // mostly short, sometimes long
            long bytes = (long) pieceKiB * 4096; // up to one whole piece
            pacer.beforeSending(bytes);
            sent.add(new Sent(clock.now(), bytes));
        }
        assertThat(busiestSecond(sent)).isLessThanOrEqualTo(L520.maxBytesPerSecond());
    }

    @Test
    void itKeepsCloseToTheLimitWhenNothingDelaysIt() throws Exception {
        SteppedClock clock = new SteppedClock();
        WritePacer pacer = WritePacer.of(L520, PIECE, clock);
        Instant start = clock.now();
        long bytes = 0;
        for (int i = 0; i < 400; i++) {
            pacer.beforeSending(PIECE);
            bytes += PIECE;
        }
        double seconds = Duration.between(start, clock.now()).toNanos() / 1e9;
        assertThat(bytes / seconds).isBetween(0.95 * L520.maxBytesPerSecond(), 1.0 * L520.maxBytesPerSecond());
    }

    @Test
    void aPhoneWithoutALimitIsNotPaced() throws Exception {
        SteppedClock clock = new SteppedClock();
        WritePacer pacer = WritePacer.of(FlashLimits.Limit.NONE, 2 << 20, clock);
        Instant start = clock.now();
        for (int i = 0; i < 1000; i++) {
            pacer.beforeSending(2 << 20);
        }
        assertThat(clock.now()).isEqualTo(start);
    }

    @Test
    void aMessageLargerThanThePacedSizeIsAnError() {
        WritePacer pacer = WritePacer.of(L520, PIECE, new SteppedClock());
        assertThatThrownBy(() -> pacer.beforeSending(PIECE + 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
