package dev.lumiaagent.protocol.firehose;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on every Firehose wait, defaulting to qdl's (edl-protocol.md §3.7). All are real time:
 * they guard against bytes that never come.
 *
 * @param configure    a configure response (qdl's detection window)
 * @param command      a command's first response (program/read setup, nop, storage info)
 * @param rawWrite     one raw-data write
 * @param programFinal the response closing a program (slow storage: users needed more than 30 s, issue #163)
 * @param readChunk    one raw-data read
 * @param erase        an erase response
 * @param patch        a patch response
 * @param digest       getsha256digest and getstorageinfo responses
 * @param reset        the power-reset ACK, and then how long to wait for the device to leave
 * @param drainPoll    the silence that ends a drain of trailing logs (qdl polls 100 ms)
 * @param drainWindow  the most time spent draining trailing logs after one response
 */
public record FirehoseTimeouts(Duration configure, Duration command, Duration rawWrite, Duration programFinal,
                               Duration readChunk, Duration erase, Duration patch, Duration digest, Duration reset,
                               Duration drainPoll, Duration drainWindow) {
    public FirehoseTimeouts {
        for (Duration d : new Duration[] {configure, command, rawWrite, programFinal, readChunk, erase, patch, digest, reset,
                drainPoll, drainWindow}) {
            if (Objects.requireNonNull(d, "timeout").isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: " + d);
            }
        }
    }

    public static FirehoseTimeouts standard() {
        return new FirehoseTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(120), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofSeconds(6), Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    public FirehoseTimeouts withDrainPoll(Duration d) {
        return new FirehoseTimeouts(configure, command, rawWrite, programFinal, readChunk, erase, patch, digest, reset, d, drainWindow);
    }

    public FirehoseTimeouts withErase(Duration d) {
        return new FirehoseTimeouts(configure, command, rawWrite, programFinal, readChunk, d, patch, digest, reset, drainPoll, drainWindow);
    }

    public FirehoseTimeouts withProgramFinal(Duration d) {
        return new FirehoseTimeouts(configure, command, rawWrite, d, readChunk, erase, patch, digest, reset, drainPoll, drainWindow);
    }

    public FirehoseTimeouts withReset(Duration d) {
        return new FirehoseTimeouts(configure, command, rawWrite, programFinal, readChunk, erase, patch, digest, d, drainPoll, drainWindow);
    }
}
