package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.record.AuditEntry;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.record.StoredCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure certificates end to end, as a technician meets them: an erasing job on a simulated phone issues one (stored
 * with the record, audited by its SHA-256), `certificate` writes it out, `certificate verify` checks it and refuses a
 * changed one, and a job that failed or ran without an operator and a site gets none, said by name.
 */
class CertificateCliTest {
    private static final Pattern JOB_ID = Pattern.compile("job (\\d{8}-\\d{6}-\\d{3}-[0-9a-f]{6})");

    @TempDir
    static Path firmware;

    @TempDir
    Path dir;

    static Path ffu;

    @BeforeAll
    static void build() {
        ffu = firmware.resolve("RM-914.ffu");
        CliRunner.Result built = CliRunner.run("ffu", "build", "--demo", "4M", "--model", "RM-914", "-o", ffu.toString());
        assertThat(built.exitCode()).as(built.err()).isZero();
    }

    private String store() {
        return "jdbc:sqlite:" + dir.resolve("records.db");
    }

    private String[] common(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(more));
        args.addAll(List.of("--store", store(), "--jobs-dir", dir.resolve("jobs").toString(), "--key-dir", dir.resolve("keys").toString()));
        return args.toArray(String[]::new);
    }

    private static String jobId(CliRunner.Result r) {
        Matcher m = JOB_ID.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return m.group(1);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aReflashIssuesACertificateThatIsWrittenOutAuditedAndVerifies() throws Exception {
        CliRunner.Result r = CliRunner.run(common("reflash", "--simulate", "1", "--ffu", ffu.toString(), "--yes",
                "--operator", "Kim Lee", "--site", "Leeds bench 2"));
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        String id = jobId(r);
        assertThat(r.out()).contains("erasure certificate issued");
        // the station key was made on first use, private
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys").resolve("station-ed25519.key"))))
                .isEqualTo("rw-------");

        Path out = dir.resolve("certs");
        CliRunner.Result w = CliRunner.run("certificate", id, "-o", out.toString(), "--store", store());
        assertThat(w.exitCode()).as(w.out() + w.err()).isZero();
        byte[] json = Files.readAllBytes(out.resolve(id + ".json"));
        byte[] pdf = Files.readAllBytes(out.resolve(id + ".pdf"));
        try (RecordStore s = RecordStores.open(store())) {
            JobRecord job = s.job(id).orElseThrow();
            assertThat(job.operator).isEqualTo("Kim Lee");
            assertThat(job.site).isEqualTo("Leeds bench 2");
            StoredCertificate row = s.certificate(id).orElseThrow();
            assertThat(row.jsonSha256()).isEqualTo(sha256(json));
            assertThat(row.pdfSha256()).isEqualTo(sha256(pdf));
            // named in the audit log by its SHA-256, after the job's "finished" entry, and the chain holds
            List<AuditEntry> audit = s.audit().entriesOf(id, 0);
            assertThat(audit).extracting(AuditEntry::event).endsWith("finished", "certificate");
            assertThat(audit.get(audit.size() - 1).detail()).contains(sha256(json), sha256(pdf));
            assertThat(s.audit().verify().ok()).isTrue();
            String text = new String(json, StandardCharsets.UTF_8);
            assertThat(text).contains(job.imei, "Kim Lee", "Leeds bench 2", job.firmwareSha256);
        }

        // a diagnostics bundle of the job carries the certificate as issued
        Path zip = dir.resolve("diag.zip");
        CliRunner.Result d = CliRunner.run("diag", id, "-o", zip.toString(), "--store", store(), "--jobs-dir", dir.resolve("jobs").toString());
        assertThat(d.exitCode()).as(d.out() + d.err()).isZero();
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            assertThat(z.getInputStream(z.getEntry("certificate.json")).readAllBytes()).isEqualTo(json);
        }

        // by the phone's IMEI: the same certificate
        String imei;
        try (RecordStore s = RecordStores.open(store())) {
            imei = s.job(id).orElseThrow().imei;
        }
        Path byImei = dir.resolve("by-imei");
        CliRunner.Result i = CliRunner.run("certificate", imei, "-o", byImei.toString(), "--store", store());
        assertThat(i.exitCode()).as(i.out() + i.err()).isZero();
        assertThat(Files.readAllBytes(byImei.resolve(id + ".json"))).isEqualTo(json);

        for (Path f : List.of(out.resolve(id + ".json"), out.resolve(id + ".pdf"))) {
            CliRunner.Result v = CliRunner.run("certificate", "verify", f.toString(), "--store", store(), "--key-dir", dir.resolve("keys").toString());
            assertThat(v.exitCode()).as(v.out() + v.err()).isZero();
            assertThat(v.out()).contains("VERIFIED").doesNotContain("NOT OK");
        }

        // the published key verifies it without the store
        Path pub = dir.resolve("station.pem");
        CliRunner.Result k = CliRunner.run("certificate", "export-key", "-o", pub.toString(), "--key-dir", dir.resolve("keys").toString());
        assertThat(k.exitCode()).as(k.out() + k.err()).isZero();
        assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----");
        CliRunner.Result byKey = CliRunner.run("certificate", "verify", out.resolve(id + ".json").toString(), "--key", pub.toString(), "--no-store");
        assertThat(byKey.exitCode()).as(byKey.out()).isZero();

        // one changed byte of the JSON: refused, naming the signature
        String changed = new String(json, StandardCharsets.UTF_8).replaceFirst("Kim Lee", "Kim Lea"); // one byte
        assertThat(changed).isNotEqualTo(new String(json, StandardCharsets.UTF_8));
        Path tampered = dir.resolve("tampered.json");
        Files.writeString(tampered, changed);
        CliRunner.Result bad = CliRunner.run("certificate", "verify", tampered.toString(), "--store", store(), "--key-dir", dir.resolve("keys").toString());
        assertThat(bad.exitCode()).as(bad.out()).isEqualTo(ExitCode.NOT_VERIFIED.code());
        assertThat(bad.out()).contains("NOT VERIFIED").containsIgnoringCase("signature");
    }

    @Test
    void aJobWithoutAnOperatorAndASiteRunsAndItsCertificateIsRefusedByName() throws Exception {
        CliRunner.Result r = CliRunner.run(common("batch", "hard-reset", "--method", "settings", "--simulate", "1", "--sim-speed", "200",
                "--yes"));
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("no operator and no site named").contains("--operator NAME");
        try (RecordStore s = RecordStores.open(store())) {
            JobRecord job = s.jobs(null).get(0);
            assertThat(job.outcome).isEqualTo(JobRecord.DONE);
            StoredCertificate row = s.certificate(job.jobId).orElseThrow();
            assertThat(row.isIssued()).isFalse();
            assertThat(row.reason()).contains("operator");
            CliRunner.Result w = CliRunner.run("certificate", job.jobId, "-o", dir.resolve("c").toString(), "--store", store());
            assertThat(w.exitCode()).isEqualTo(ExitCode.FAILED.code());
            assertThat(w.out()).contains("refused").contains("operator");
            // and a diagnostics bundle of the job says why it has none
            Path zip = dir.resolve("diag.zip");
            CliRunner.Result d = CliRunner.run("diag", job.jobId, "-o", zip.toString(), "--store", store(), "--jobs-dir", dir.resolve("jobs").toString());
            assertThat(d.exitCode()).as(d.out() + d.err()).isZero();
            try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
                assertThat(z.getEntry("certificate.json")).isNull();
                assertThat(new String(z.getInputStream(z.getEntry("certificate-refused.txt")).readAllBytes(), StandardCharsets.UTF_8))
                        .contains("no erasure certificate was issued").contains("operator");
            }
        }
    }

    @Test
    void aResetThatNeverFinishesGetsNoCertificateThatClaimsSuccess() throws Exception {
        Path bench = dir.resolve("bench.json");
        Files.writeString(bench, "{\"clockSpeed\": 2000, \"phones\": [{\"port\": \"1-1\", \"model\": \"RM-914\", \"mode\": \"normal\","
                + " \"battery\": 80, \"faults\": [\"reset-never-finishes\"]}]}");
        CliRunner.Result r = CliRunner.run(common("batch", "hard-reset", "--method", "settings", "--bench", bench.toString(), "--yes",
                "--operator", "Kim Lee", "--site", "Leeds bench 2", "--retries", "0"));
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCode.FAILED.code());
        try (RecordStore s = RecordStores.open(store())) {
            JobRecord job = s.jobs(null).get(0);
            assertThat(job.outcome).isEqualTo("RESET_NEVER_FINISHED");
            StoredCertificate row = s.certificate(job.jobId).orElseThrow();
            assertThat(row.isIssued()).isFalse();
            assertThat(row.json()).isNull();
            assertThat(row.reason()).contains("RESET_NEVER_FINISHED");
            assertThat(s.audit().entriesOf(job.jobId, 0)).extracting(AuditEntry::event).contains("certificate-refused")
                    .doesNotContain("certificate");
        }
    }

    @Test
    void aBatchGetsACertificatePerPhoneAndASummaryWithEachCertificatesHash() throws Exception {
        Path bench = dir.resolve("bench.json");
        Files.writeString(bench, "{\"clockSpeed\": 200, \"phones\": [{\"port\": \"1-1\", \"model\": \"RM-914\", \"mode\": \"normal\", \"battery\": 80},"
                + " {\"port\": \"1-2\", \"model\": \"RM-914\", \"mode\": \"flash\", \"battery\": 60}]}");
        CliRunner.Result r = CliRunner.run(common("batch", "reflash", "--bench", bench.toString(), "--ffu", ffu.toString(),
                "--yes", "--operator", "Kim Lee", "--site", "Leeds bench 2"));
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Certificates: 2 issued, 0 refused");
        Path out = dir.resolve("certs");
        CliRunner.Result w = CliRunner.run("certificate", "--since", "1h", "-o", out.toString(), "--store", store());
        assertThat(w.exitCode()).as(w.out() + w.err()).isZero();
        assertThat(w.out()).contains("3 certificates written").contains("batch summary");
        try (RecordStore s = RecordStores.open(store())) {
            List<StoredCertificate> rows = s.certificates(null);
            assertThat(rows).hasSize(3);
            StoredCertificate summary = rows.stream().filter(c -> c.jobId().startsWith("batch-")).findFirst().orElseThrow();
            String text = new String(summary.json(), StandardCharsets.UTF_8);
            for (StoredCertificate c : rows) {
                if (c != summary) {
                    assertThat(text).contains(c.jobId(), c.jsonSha256());
                }
            }
        }
    }

    /** A station session of erasing jobs ends, like a batch, with the summary of its certificates. */
    @Test
    void aStationSessionEndsWithTheSummaryOfItsCertificates() throws Exception {
        Path bench = dir.resolve("bench.json");
        Files.writeString(bench, "{\"clockSpeed\": 200, \"phones\": [{\"port\": \"1-1\", \"model\": \"RM-914\", \"mode\": \"normal\", \"battery\": 80},"
                + " {\"port\": \"1-2\", \"model\": \"RM-1045\", \"mode\": \"normal\", \"battery\": 70}]}");
        CliRunner.Result r = CliRunner.run(common("station", "hard-reset", "--method", "settings", "--bench", bench.toString(),
                "--stop-after", "2", "--yes", "--operator", "Kim Lee", "--site", "Leeds bench 2"));
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Certificates: 2 issued, 0 refused");
        try (RecordStore s = RecordStores.open(store())) {
            List<StoredCertificate> rows = s.certificates(null);
            StoredCertificate summary = rows.stream().filter(c -> c.jobId().startsWith("batch-station-")).findFirst().orElseThrow();
            String text = new String(summary.json(), StandardCharsets.UTF_8);
            assertThat(rows).hasSize(3);
            for (StoredCertificate c : rows) {
                if (c != summary) {
                    assertThat(text).contains(c.jobId(), c.jsonSha256());
                }
            }
            assertThat(s.audit().entries()).extracting(AuditEntry::detail).anyMatch(d -> d.startsWith("batch summary: JSON SHA-256 "
                    + summary.jsonSha256()));
        }
    }

    /** An emergency write is certified by its Firehose read-back; a read-back that differs (a bad eMMC block) gets none. */
    @Test
    void anEmergencyReflashIsCertifiedByItsReadBackAndABadBlockGetsNoCertificate() throws Exception {
        Path ede = dir.resolve("RM-1073.ede");
        Path image = dir.resolve("RM-1073.ffu");
        assertThat(CliRunner.run("simulate", "programmer", "--model", "RM-1073", "-o", ede.toString()).exitCode()).isZero();
        assertThat(CliRunner.run("ffu", "build", "--demo", "4M", "--model", "RM-1073", "-o", image.toString()).exitCode()).isZero();
        Path good = dir.resolve("edl.json");
        Files.writeString(good, "{\"phones\": [{\"port\": \"1-2\", \"model\": \"RM-1073\", \"mode\": \"edl\"}]}");
        CliRunner.Result r = CliRunner.run(common("emergency", "--bench", good.toString(), "--programmer", ede.toString(), "--ffu",
                image.toString(), "--yes", "--sim-speed", "200", "--operator", "Kim Lee", "--site", "Leeds bench 2"));
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        String ok = jobId(r);

        Path bad = dir.resolve("edl-bad.json");
        Files.writeString(bad, "{\"phones\": [{\"port\": \"1-2\", \"model\": \"RM-1073\", \"mode\": \"edl\", \"faults\": [\"bad-emmc-block\"]}]}");
        CliRunner.Result f = CliRunner.run(common("emergency", "--bench", bad.toString(), "--programmer", ede.toString(), "--ffu",
                image.toString(), "--yes", "--sim-speed", "200", "--operator", "Kim Lee", "--site", "Leeds bench 2"));
        assertThat(f.exitCode()).as(f.out() + f.err()).isEqualTo(ExitCode.FAILED.code());
        String failed = jobId(f);
        try (RecordStore s = RecordStores.open(store())) {
            StoredCertificate issued = s.certificate(ok).orElseThrow();
            assertThat(issued.isIssued()).as(issued.reason()).isTrue();
            assertThat(new String(issued.json(), StandardCharsets.UTF_8)).contains("readback-digest", "emergency-reflash");
            JobRecord job = s.job(failed).orElseThrow();
            assertThat(job.outcome).isEqualTo("READBACK_MISMATCH");
            StoredCertificate refused = s.certificate(failed).orElseThrow();
            assertThat(refused.isIssued()).isFalse();
            assertThat(refused.reason()).contains("READBACK_MISMATCH");
        }
    }
}
