package dev.lumiaagent.record;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The leases of phones in the record store ({@code phone_leases}): which job drives which phone, so that
 * stations sharing one store never drive one phone at once. Every call is one transaction; a claim is one
 * insert-if-absent-or-update-if-expired statement, so two stations claiming at once cannot both win.
 * Time is the caller's (an injected clock in tests); stations sharing a store need clocks within a small
 * part of the lease's bound.
 */
public interface PhoneLeases {

    /** One lease row. {@code key} is what identifies the phone (see the V2 migration). */
    record Lease(String key, String port, String identity, String jobId, String station, long pid, String host,
                 Instant acquiredAt, Instant expiresAt) {
        public Lease {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(port, "port");
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(acquiredAt, "acquiredAt");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    /**
     * What a claim found. {@code acquired}: the caller holds the lease now; {@code other} is then the expired
     * lease it took over (if any), else (not acquired) the live lease of the job that holds the phone.
     */
    record Claim(boolean acquired, Optional<Lease> other) {
        public boolean tookOver() {
            return acquired && other.isPresent();
        }
    }

    /** Takes {@code want.key()} for {@code want.jobId()} if nobody holds it, its holder's lease expired before {@code want.acquiredAt()}, or the job already holds it. */
    Claim claim(Lease want);

    /** Moves the job's lease's expiry on; false when the job no longer holds it (it expired and was taken over). */
    boolean renew(String key, String jobId, Instant expiresAt);

    /** Ends the job's lease (nothing when it holds none). */
    void release(String key, String jobId);

    Optional<Lease> holder(String key);
}
