package dev.lumiaagent.certificate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumiaagent.record.AuditEntry;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.record.StoredCertificate;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificatesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StationKey KEY = StationKey.generate();

    @TempDir
    Path dir;
    RecordStore store;

    @BeforeEach
    void open() {
        store = RecordStores.open("jdbc:sqlite:" + dir.resolve("records.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @ParameterizedTest
    @EnumSource(Jobs.Method.class)
    void everyMethodIssuesACertificateThatShowsTheJobsTrueValues(Jobs.Method method) throws Exception {
        JobRecord j = Jobs.job("job-" + method.name().toLowerCase(), method);
        Decision d = Jobs.issue(store, j, KEY);

        assertThat(d).isInstanceOf(Decision.Issued.class);
        Decision.Issued issued = (Decision.Issued) d;
        AuditEntry finished = store.audit().entriesOf(j.jobId, 0).get(1);
        JsonNode body = JSON.readTree(issued.json()).get("certificate");
        assertThat(body.path("status").asText()).isEqualTo("ERASED AND VERIFIED");
        assertThat(body.path("phone").path("imei").asText()).isEqualTo(j.imei);
        assertThat(body.path("phone").path("manufacturer").asText()).isEqualTo("Lumia (maker not read)");
        assertThat(body.path("phone").path("emmcSizeBytes").asLong()).isEqualTo(61071360L * 512);
        assertThat(body.path("sanitization").path("level").asText()).isEqualTo("Clear");
        assertThat(body.path("sanitization").path("methodName").asText()).isEqualTo(method.evidence);
        assertThat(body.path("audit").path("seq").asLong()).isEqualTo(finished.seq());
        assertThat(body.path("audit").path("hash").asText()).isEqualTo(finished.hash());
        assertThat(JSON.readTree(issued.json()).path("signature").path("keyId").asText()).isEqualTo(KEY.keyId());

        StoredCertificate row = issued.row();
        assertThat(row.status()).isEqualTo(StoredCertificate.Status.ISSUED);
        assertThat(row.jsonSha256()).isEqualTo(Hashes.sha256Hex(issued.json()));
        assertThat(row.pdfSha256()).isEqualTo(Hashes.sha256Hex(issued.pdf()));
        assertThat(row.keyId()).isEqualTo(KEY.keyId());
        assertThat(row.station()).isEqualTo("bench-a");
        assertThat(row.issued()).isEqualTo("2026-12-03T21:20:05Z");
        assertThat(issued.headline()).contains("RM-1085_15169 IMEI 356969071234567", "ERASED AND VERIFIED");

        String text = Poppler.text(issued.pdf(), dir);
        assertThat(text.lines().filter(l -> !l.isBlank()).findFirst().orElseThrow().strip()).isEqualTo("ERASED AND VERIFIED");
        assertThat(text).contains("Certificate of erasure");
        JsonNode s = body.path("sanitization");
        for (String value : List.of(j.imei, j.publicId, j.productType, j.productCode, "RM-1085_15169", j.usbSerial, j.platformId,
                "eMMC flash (embedded)", "31,268,536,320 bytes", "61,071,360 sectors", "Samsung (0x15)", "Lumia (maker not read)",
                "10.0.15254.603", s.path("method").asText(), s.path("classifiedBy").asText(), s.path("erased").asText(),
                s.path("notErased").asText(), s.path("erasureDetail").asText(), "Clear", "lumia-agent 0.1.0", "bench-a", Jobs.OPERATOR,
                Jobs.SITE, j.started, j.ended, j.jobId, j.runId, finished.hash(), "#" + finished.seq(), KEY.keyId(), row.jsonSha256(),
                "Verify: lumia-agent certificate verify " + j.jobId + ".pdf")) {
            assertShows(text, value);
        }
        if (method == Jobs.Method.REFLASH || method == Jobs.Method.EMERGENCY) {
            assertShows(text, Jobs.FFU);
            assertShows(text, Jobs.FFU_SHA);
        }
        for (JobRecord.EvidenceRecord e : j.evidence) {
            if (e.kind().equals("CHECK")) {
                assertThat(text).containsPattern("(?m)^\\s*" + e.name() + "\\s+" + (e.ok() ? "passed" : "failed") + "\\s.*" + e.at());
            }
        }

        Path png = Poppler.firstPagePng(issued.pdf(), dir, 60);
        BufferedImage page = ImageIO.read(png.toFile());
        assertThat(page.getWidth()).isBetween(495, 497); // A4 at 60 dpi: 595.3 × 841.9 pt
        assertThat(page.getHeight()).isBetween(701, 703);
        assertThat(Files.size(png)).isGreaterThan(5_000);
    }

    @Test
    void eachMethodIsClassedClearWithItsSource() {
        for (Jobs.Method m : Jobs.Method.values()) {
            JsonNode s = body(Jobs.issue(store, Jobs.job("c-" + m, m), KEY)).path("sanitization");
            assertThat(s.path("level").asText()).isEqualTo("Clear");
            boolean reset = m == Jobs.Method.SETTINGS || m == Jobs.Method.KEYS;
            assertThat(s.path("classifiedBy").asText()).isEqualTo(reset
                    ? "NIST SP 800-88 Rev. 1, Appendix A, Table A-3 (mobile devices), Windows Phone row; §2.5 Clear"
                    : "NIST SP 800-88 Rev. 1, Appendix A, Table A-8 (flash memory: embedded eMMC), Clear");
            if (reset) {
                assertThat(s.path("method").asText()).startsWith("Clear: the phone's own factory reset (manufacturer's reset to factory state)");
                assertThat(s.path("notErased").asText()).contains("the OS partitions and provisioning are kept",
                        "a factory reset does not return a Windows 10 Mobile phone to its factory state");
            }
        }
        JsonNode reflash = body(Jobs.issue(store, Jobs.job("r", Jobs.Method.REFLASH), KEY)).path("sanitization");
        assertThat(reflash.path("method").asText()).isEqualTo("Clear: overwrite with the stock image (reflash)");
        assertThat(reflash.path("erased").asText()).contains(Jobs.FFU_SHA);
        assertThat(reflash.path("notErased").asText()).isEqualTo("blocks the FFU does not cover are not written; the SD card (if any) "
                + "is not touched");
        JsonNode wipe = body(Jobs.issue(store, Jobs.job("w", Jobs.Method.USB_WIPE), KEY)).path("sanitization");
        assertThat(wipe.path("notErased").asText()).contains("the modem NV, the OS version and reset protection are not reset");
        assertThat(wipe.has("firmwareSha256")).isFalse();
    }

    @Test
    void aFailedOsBootAfterAnEmergencyReflashIsStatedNotClaimed() throws Exception {
        Decision d = Jobs.issue(store, Jobs.job("e1", Jobs.Method.EMERGENCY), KEY);
        JsonNode checks = body(d).path("verification");
        assertThat(checks).extracting(c -> c.path("check").asText() + "=" + c.path("result").asText())
                .containsExactly("readback-digest=passed", "booted-os=failed");
    }

    @Test
    void theChecksAreThoseOfTheAttemptThatErased() {
        JobRecord j = Jobs.job("a2", Jobs.Method.REFLASH);
        // attempt 1 failed mid-write; the record holds its checks, attempt 2 erased again and checked everything
        List<JobRecord.EvidenceRecord> first = List.of(
                new JobRecord.EvidenceRecord(1, "CHECK", "ffu-verified", true, "ok", "2026-12-03T20:40:00Z"),
                new JobRecord.EvidenceRecord(1, "ERASURE", "reflash", true, "wrote 100 chunks", "2026-12-03T20:45:00Z"),
                new JobRecord.EvidenceRecord(1, "CHECK", "flash-app-accepted", false, "status 0x1304 at chunk 101", "2026-12-03T20:45:00Z"));
        List<JobRecord.EvidenceRecord> second = j.evidence.stream().map(e -> new JobRecord.EvidenceRecord(2, e.kind(), e.name(), e.ok(),
                e.detail(), e.at())).toList();
        j.evidence.clear();
        j.evidence.addAll(first);
        j.evidence.addAll(second);
        j.attempts = 2;
        JsonNode body = body(Jobs.issue(store, j, KEY));
        assertThat(body.path("sanitization").path("attempt").asInt()).isEqualTo(2);
        assertThat(body.path("verification")).extracting(c -> c.path("result").asText()).containsOnly("passed");
        assertThat(body.path("verification")).hasSize(4);
    }

    @Test
    void refusesAFailedJob() {
        JobRecord j = Jobs.job("f1", Jobs.Method.REFLASH);
        j.outcome = "PHONE_DID_NOT_RETURN";
        assertRefused(j, "no certificate: the job failed (PHONE_DID_NOT_RETURN)");
    }

    @Test
    void refusesWithoutConsent() {
        JobRecord j = Jobs.job("c1", Jobs.Method.SETTINGS);
        j.gates.removeIf(g -> g.gate().equals("CONSENT"));
        j.gates.add(new JobRecord.GateRecord(1, "CONSENT", "FAIL", "not confirmed", true));
        assertRefused(j, "no certificate: consent to erase was not recorded");
    }

    @Test
    void refusesWhenNobodyOrNoSiteIsNamed() {
        JobRecord j = Jobs.job("n1", Jobs.Method.KEYS);
        List<AuditEntry> audit = Jobs.record(store, j);
        assertThat(reason(Certificates.issue(j, audit, Optional.empty(), Jobs.TOOL, KEY, Jobs.ISSUED)))
                .isEqualTo("no certificate: no operator named — give --operator NAME or set $LUMIA_AGENT_OPERATOR");
        assertThat(reason(Certificates.issue(j, audit, Optional.of(new Certifier("  ", Jobs.SITE)), Jobs.TOOL, KEY, Jobs.ISSUED)))
                .isEqualTo("no certificate: no operator named — give --operator NAME or set $LUMIA_AGENT_OPERATOR");
        assertThat(reason(Certificates.issue(j, audit, Optional.of(new Certifier(Jobs.OPERATOR, "")), Jobs.TOOL, KEY, Jobs.ISSUED)))
                .isEqualTo("no certificate: no site named — give --site NAME or set $LUMIA_AGENT_SITE");
        assertThat(reason(Certificates.issue(j, audit, Optional.of(new Certifier(Jobs.OPERATOR, null)), Jobs.TOOL, KEY, Jobs.ISSUED)))
                .isEqualTo("no certificate: no site named — give --site NAME or set $LUMIA_AGENT_SITE");
    }

    @Test
    void refusesWhenARequiredCheckIsMissingOrFailed() {
        JobRecord noReadback = Jobs.job("m1", Jobs.Method.EMERGENCY);
        noReadback.evidence.removeIf(e -> e.name().equals("readback-digest"));
        assertRefused(noReadback, "no certificate: the read-back check (readback-digest) did not run");

        JobRecord failedReadback = Jobs.job("m2", Jobs.Method.EMERGENCY);
        failedReadback.evidence.replaceAll(e -> e.name().equals("readback-digest")
                ? new JobRecord.EvidenceRecord(e.attempt(), e.kind(), e.name(), false, "sector 4096: SHA-256 differs", e.at()) : e);
        assertRefused(failedReadback, "no certificate: the read-back check (readback-digest) failed (sector 4096: SHA-256 differs)");

        JobRecord noBoot = Jobs.job("m3", Jobs.Method.REFLASH);
        noBoot.evidence.removeIf(e -> e.name().equals("booted-os"));
        assertRefused(noBoot, "no certificate: the check that the phone booted its OS (booted-os) did not run");

        JobRecord otherPhone = Jobs.job("m4", Jobs.Method.USB_WIPE);
        otherPhone.evidence.replaceAll(e -> e.name().equals("same-phone")
                ? new JobRecord.EvidenceRecord(e.attempt(), e.kind(), e.name(), false, "IMEI differs", e.at()) : e);
        assertRefused(otherPhone, "no certificate: the same-phone check (same-phone) failed (IMEI differs)");

        JobRecord noErasure = Jobs.job("m5", Jobs.Method.SETTINGS);
        noErasure.evidence.removeIf(e -> e.kind().equals("ERASURE"));
        assertRefused(noErasure, "no certificate: the job recorded no erasure (no ERASURE evidence)");
    }

    @Test
    void refusesACommandThatDoesNotErase() {
        JobRecord j = Jobs.job("s1", Jobs.Method.SETTINGS);
        j.command = "soft-reset";
        assertRefused(j, "no certificate: soft-reset does not erase the phone (certificates are for hard-reset, reflash and emergency)");
    }

    @Test
    void refusesWithoutTheJobsFinishedAuditEntry() {
        JobRecord j = Jobs.job("u1", Jobs.Method.REFLASH);
        store.save(j);
        List<AuditEntry> started = List.of(store.audit().append(j.station, j.operator, j.jobId, j.port, "started", "reflash"));
        Decision d = Certificates.issue(j, started, Jobs.certifier(), Jobs.TOOL, KEY, Jobs.ISSUED);
        assertThat(reason(d)).startsWith("no certificate: the job's end is not in the audit log");
    }

    @Test
    void theSameInputGivesTheSameBytes() {
        JobRecord j = Jobs.job("d1", Jobs.Method.REFLASH);
        List<AuditEntry> audit = Jobs.record(store, j);
        Decision.Issued a = (Decision.Issued) Certificates.issue(j, audit, Jobs.certifier(), Jobs.TOOL, KEY, Jobs.ISSUED);
        Decision.Issued b = (Decision.Issued) Certificates.issue(j, audit, Jobs.certifier(), Jobs.TOOL, KEY, Jobs.ISSUED);
        assertThat(b.json()).isEqualTo(a.json()); // Ed25519 signatures are deterministic (RFC 8032)
        assertThat(b.pdf()).isEqualTo(a.pdf());
    }

    @Test
    void textTheFontCannotShowIsReplacedNotACrash() throws Exception {
        JobRecord j = Jobs.job("t1", Jobs.Method.SETTINGS);
        j.site = "Łódź → bench ☃ 2";
        j.operator = "Zoë 王";
        List<AuditEntry> audit = Jobs.record(store, j);
        Decision d = Certificates.issue(j, audit, Optional.of(new Certifier(j.operator, j.site)), Jobs.TOOL, KEY, Jobs.ISSUED);
        Decision.Issued issued = (Decision.Issued) d;
        assertThat(body(d).path("site").asText()).isEqualTo("Łódź → bench ☃ 2"); // the signed JSON keeps the true text
        String text = Poppler.text(issued.pdf(), dir);
        assertThat(text).contains("?ód? -> bench ? 2", "Zoë ?");
    }

    /**
     * The sample certificate's first page: target/certificate.png on every run; docs/certificate.png when asked for
     * ({@code -Dcertificate.screenshot=docs/certificate.png}, at {@code -Dcertificate.screenshot.dpi}, 80 by default), so a
     * test run never changes a tracked file by itself.
     */
    @Test
    void sampleCertificatePicture() throws Exception {
        Decision.Issued issued = (Decision.Issued) Jobs.issue(store, Jobs.job("20261203-2102-1-2.3", Jobs.Method.REFLASH), KEY);
        int dpi = Integer.getInteger("certificate.screenshot.dpi", 80);
        Path png = Poppler.firstPagePng(issued.pdf(), dir, dpi);
        int width = Math.round(595.276f / 72 * dpi); // A4, rounded either way by pdftoppm
        assertThat(ImageIO.read(png.toFile()).getWidth()).isBetween(width - 1, width + 1);
        Path target = Path.of("target", "certificate.png");
        Files.createDirectories(target.getParent());
        Files.copy(png, target, StandardCopyOption.REPLACE_EXISTING);
        Files.write(Path.of("target", "certificate.pdf"), issued.pdf());
        String docs = System.getProperty("certificate.screenshot");
        if (docs != null && !docs.isBlank()) {
            Files.copy(png, Path.of(docs), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void theMakerIsTheRecordsOrSaidNotRead() {
        assertThat(Certificates.manufacturer(java.util.Map.of(), "RM-1085_15169")).isEqualTo("Lumia (maker not read)");
        assertThat(Certificates.manufacturer(java.util.Map.of(), "Microsoft Lumia 950 XL")).isEqualTo("Microsoft");
        assertThat(Certificates.manufacturer(java.util.Map.of(), "Nokia Lumia 920")).isEqualTo("Nokia");
        assertThat(Certificates.manufacturer(java.util.Map.of("manufacturer", "Microsoft Mobile"), "RM-1085")).isEqualTo("Microsoft Mobile");
        assertThat(Certificates.manufacturer(java.util.Map.of(), null)).isEqualTo("Lumia (maker not read)");
    }

    private void assertRefused(JobRecord j, String reason) {
        Decision d = Jobs.issue(store, j, KEY);
        assertThat(d).isInstanceOf(Decision.Refused.class);
        assertThat(reason(d)).isEqualTo(reason);
        StoredCertificate row = store.certificate(j.jobId).orElseThrow();
        assertThat(row.status()).isEqualTo(StoredCertificate.Status.REFUSED);
        assertThat(row.reason()).isEqualTo(reason);
        assertThat(row.json()).isNull();
    }

    private static String reason(Decision d) {
        assertThat(d).isInstanceOf(Decision.Refused.class);
        return ((Decision.Refused) d).reason();
    }

    private static JsonNode body(Decision d) {
        assertThat(d).isInstanceOf(Decision.Issued.class);
        try {
            return JSON.readTree(((Decision.Issued) d).json()).get("certificate");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The value is in the text, whatever line breaks and spaces the layout put into it (long values wrap). */
    static void assertShows(String text, String value) {
        String flat = text.replaceAll("\\s+", "");
        assertThat(flat).as("the PDF shows %s", value).contains(value.replaceAll("\\s+", "").replace("→", "->"));
    }
}
