package dev.lumiaagent.record;

import java.util.List;

/** Append-only, hash-chained log of what was done to which phone, by whom, where. */
public interface AuditLog {

    /** Appends one entry (chained to the last one, also across stations sharing a database). Durable on return. */
    AuditEntry append(String station, String operator, String jobId, String port, String event, String detail);

    /** Every entry, in order. */
    List<AuditEntry> entries();

    /**
     * The entries of one job after seq {@code afterSeq} (0 for all), in order: what a job whose append failed
     * part-way (a connection dropped mid-commit) reads to learn whether that append was committed after all.
     */
    default List<AuditEntry> entriesOf(String jobId, long afterSeq) {
        return entries().stream().filter(e -> java.util.Objects.equals(jobId, e.jobId()) && e.seq() > afterSeq).toList();
    }

    /** Walks the chain from the first entry; names the first entry that was edited, deleted or inserted. */
    AuditVerification verify();

    /** The outcome of {@link #verify}: ok, or the first broken entry's sequence number and why. */
    record AuditVerification(boolean ok, long entries, long firstBrokenSeq, String problem) {
        public static AuditVerification intact(long entries) {
            return new AuditVerification(true, entries, 0, "");
        }
    }
}
