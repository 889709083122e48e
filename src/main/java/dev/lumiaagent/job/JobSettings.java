package dev.lumiaagent.job;

import java.time.Duration;
import java.util.Objects;

/**
 * How a bench runs its jobs: at most {@code maxParallel} phones at once (the rest queue), up to
 * {@code retries} further attempts for failures that are safe to repeat, each after the phone is back
 * on its port within {@code reattachBound} and re-identified; and who and where, for the records.
 *
 * <p>{@code operator} is always set (the login name when no one was named); an erasure certificate needs a
 * person and a place named on purpose: {@code operatorNamed} (given with --operator, the environment or the
 * station's config, or typed at the terminal) and {@code site} (null when none was given).
 */
public record JobSettings(int maxParallel, int retries, Duration reattachBound, String station, String operator,
                          boolean operatorNamed, String site) {
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
        site = site == null || site.isBlank() ? null : site.strip();
    }

    /** Settings without a named operator or a site: jobs run and are recorded, erasing jobs get no certificate (said why). */
    public JobSettings(int maxParallel, int retries, Duration reattachBound, String station, String operator) {
        this(maxParallel, retries, reattachBound, station, operator, false, null);
    }

    /** The same settings, certified by {@code operator} at {@code site}. */
    public JobSettings certifiedBy(String namedOperator, String siteName) {
        return new JobSettings(maxParallel, retries, reattachBound, station, namedOperator, true, siteName);
    }
}
