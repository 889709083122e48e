package dev.lumiaagent.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * {@link PhoneLeases} in the {@code phone_leases} table. The claim is one {@code INSERT … ON CONFLICT DO
 * UPDATE … WHERE} (both SQLite ≥ 3.24 and PostgreSQL take it): it inserts when the phone has no row, and
 * replaces the row only when the holder's lease expired or the holder is the same job; otherwise it
 * changes nothing and the update count says so. The database serialises two such statements on one key
 * (PostgreSQL: the row lock of ON CONFLICT; SQLite: the file's write lock), so exactly one claimant wins.
 */
final class JdbcPhoneLeases implements PhoneLeases {
    private static final String COLUMNS = "lease_key, port, identity, job_id, station, pid, host, acquired_at, acquired_ms, "
            + "expires_at, expires_ms";
    private final Database db;

    JdbcPhoneLeases(Database db) {
        this.db = db;
    }

    @Override
    public Claim claim(Lease want) {
        return db.transaction("claim the lease of " + want.port(), c -> {
            // Read first only to tell a takeover from a fresh lease; the statement below decides.
            Optional<Lease> before = read(c, want.key());
            int changed;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO phone_leases (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (lease_key) DO UPDATE SET port = excluded.port, "
                    + "identity = excluded.identity, job_id = excluded.job_id, station = excluded.station, pid = excluded.pid, "
                    + "host = excluded.host, acquired_at = excluded.acquired_at, acquired_ms = excluded.acquired_ms, "
                    + "expires_at = excluded.expires_at, expires_ms = excluded.expires_ms "
                    + "WHERE phone_leases.expires_ms <= excluded.acquired_ms OR phone_leases.job_id = excluded.job_id")) {
                int i = 0;
                ps.setString(++i, want.key());
                ps.setString(++i, want.port());
                ps.setString(++i, want.identity());
                ps.setString(++i, want.jobId());
                ps.setString(++i, want.station());
                ps.setLong(++i, want.pid());
                ps.setString(++i, want.host());
                ps.setString(++i, want.acquiredAt().toString());
                ps.setLong(++i, want.acquiredAt().toEpochMilli());
                ps.setString(++i, want.expiresAt().toString());
                ps.setLong(++i, want.expiresAt().toEpochMilli());
                changed = ps.executeUpdate();
            }
            if (changed == 1) {
                Optional<Lease> previous = before.filter(b -> !b.jobId().equals(want.jobId()));
                return new Claim(true, previous);
            }
            return new Claim(false, read(c, want.key()));
        });
    }

    @Override
    public boolean renew(String key, String jobId, Instant expiresAt) {
        return db.transaction("renew the lease " + key, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE phone_leases SET expires_at = ?, expires_ms = ? WHERE lease_key = ? AND job_id = ?")) {
                ps.setString(1, expiresAt.toString());
                ps.setLong(2, expiresAt.toEpochMilli());
                ps.setString(3, key);
                ps.setString(4, jobId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void release(String key, String jobId) {
        db.transaction("release the lease " + key, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM phone_leases WHERE lease_key = ? AND job_id = ?")) {
                ps.setString(1, key);
                ps.setString(2, jobId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<Lease> holder(String key) {
        return db.transaction("read the lease " + key, c -> read(c, key));
    }

    private static Optional<Lease> read(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM phone_leases WHERE lease_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Lease(rs.getString("lease_key"), rs.getString("port"), rs.getString("identity"),
                        rs.getString("job_id"), rs.getString("station"), rs.getLong("pid"), rs.getString("host"),
                        Instant.ofEpochMilli(rs.getLong("acquired_ms")), Instant.ofEpochMilli(rs.getLong("expires_ms"))));
            }
        }
    }
}
