package dev.lumiaagent.job;

import java.time.Duration;
import java.util.Objects;

/**
 * How a bench runs its jobs: at most {@code maxParallel} phones at once (the rest queue), up to
 * {@code retries} further attempts for failures that are safe to repeat, each after the phone is back
 * on its port within {@code reattachBound} and re-identified; and who and where, for the records.
 */
public record JobSettings(int maxParallel, int retries, Duration reattachBound, String station, String operator) {
    public JobSettings {
        if (maxParallel < 1 || maxParallel > 256) {
            throw new IllegalArgumentException("--max-parallel must be 1 to 256, not " + maxParallel);
        }
        if (retries < 0 || retries > 10) {
            throw new IllegalArgumentException("--retries must be 0 to 10, not " + retries);
        }
        Objects.requireNonNull(reattachBound, "reattachBound");
        Objects.requireNonNull(station, "station");
        Objects.requireNonNull(operator, "operator");
    }
}
