package dev.lumiaagent.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/**
 * The record store over JDBC: an SQLite file or a PostgreSQL database (see {@link RecordStores#open}).
 * The schema is migrated with Flyway on open (scripts in {@code dev/lumiaagent/record/migration}); a
 * database whose schema is newer than this agent knows is refused, never written.
 */
public final class JdbcRecordStore implements RecordStore {
    static final String MIGRATIONS = "classpath:dev/lumiaagent/record/migration";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private static final String COLUMNS = "job_id, run_id, command, station, operator, port, product_type, product_code, "
            + "imei, public_id, usb_serial, platform_id, start_mode, device_info, firmware_file, firmware_sha256, "
            + "started, started_ms, ended, attempts, outcome, summary, next_step, site";

    private final Database db;
    private final JdbcAuditLog audit;
    private final JdbcPhoneLeases leases;

    JdbcRecordStore(Database db, Clock clock) {
        this.db = db;
        try {
            migrate(db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        this.audit = new JdbcAuditLog(db, clock);
        this.leases = new JdbcPhoneLeases(db);
    }

    private static void migrate(Database db) {
        Flyway flyway = Flyway.configure(JdbcRecordStore.class.getClassLoader())
                .dataSource(db.dataSource())
                .locations(MIGRATIONS)
                // a schema that already holds other tables (a shared PostgreSQL schema) gets the history table too
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
        try {
            MigrationInfo current = flyway.info().current();
            if (current != null && current.getState() == MigrationState.FUTURE_SUCCESS) {
                MigrationInfo[] known = flyway.info().all();
                String latest = "none";
                for (MigrationInfo m : known) {
                    if (m.getState() != MigrationState.FUTURE_SUCCESS && m.getVersion() != null) {
                        latest = m.getVersion().getVersion();
                    }
                }
                throw new RecordStoreException("record store " + db.description + " has schema version "
                        + current.getVersion() + ", newer than this agent knows (" + latest + "); it was not changed",
                        "update lumia-agent on this station to the version the other stations use, or point --store at "
                                + "another store", null);
            }
            if (db.kind == Database.Kind.POSTGRESQL) {
                migrateAlone(db, flyway);
            } else {
                flyway.migrate(); // SQLite: the file's own write lock serialises two agents
            }
        } catch (FlywayException e) {
            throw db.failure("open and migrate the schema", e);
        }
    }

    /** Key of the PostgreSQL advisory lock that lets one station at a time create or migrate the schema. */
    static final long SCHEMA_LOCK = 0x4C756D6961416745L; // "LumiaAgE"

    /**
     * Two stations opening one new database at once raced in Flyway's baseline: the second found the history
     * table created but still empty ("Unable to baseline schema history table … already exists, and is
     * empty"). PostgreSQL's own advisory lock, held on its own connection around the migration, makes the
     * second wait for the first (bounded by lock_timeout), then find the schema current.
     */
    private static void migrateAlone(Database db, Flyway flyway) {
        try (java.sql.Connection c = db.dataSource().getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute("SET lock_timeout = '60s'");
            st.execute("SELECT pg_advisory_lock(" + SCHEMA_LOCK + ")");
            try {
                flyway.migrate();
            } finally {
                st.execute("SELECT pg_advisory_unlock(" + SCHEMA_LOCK + ")");
            }
        } catch (java.sql.SQLException e) {
            throw db.failure("take the schema lock to migrate the schema", e);
        }
    }

    @Override
    public void save(JobRecord job) {
        if (job == null || job.jobId == null || job.jobId.isBlank()) {
            throw new IllegalArgumentException("a job record needs a job id to be saved");
        }
        db.transaction("save job " + job.jobId, c -> {
            upsert(c, job);
            replaceChildren(c, job);
            return null;
        });
    }

    private void upsert(Connection c, JobRecord j) throws SQLException {
        StringBuilder update = new StringBuilder();
        for (String col : COLUMNS.split(", ")) {
            if (!col.equals("job_id")) {
                update.append(update.length() == 0 ? "" : ", ").append(col).append(" = excluded.").append(col);
            }
        }
        String sql = "INSERT INTO jobs (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (job_id) DO UPDATE SET " + update;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 0;
            ps.setString(++i, j.jobId);
            ps.setString(++i, j.runId);
            ps.setString(++i, j.command);
            ps.setString(++i, j.station);
            ps.setString(++i, j.operator);
            ps.setString(++i, j.port);
            ps.setString(++i, j.productType);
            ps.setString(++i, j.productCode);
            ps.setString(++i, j.imei);
            ps.setString(++i, j.publicId);
            ps.setString(++i, j.usbSerial);
            ps.setString(++i, j.platformId);
            ps.setString(++i, j.startMode);
            ps.setString(++i, toJson(j.deviceInfo));
            ps.setString(++i, j.firmwareFile);
            ps.setString(++i, j.firmwareSha256);
            ps.setString(++i, j.started);
            Long startedMs = epochMillis(j.started);
            if (startedMs == null) {
                ps.setNull(++i, Types.BIGINT);
            } else {
                ps.setLong(++i, startedMs);
            }
            ps.setString(++i, j.ended);
            ps.setInt(++i, j.attempts);
            ps.setString(++i, j.outcome);
            ps.setString(++i, j.summary);
            ps.setString(++i, j.nextStep);
            ps.setString(++i, j.site);
            ps.executeUpdate();
        }
    }

    private static void replaceChildren(Connection c, JobRecord j) throws SQLException {
        for (String table : new String[] {"job_steps", "job_gates", "job_evidence"}) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE job_id = ?")) {
                ps.setString(1, j.jobId);
                ps.executeUpdate();
            }
        }
        if (j.steps != null && !j.steps.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO job_steps (job_id, attempt, idx, name, ok, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                int idx = 0;
                for (JobRecord.StepRecord s : j.steps) {
                    ps.setString(1, j.jobId);
                    ps.setInt(2, s.attempt());
                    ps.setInt(3, idx++);
                    ps.setString(4, s.name() == null ? "" : s.name());
                    ps.setBoolean(5, s.ok());
                    ps.setString(6, s.detail());
                    ps.setString(7, s.at());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (j.gates != null && !j.gates.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO job_gates (job_id, attempt, idx, gate, verdict, detail, blocks) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                int idx = 0;
                for (JobRecord.GateRecord g : j.gates) {
                    ps.setString(1, j.jobId);
                    ps.setInt(2, g.attempt());
                    ps.setInt(3, idx++);
                    ps.setString(4, g.gate() == null ? "" : g.gate());
                    ps.setString(5, g.verdict());
                    ps.setString(6, g.detail());
                    ps.setBoolean(7, g.blocks());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (j.evidence != null && !j.evidence.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO job_evidence (job_id, attempt, idx, kind, name, ok, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                int idx = 0;
                for (JobRecord.EvidenceRecord e : j.evidence) {
                    ps.setString(1, j.jobId);
                    ps.setInt(2, e.attempt());
                    ps.setInt(3, idx++);
                    ps.setString(4, e.kind() == null ? "" : e.kind());
                    ps.setString(5, e.name() == null ? "" : e.name());
                    ps.setBoolean(6, e.ok());
                    ps.setString(7, e.detail());
                    ps.setString(8, e.at());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    @Override
    public Optional<JobRecord> job(String jobId) {
        return db.transaction("read job " + jobId, c -> {
            List<JobRecord> found = select(c, "SELECT " + COLUMNS + " FROM jobs WHERE job_id = ?", jobId);
            return found.stream().findFirst();
        });
    }

    @Override
    public List<JobRecord> jobs(String sinceIso) {
        if (sinceIso == null) {
            return db.transaction("read jobs", c -> select(c, "SELECT " + COLUMNS + " FROM jobs ORDER BY "
                    + "CASE WHEN started_ms IS NULL THEN 0 ELSE 1 END, started_ms, job_id"));
        }
        long since = parseSince(sinceIso);
        return db.transaction("read jobs since " + sinceIso, c -> select(c, "SELECT " + COLUMNS
                + " FROM jobs WHERE started_ms >= ? ORDER BY started_ms, job_id", since));
    }

    @Override
    public Optional<JobRecord> lastOnPort(String port) {
        return db.transaction("read the last job on port " + port, c -> select(c, "SELECT " + COLUMNS
                + " FROM jobs WHERE port = ? ORDER BY CASE WHEN started_ms IS NULL THEN 0 ELSE 1 END DESC, "
                + "started_ms DESC, job_id DESC LIMIT 1", port).stream().findFirst());
    }

    private static long parseSince(String sinceIso) {
        try {
            return Instant.parse(sinceIso).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 instant: '" + sinceIso + "' (e.g. 2025-05-01T08:00:00Z)");
        }
    }

    private List<JobRecord> select(Connection c, String sql, Object... params) throws SQLException {
        List<JobRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        for (JobRecord j : out) {
            loadChildren(c, j);
        }
        return out;
    }

    private JobRecord row(ResultSet rs) throws SQLException {
        JobRecord j = new JobRecord();
        j.jobId = rs.getString("job_id");
        j.runId = rs.getString("run_id");
        j.command = rs.getString("command");
        j.station = rs.getString("station");
        j.operator = rs.getString("operator");
        j.port = rs.getString("port");
        j.productType = rs.getString("product_type");
        j.productCode = rs.getString("product_code");
        j.imei = rs.getString("imei");
        j.publicId = rs.getString("public_id");
        j.usbSerial = rs.getString("usb_serial");
        j.platformId = rs.getString("platform_id");
        j.startMode = rs.getString("start_mode");
        j.deviceInfo = fromJson(rs.getString("device_info"), j.jobId);
        j.firmwareFile = rs.getString("firmware_file");
        j.firmwareSha256 = rs.getString("firmware_sha256");
        j.started = rs.getString("started");
        j.ended = rs.getString("ended");
        j.attempts = rs.getInt("attempts");
        j.outcome = rs.getString("outcome");
        j.summary = rs.getString("summary");
        j.nextStep = rs.getString("next_step");
        j.site = rs.getString("site");
        return j;
    }

    private static void loadChildren(Connection c, JobRecord j) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT attempt, name, ok, detail, at FROM job_steps WHERE job_id = ? ORDER BY idx")) {
            ps.setString(1, j.jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    j.steps.add(new JobRecord.StepRecord(rs.getInt(1), rs.getString(2), rs.getBoolean(3),
                            rs.getString(4), rs.getString(5)));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT attempt, gate, verdict, detail, blocks FROM job_gates WHERE job_id = ? ORDER BY idx")) {
            ps.setString(1, j.jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    j.gates.add(new JobRecord.GateRecord(rs.getInt(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getBoolean(5)));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT attempt, kind, name, ok, detail, at FROM job_evidence WHERE job_id = ? ORDER BY idx")) {
            ps.setString(1, j.jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    j.evidence.add(new JobRecord.EvidenceRecord(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                            rs.getString(5), rs.getString(6)));
                }
            }
        }
    }

    private static final String CERT_COLUMNS = "job_id, status, reason, issued, issued_ms, station, key_id, json_sha256, pdf_sha256, "
            + "json_text, pdf_base64";

    @Override
    public void saveCertificate(StoredCertificate cert) {
        db.transaction("save the certificate of job " + cert.jobId(), c -> {
            StringBuilder update = new StringBuilder();
            for (String col : CERT_COLUMNS.split(", ")) {
                if (!col.equals("job_id")) {
                    update.append(update.length() == 0 ? "" : ", ").append(col).append(" = excluded.").append(col);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO certificates (" + CERT_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id) DO UPDATE SET " + update)) {
                int i = 0;
                ps.setString(++i, cert.jobId());
                ps.setString(++i, cert.status().name());
                ps.setString(++i, cert.reason());
                ps.setString(++i, cert.issued());
                Long ms = epochMillis(cert.issued());
                ps.setLong(++i, ms == null ? 0 : ms);
                ps.setString(++i, cert.station());
                ps.setString(++i, cert.keyId());
                ps.setString(++i, cert.jsonSha256());
                ps.setString(++i, cert.pdfSha256());
                ps.setString(++i, cert.json() == null ? null : new String(cert.json(), java.nio.charset.StandardCharsets.UTF_8));
                ps.setString(++i, cert.pdf() == null ? null : java.util.Base64.getEncoder().encodeToString(cert.pdf()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<StoredCertificate> certificate(String jobId) {
        return db.transaction("read the certificate of job " + jobId, c -> certificates(c, "SELECT " + CERT_COLUMNS
                + " FROM certificates WHERE job_id = ?", jobId).stream().findFirst());
    }

    @Override
    public List<StoredCertificate> certificates(String sinceIso) {
        if (sinceIso == null) {
            return db.transaction("read certificates", c -> certificates(c, "SELECT " + CERT_COLUMNS
                    + " FROM certificates ORDER BY issued_ms, job_id"));
        }
        long since = parseSince(sinceIso);
        return db.transaction("read certificates since " + sinceIso, c -> certificates(c, "SELECT " + CERT_COLUMNS
                + " FROM certificates WHERE issued_ms >= ? ORDER BY issued_ms, job_id", since));
    }

    private List<StoredCertificate> certificates(Connection c, String sql, Object... params) throws SQLException {
        List<StoredCertificate> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StoredCertificate.Status status;
                    try {
                        status = StoredCertificate.Status.valueOf(rs.getString("status"));
                    } catch (IllegalArgumentException e) {
                        throw new RecordStoreException("record store " + db.description + ": the certificate row of job "
                                + rs.getString("job_id") + " has the status '" + rs.getString("status") + "'",
                                "the row was edited outside the agent; restore it from a backup", e);
                    }
                    String json = rs.getString("json_text");
                    String pdf = rs.getString("pdf_base64");
                    out.add(new StoredCertificate(rs.getString("job_id"), status, rs.getString("reason"), rs.getString("issued"),
                            rs.getString("station"), rs.getString("key_id"), rs.getString("json_sha256"), rs.getString("pdf_sha256"),
                            json == null ? null : json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            pdf == null ? null : java.util.Base64.getDecoder().decode(pdf)));
                }
            }
        }
        return out;
    }

    private static String toJson(Map<String, String> map) {
        if (map == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always encodes", e);
        }
    }

    private Map<String, String> fromJson(String text, String jobId) {
        if (text == null) {
            return new LinkedHashMap<>();
        }
        try {
            return JSON.readValue(text, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new RecordStoreException("record store " + db.description + ": the device info of job " + jobId
                    + " is not a JSON object of strings", "the row was edited outside the agent; restore it from a backup", e);
        }
    }

    /** Epoch milliseconds of an ISO-8601 instant; null when absent or not an instant (kept as text anyway). */
    static Long epochMillis(String iso) {
        if (iso == null) {
            return null;
        }
        try {
            return Instant.parse(iso).toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public PhoneLeases leases() {
        return leases;
    }

    @Override
    public AuditLog audit() {
        return audit;
    }

    @Override
    public String describe() {
        return db.description;
    }

    @Override
    public void close() {
        db.close();
    }
}
