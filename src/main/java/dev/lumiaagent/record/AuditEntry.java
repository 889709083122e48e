package dev.lumiaagent.record;

/**
 * One audit-log entry. {@code hash} is the SHA-256 (lowercase hex) over {@code prevHash} and the entry's
 * own fields in a fixed canonical encoding; {@code prevHash} is the previous entry's hash (64 zeros for
 * the first). {@code seq} counts from 1 without gaps, so a deleted entry breaks the chain too.
 */
public record AuditEntry(long seq, String at, String station, String operator, String jobId, String port,
                         String event, String detail, String prevHash, String hash) {
}
