package dev.lumiaagent.record;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The audit log in the record store's {@code audit} table, hash-chained.
 *
 * <h2>Hash</h2>
 * {@code hash = lowercase hex of SHA-256(enc(prevHash) enc(seq) enc(at) enc(station) enc(operator) enc(jobId)
 * enc(port) enc(event) enc(detail))}, where {@code seq} is written in decimal and {@code enc(s)} is
 * <ul>
 *   <li>for a null field: the single byte {@code '-'};</li>
 *   <li>otherwise: the length of the UTF-8 bytes of {@code s} in decimal ASCII digits, a {@code ':'}, then
 *       those bytes.</li>
 * </ul>
 * Every field is self-delimiting (a length never starts with {@code '-'}), so no two different entries
 * encode alike, and null is distinct from the empty string. {@code prevHash} of entry 1 is 64 zeros.
 *
 * <h2>Appending</h2>
 * An append reads and locks the head row ({@code audit_head}: last seq and hash), inserts the entry with
 * the next seq, and moves the head, in one transaction: PostgreSQL {@code SELECT … FOR UPDATE} on the head
 * row, so stations sharing one database wait for each other and form one chain; SQLite transactions begin
 * IMMEDIATE (the database write lock), which serializes processes on one file.
 *
 * <h2>What {@link #verify} detects, and what it cannot</h2>
 * It walks the entries by seq and names the first one that: is missing (a gap in seq: deleted), was
 * changed (its fields no longer give its hash), or is not chained to the one before it (its prevHash is
 * not the previous hash: an entry before it was removed or replaced, or it was inserted). Then it compares
 * the last entry with the head row, so deleting the newest entries is detected too. It cannot detect
 * someone who rewrites the whole chain from some entry on <em>and</em> the head row consistently (anyone
 * with write access to the database and this source can): for that, keep the head hash that
 * {@code audit verify} prints somewhere else, and compare.
 */
final class JdbcAuditLog implements AuditLog {
    static final String ZERO_HASH = "0".repeat(64);

    private final Database db;
    private final Clock clock;

    JdbcAuditLog(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public AuditEntry append(String station, String operator, String jobId, String port, String event, String detail) {
        if (event == null || event.isBlank()) {
            throw new IllegalArgumentException("an audit entry needs an event name");
        }
        return db.transaction("append to the audit log", c -> {
            long lastSeq;
            String lastHash;
            String lock = db.kind == Database.Kind.POSTGRESQL ? " FOR UPDATE" : "";
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1" + lock);
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("the audit head row is missing (the audit_head table was edited)");
                }
                lastSeq = rs.getLong(1);
                lastHash = rs.getString(2);
            }
            long seq = lastSeq + 1;
            String at = clock.instant().toString();
            String hash = hash(lastHash, seq, at, station, operator, jobId, port, event, detail);
            AuditEntry e = new AuditEntry(seq, at, station, operator, jobId, port, event, detail, lastHash, hash);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit (seq, at, station, operator, job_id, port, "
                    + "event, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setLong(1, seq);
                ps.setString(2, at);
                ps.setString(3, station);
                ps.setString(4, operator);
                ps.setString(5, jobId);
                ps.setString(6, port);
                ps.setString(7, event);
                ps.setString(8, detail);
                ps.setString(9, lastHash);
                ps.setString(10, hash);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
                ps.setLong(1, seq);
                ps.setString(2, hash);
                ps.executeUpdate();
            }
            return e;
        });
    }

    @Override
    public List<AuditEntry> entries() {
        return db.transaction("read the audit log", JdbcAuditLog::readAll);
    }

    @Override
    public List<AuditEntry> entriesOf(String jobId, long afterSeq) {
        return db.transaction("read the audit entries of job " + jobId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM audit WHERE job_id = ? AND seq > ? "
                    + "ORDER BY seq")) {
                ps.setString(1, jobId);
                ps.setLong(2, afterSeq);
                return read(ps);
            }
        });
    }

    private static final String ENTRY_COLUMNS = "seq, at, station, operator, job_id, port, event, detail, prev_hash, hash";

    private static List<AuditEntry> readAll(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM audit ORDER BY seq")) {
            return read(ps);
        }
    }

    private static List<AuditEntry> read(PreparedStatement ps) throws SQLException {
        List<AuditEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new AuditEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10)));
            }
        }
        return out;
    }

    @Override
    public AuditVerification verify() {
        return db.transaction("verify the audit log", c -> {
            if (db.kind == Database.Kind.POSTGRESQL) {
                // one snapshot for the entries and the head, so a concurrent append is not taken for truncation
                try (PreparedStatement ps = c.prepareStatement("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")) {
                    ps.execute();
                }
            }
            long headSeq;
            String headHash;
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new AuditVerification(false, 0, 1, "the audit head row is missing (the audit_head table was "
                            + "edited), so the newest entries cannot be checked");
                }
                headSeq = rs.getLong(1);
                headHash = rs.getString(2);
            }
            return check(readAll(c), headSeq, headHash);
        });
    }

    /** The chain rules, over entries read in seq order and the head row. */
    static AuditVerification check(List<AuditEntry> entries, long headSeq, String headHash) {
        long expected = 1;
        String prev = ZERO_HASH;
        for (AuditEntry e : entries) {
            if (e.seq() != expected) {
                String what = e.seq() == expected + 1 ? "entry #" + expected + " is missing"
                        : "entries #" + expected + " to #" + (e.seq() - 1) + " are missing";
                return new AuditVerification(false, entries.size(), expected, what + " (deleted: the log goes from #"
                        + (expected - 1) + " to #" + e.seq() + ")");
            }
            String recomputed = hash(e.prevHash(), e.seq(), e.at(), e.station(), e.operator(), e.jobId(), e.port(),
                    e.event(), e.detail());
            if (!recomputed.equals(e.hash())) {
                return new AuditVerification(false, entries.size(), e.seq(), "entry #" + e.seq()
                        + " was changed: its contents no longer match its hash");
            }
            if (!prev.equals(e.prevHash())) {
                return new AuditVerification(false, entries.size(), e.seq(), "entry #" + e.seq() + " is not chained to "
                        + (e.seq() == 1 ? "the start of the log" : "entry #" + (e.seq() - 1))
                        + ": an entry before it was replaced, or it was inserted");
            }
            prev = e.hash();
            expected++;
        }
        long last = expected - 1;
        if (headSeq > last) {
            String what = headSeq == last + 1 ? "entry #" + headSeq + " is missing"
                    : "entries #" + (last + 1) + " to #" + headSeq + " are missing";
            return new AuditVerification(false, entries.size(), last + 1, what
                    + " (the newest entries were deleted: the log ends at #" + last + " but its head records #" + headSeq + ")");
        }
        if (headSeq < last) {
            return new AuditVerification(false, entries.size(), headSeq + 1, "entry #" + (headSeq + 1)
                    + " was not appended by the agent (the log's head records #" + headSeq + " as the newest entry)");
        }
        if (!prev.equals(headHash)) {
            return new AuditVerification(false, entries.size(), last, "entry #" + last
                    + " is not the entry the log's head records (it was replaced, or the head row was edited)");
        }
        return AuditVerification.intact(entries.size());
    }

    /** The entry hash; see the class comment for the encoding. */
    static String hash(String prevHash, long seq, String at, String station, String operator, String jobId,
                       String port, String event, String detail) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        for (String field : new String[] {prevHash, Long.toString(seq), at, station, operator, jobId, port, event, detail}) {
            sha.update(encode(field));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static byte[] encode(String field) {
        if (field == null) {
            return new byte[] {'-'};
        }
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        byte[] length = (bytes.length + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[length.length + bytes.length];
        System.arraycopy(length, 0, out, 0, length.length);
        System.arraycopy(bytes, 0, out, length.length, bytes.length);
        return out;
    }
}
