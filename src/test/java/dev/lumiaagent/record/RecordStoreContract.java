package dev.lumiaagent.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every record store does, run against SQLite and PostgreSQL by the subclasses. */
abstract class RecordStoreContract {

    /** Opens (or reopens) the store under test; each test gets a fresh, empty database. */
    abstract RecordStore open();

    /** A connection to the same database outside the store, to tamper with it as someone with DB access could. */
    abstract Connection raw() throws SQLException;

    RecordStore store;

    @BeforeEach
    void openStore() {
        store = open();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    void sql(String... statements) throws SQLException {
        try (Connection c = raw(); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    static JobRecord job(String id, String started, String port) {
        JobRecord j = new JobRecord();
        j.jobId = id;
        j.runId = "run-1";
        j.command = "reflash";
        j.station = "bench-a";
        j.operator = "kim";
        j.port = port;
        j.productType = "RM-914";
        j.productCode = "059R3B6";
        j.imei = "356000000000001";
        j.publicId = "PID";
        j.usbSerial = "serial";
        j.platformId = "Nokia.MSM8227.P6036.1.1";
        j.startMode = "NORMAL";
        j.deviceInfo.put("battery", "80");
        j.deviceInfo.put("osVersion", "8.10.14219.341");
        j.firmwareFile = "/fw/RM914.ffu";
        j.firmwareSha256 = "ab".repeat(32);
        j.started = started;
        j.attempts = 1;
        j.steps.add(new JobRecord.StepRecord(1, "ConfirmIdentity", true, "same phone", started));
        j.gates.add(new JobRecord.GateRecord(1, "BATTERY", "PASS", "80 %", false));
        j.site = "Leeds bench 2";
        j.evidence.add(new JobRecord.EvidenceRecord(1, "ERASURE", "reflash", true, "wrote 64 MiB", started));
        j.evidence.add(new JobRecord.EvidenceRecord(1, "CHECK", "booted-os", false, "stayed in the flash app", started));
        return j;
    }

    @Test
    void savesAndLoadsEveryField() {
        JobRecord j = job("j1", "2025-05-01T08:00:00Z", "1-2");
        store.save(j);

        JobRecord back = store.job("j1").orElseThrow();
        assertThat(back).usingRecursiveComparison().isEqualTo(j);
        assertThat(store.job("nope")).isEmpty();
    }

    @Test
    void saveReplacesTheJobAndItsStepsAndGates() {
        JobRecord j = job("j1", "2025-05-01T08:00:00Z", "1-2");
        store.save(j);
        j.attempts = 2;
        j.steps.add(new JobRecord.StepRecord(2, "WriteFfu", false, "status 0x1304", "2025-05-01T08:05:00Z"));
        j.gates.clear();
        j.gates.add(new JobRecord.GateRecord(2, "FIRMWARE_MATCH", "FAIL", "platform ID differs", true));
        j.outcome = "FIRMWARE_MISMATCH";
        j.ended = "2025-05-01T08:06:00Z";
        j.summary = "wrong firmware";
        j.nextStep = "pick the FFU for RM-914";
        store.save(j);

        JobRecord back = store.job("j1").orElseThrow();
        assertThat(back).usingRecursiveComparison().isEqualTo(j);
        assertThat(back.steps).hasSize(2);
        assertThat(back.gates).extracting(JobRecord.GateRecord::gate).containsExactly("FIRMWARE_MATCH");
        assertThat(store.jobs(null)).hasSize(1);
    }

    @Test
    void keepsIssuedAndRefusedCertificates() {
        byte[] json = "{\"certificate\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] pdf = new byte[] {'%', 'P', 'D', 'F', 0, (byte) 0xff, 1};
        store.saveCertificate(new StoredCertificate("j1", StoredCertificate.Status.ISSUED, null, "2025-05-01T08:10:00Z", "bench-a",
                "k1", "aa".repeat(32), "bb".repeat(32), json, pdf));
        store.saveCertificate(StoredCertificate.refused("j2", "2025-05-02T08:10:00Z", "bench-a", "no operator named"));

        StoredCertificate one = store.certificate("j1").orElseThrow();
        assertThat(one.json()).isEqualTo(json);
        assertThat(one.pdf()).isEqualTo(pdf);
        assertThat(one.keyId()).isEqualTo("k1");
        assertThat(store.certificate("j2").orElseThrow().reason()).isEqualTo("no operator named");
        assertThat(store.certificates("2025-05-02T00:00:00Z")).extracting(StoredCertificate::jobId).containsExactly("j2");
        assertThat(store.certificates(null)).extracting(StoredCertificate::jobId).containsExactly("j1", "j2");
        assertThat(store.certificate("nope")).isEmpty();
    }

    @Test
    void survivesReopen() {
        store.save(job("j1", "2025-05-01T08:00:00Z", "1-2"));
        store.audit().append("bench-a", "kim", "j1", "1-2", "JOB_STARTED", "reflash");
        store.close();
        store = open(); // migrations run again: nothing to do, nothing lost
        store.close();
        store = open();

        assertThat(store.job("j1")).isPresent();
        assertThat(store.audit().verify()).isEqualTo(AuditLog.AuditVerification.intact(1));
    }

    @Test
    void jobsSinceAreOldestFirstAndCompareAsInstants() {
        store.save(job("c", "2025-05-03T00:00:00Z", "1-1"));
        store.save(job("a", "2025-05-01T00:00:00.500Z", "1-1"));
        store.save(job("b", "2025-05-01T00:00:01Z", "1-2"));
        store.save(job("d", "2025-05-01T00:00:00Z", "1-2"));

        assertThat(store.jobs(null)).extracting(r -> r.jobId).containsExactly("d", "a", "b", "c");
        // as text "…00Z" sorts after "…00.500Z"; as instants it is before
        assertThat(store.jobs("2025-05-01T00:00:00.100Z")).extracting(r -> r.jobId).containsExactly("a", "b", "c");
        assertThat(store.jobs("2025-05-02T00:00:00Z")).extracting(r -> r.jobId).containsExactly("c");
        assertThatThrownBy(() -> store.jobs("yesterday")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an ISO-8601 instant: 'yesterday'");
    }

    @Test
    void lastOnPortIsTheLatestStartedThere() {
        store.save(job("a", "2025-05-01T00:00:00Z", "1-1"));
        store.save(job("b", "2025-05-02T00:00:00Z", "1-1"));
        store.save(job("c", "2025-05-03T00:00:00Z", "1-2"));

        assertThat(store.lastOnPort("1-1")).map(r -> r.jobId).contains("b");
        assertThat(store.lastOnPort("1-2")).map(r -> r.jobId).contains("c");
        assertThat(store.lastOnPort("9-9")).isEmpty();
    }

    @Test
    void manyWorkersSaveAtOnce() throws Exception {
        int workers = 8;
        int jobsEach = 15;
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < jobsEach; i++) {
                        JobRecord j = job("w" + worker + "-" + i, "2025-05-01T00:00:00Z", "1-" + worker);
                        store.save(j);
                        j.outcome = "DONE";
                        store.save(j);
                        store.audit().append("bench-a", "kim", j.jobId, j.port, "JOB_DONE", null);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        List<JobRecord> all = store.jobs(null);
        assertThat(all).hasSize(workers * jobsEach).allSatisfy(j -> assertThat(j.outcome).isEqualTo("DONE"));
        assertThat(store.audit().verify()).isEqualTo(AuditLog.AuditVerification.intact(workers * jobsEach));
    }

    @Test
    void aNewerSchemaIsRefusedByName() throws SQLException {
        store.close();
        sql("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, "
                + "installed_by, installed_on, execution_time, success) SELECT installed_rank + 100, '99', 'from the future', "
                + "type, 'V99__from_the_future.sql', checksum, installed_by, installed_on, execution_time, success "
                + "FROM flyway_schema_history WHERE version = '1'");

        assertThatThrownBy(this::open).isInstanceOf(RecordStoreException.class)
                .hasMessageContaining("has schema version 99, newer than this agent knows (3)")
                .satisfies(e -> assertThat(((RecordStoreException) e).nextStep()).contains("update lumia-agent"));
        assertThatThrownBy(this::open).isInstanceOf(RecordStoreException.class); // and again: nothing was changed
    }

    @Test
    void auditAppendsChainAndVerify() {
        AuditLog log = store.audit();
        AuditEntry first = log.append("bench-a", "kim", "j1", "1-2", "JOB_STARTED", "reflash RM-914");
        AuditEntry second = log.append("bench-a", "kim", "j1", "1-2", "JOB_DONE", null);
        log.append("bench-b", "lee", null, null, "STATION_OPENED", "");

        assertThat(first.seq()).isEqualTo(1);
        assertThat(first.prevHash()).isEqualTo("0".repeat(64));
        assertThat(second.prevHash()).isEqualTo(first.hash());
        assertThat(log.entries()).hasSize(3).extracting(AuditEntry::seq).containsExactly(1L, 2L, 3L);
        assertThat(log.entries().get(0)).isEqualTo(first);
        assertThat(log.verify()).isEqualTo(AuditLog.AuditVerification.intact(3));
    }

    @Test
    void theEntriesOfAJobAfterASeqAreItsOwnInOrder() {
        store.audit().append("bench-a", "kim", "j1", "1-2", "started", "a");
        store.audit().append("bench-a", "kim", "j2", "1-3", "started", "b");
        store.audit().append("bench-a", "kim", "j1", "1-2", "gate", "c");
        store.audit().append("bench-a", "kim", "j1", "1-2", "finished", "d");

        assertThat(store.audit().entriesOf("j1", 0)).extracting(AuditEntry::seq).containsExactly(1L, 3L, 4L);
        assertThat(store.audit().entriesOf("j1", 3)).extracting(AuditEntry::detail).containsExactly("d");
        assertThat(store.audit().entriesOf("j3", 0)).isEmpty();
        // the same as the interface's own reading over every entry
        AuditLog all = new AuditLog() {
            @Override
            public AuditEntry append(String station, String operator, String jobId, String port, String event, String detail) {
                throw new UnsupportedOperationException();
            }

            @Override
            public java.util.List<AuditEntry> entries() {
                return store.audit().entries();
            }

            @Override
            public AuditVerification verify() {
                throw new UnsupportedOperationException();
            }
        };
        assertThat(store.audit().entriesOf("j1", 1)).isEqualTo(all.entriesOf("j1", 1));
    }

    private void fiveEntries() {
        for (int i = 1; i <= 5; i++) {
            store.audit().append("bench-a", "kim", "j" + i, "1-" + i, "JOB_DONE", "detail " + i);
        }
    }

    @Test
    void anEditedEntryIsNamed() throws SQLException {
        fiveEntries();
        sql("UPDATE audit SET detail = 'nothing happened' WHERE seq = 3");

        AuditLog.AuditVerification v = store.audit().verify();
        assertThat(v.ok()).isFalse();
        assertThat(v.firstBrokenSeq()).isEqualTo(3);
        assertThat(v.problem()).isEqualTo("entry #3 was changed: its contents no longer match its hash");
    }

    @Test
    void aDeletedMiddleEntryIsNamed() throws SQLException {
        fiveEntries();
        sql("DELETE FROM audit WHERE seq = 2");

        AuditLog.AuditVerification v = store.audit().verify();
        assertThat(v.ok()).isFalse();
        assertThat(v.firstBrokenSeq()).isEqualTo(2);
        assertThat(v.problem()).startsWith("entry #2 is missing");
    }

    @Test
    void aDeletedAndRenumberedEntryIsNamed() throws SQLException {
        fiveEntries();
        // a careful forger closes the gap: entry 3 becomes 2, but its hash covered seq 3 and entry 2's hash
        sql("DELETE FROM audit WHERE seq = 2", "UPDATE audit SET seq = seq - 1 WHERE seq > 2");

        AuditLog.AuditVerification v = store.audit().verify();
        assertThat(v.ok()).isFalse();
        assertThat(v.firstBrokenSeq()).isEqualTo(2);
        assertThat(v.problem()).isEqualTo("entry #2 was changed: its contents no longer match its hash");
    }

    @Test
    void truncatedNewestEntriesAreNamed() throws SQLException {
        fiveEntries();
        sql("DELETE FROM audit WHERE seq >= 4");

        AuditLog.AuditVerification v = store.audit().verify();
        assertThat(v.ok()).isFalse();
        assertThat(v.firstBrokenSeq()).isEqualTo(4);
        assertThat(v.problem()).startsWith("entries #4 to #5 are missing (the newest entries were deleted");
    }

    @Test
    void appendingAfterTamperingKeepsTheBreakVisible() throws SQLException {
        fiveEntries();
        sql("DELETE FROM audit WHERE seq = 5");
        store.audit().append("bench-a", "kim", null, null, "LATER", null);

        AuditLog.AuditVerification v = store.audit().verify();
        assertThat(v.ok()).isFalse();
        assertThat(v.firstBrokenSeq()).isEqualTo(5);
    }

    static PhoneLeases.Lease lease(String jobId, String station, java.time.Instant at) {
        return new PhoneLeases.Lease("imei:356000000000001", "1-5", "IMEI 356000000000001", jobId, station, 4242, "host-" + station,
                at, at.plusSeconds(120));
    }

    /**
     * Stations sharing one store, each claiming the lease of one phone at the same instant from its own store
     * (its own connection): exactly one holds it, and every other claim names that holder. Repeated, each
     * round on a released lease, so an interleaving that lets two win has many chances to show.
     */
    @Test
    void stationsClaimingOnePhoneAtOnceNeverBothHoldIt() throws Exception {
        int stations = 4;
        List<RecordStore> stores = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(stations);
        try {
            for (int i = 0; i < stations; i++) {
                stores.add(open());
            }
            java.time.Instant t0 = java.time.Instant.parse("2025-01-01T10:00:00Z");
            for (int round = 0; round < 10; round++) {
                java.util.concurrent.CyclicBarrier go = new java.util.concurrent.CyclicBarrier(stations);
                List<Future<PhoneLeases.Claim>> claims = new ArrayList<>();
                for (int i = 0; i < stations; i++) {
                    RecordStore st = stores.get(i);
                    String job = "job-" + round + "-" + i;
                    java.time.Instant at = t0.plusSeconds(round);
                    claims.add(pool.submit(() -> {
                        go.await(30, TimeUnit.SECONDS);
                        return st.leases().claim(lease(job, "station-" + job, at));
                    }));
                }
                List<PhoneLeases.Claim> got = new ArrayList<>();
                for (Future<PhoneLeases.Claim> f : claims) {
                    got.add(f.get(60, TimeUnit.SECONDS));
                }
                assertThat(got.stream().filter(PhoneLeases.Claim::acquired)).as("round %d", round).hasSize(1);
                String holder = store.leases().holder("imei:356000000000001").orElseThrow().jobId();
                assertThat(got.stream().filter(c -> !c.acquired()).map(c -> c.other().orElseThrow().jobId()))
                        .as("the refused claims name the holder").containsOnly(holder);
                store.leases().release("imei:356000000000001", holder);
            }
        } finally {
            pool.shutdownNow();
            stores.forEach(RecordStore::close);
        }
    }

    @Test
    void anExpiredLeaseIsTakenOverAndItsHolderCannotRenewIt() {
        java.time.Instant t0 = java.time.Instant.parse("2025-01-01T10:00:00Z");
        assertThat(store.leases().claim(lease("job-a", "a", t0)).acquired()).isTrue();
        // Within the bound the holder is alive: refused, naming it.
        PhoneLeases.Claim early = store.leases().claim(lease("job-b", "b", t0.plusSeconds(119)));
        assertThat(early.acquired()).isFalse();
        assertThat(early.other().orElseThrow().jobId()).isEqualTo("job-a");
        assertThat(early.other().orElseThrow().station()).isEqualTo("a");
        // Past it (the holder stopped renewing: it died), the lease is taken over and the claim says from whom.
        PhoneLeases.Claim late = store.leases().claim(lease("job-b", "b", t0.plusSeconds(121)));
        assertThat(late.tookOver()).isTrue();
        assertThat(late.other().orElseThrow().jobId()).isEqualTo("job-a");
        assertThat(store.leases().renew("imei:356000000000001", "job-a", t0.plusSeconds(300))).isFalse();
        assertThat(store.leases().renew("imei:356000000000001", "job-b", t0.plusSeconds(300))).isTrue();
        store.leases().release("imei:356000000000001", "job-a"); // not the holder: nothing happens
        assertThat(store.leases().holder("imei:356000000000001").orElseThrow().jobId()).isEqualTo("job-b");
        store.leases().release("imei:356000000000001", "job-b");
        assertThat(store.leases().holder("imei:356000000000001")).isEmpty();
    }
}
