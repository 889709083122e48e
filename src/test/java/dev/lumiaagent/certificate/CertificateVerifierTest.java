package dev.lumiaagent.certificate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Optional;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateVerifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StationKey KEY = StationKey.generate();
    private static final String SIGNATURE = "signature does not match the certificate's contents: it was changed after signing";

    @TempDir
    Path dir;
    RecordStore store;
    JobRecord job;
    Decision.Issued issued;

    @BeforeEach
    void issue() {
        store = RecordStores.open("jdbc:sqlite:" + dir.resolve("records.db"));
        job = Jobs.job("20261203-2102-1-2.3", Jobs.Method.REFLASH);
        issued = (Decision.Issued) Jobs.issue(store, job, KEY);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theIntactJsonAndPdfPassEveryCheck() {
        for (byte[] file : new byte[][] {issued.json(), issued.pdf()}) {
            CertificateVerifier.Verification v = CertificateVerifier.verify(file, Optional.of(KEY.publicKey()), store);
            assertThat(v.problems()).isEmpty();
            assertThat(v.ok()).isTrue();
            assertThat(v.jobId()).isEqualTo(job.jobId);
            assertThat(String.join("\n", v.passed())).contains("the Ed25519 signature matches the certificate's contents",
                    "signed by this station's key " + KEY.keyId(), "the record of job " + job.jobId + " says what the certificate says",
                    "has the hash the certificate names", "the audit chain is intact", "is the one issued for job " + job.jobId);
        }
        assertThat(CertificateVerifier.verify(issued.pdf(), Optional.empty(), store).passed().get(0))
                .isEqualTo("the file is a lumia-agent erasure certificate for " + job.jobId + " (a PDF with its embedded certificate.json)");
    }

    @Test
    void withoutAKeyOrAStoreItSaysWhatWasNotChecked() {
        CertificateVerifier.Verification v = CertificateVerifier.verify(issued.json(), Optional.empty(), null);
        assertThat(v.ok()).isTrue();
        assertThat(v.passed()).contains("not checked: whose key signed it — the key embedded in the certificate (" + KEY.keyId()
                + ") was accepted; give the station's public key (--key PUB.pem) to check it is the station's",
                "not checked: the record and the audit chain (no record store given)");
    }

    @Test
    void oneChangedByteInTheJsonIsCaughtByTheSignature() {
        String text = new String(issued.json(), StandardCharsets.UTF_8);
        byte[] changed = text.replace("\"356969071234567\"", "\"356969071234568\"").getBytes(StandardCharsets.UTF_8);
        assertThat(changed).hasSameSizeAs(issued.json());

        CertificateVerifier.Verification alone = CertificateVerifier.verify(changed, Optional.of(KEY.publicKey()), null);
        assertThat(alone.ok()).isFalse();
        assertThat(alone.problems()).containsExactly(SIGNATURE);

        CertificateVerifier.Verification withStore = CertificateVerifier.verify(changed, Optional.of(KEY.publicKey()), store);
        assertThat(withStore.problems()).contains(SIGNATURE,
                "phone.imei: certificate says 356969071234568, record says 356969071234567");
        assertThat(withStore.problems()).anyMatch(p -> p.startsWith("this JSON's SHA-256 ") && p.endsWith(" is not the one issued for job "
                + job.jobId + " (" + issued.row().jsonSha256() + ")"));
    }

    @Test
    void aChangedFieldWrittenAgainIsNamedBySignatureAndRecord() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(issued.json());
        ((ObjectNode) root.path("certificate").path("sanitization")).put("level", "Purge");
        ((ObjectNode) root.path("certificate")).put("ended", "2026-12-03T21:10:00Z");
        CertificateVerifier.Verification v = CertificateVerifier.verify(JSON.writeValueAsBytes(root), Optional.of(KEY.publicKey()), store);
        assertThat(v.ok()).isFalse();
        assertThat(v.problems()).contains(SIGNATURE, "sanitization.level: certificate says Purge, record says Clear",
                "ended: certificate says 2026-12-03T21:10:00Z, record says 2026-12-03T21:19:47Z");
    }

    @Test
    void aCertificateSignedAgainWithAnotherKeyIsNotThisStations() throws Exception {
        StationKey other = StationKey.generate();
        ObjectNode body = (ObjectNode) JSON.readTree(issued.json()).get("certificate");
        byte[] sameContents = SignedJson.sign(body.deepCopy(), other);
        CertificateVerifier.Verification v = CertificateVerifier.verify(sameContents, Optional.of(KEY.publicKey()), null);
        assertThat(v.passed()).anyMatch(p -> p.startsWith("the Ed25519 signature matches")); // its own signature is sound
        assertThat(v.problems()).containsExactly("signed by key " + other.keyId() + ", not this station's key " + KEY.keyId());

        ((ObjectNode) body.path("phone")).put("imei", "356969079999999");
        byte[] forged = SignedJson.sign(body, other);
        CertificateVerifier.Verification f = CertificateVerifier.verify(forged, Optional.of(KEY.publicKey()), store);
        assertThat(f.ok()).isFalse();
        assertThat(f.problems()).contains("signed by key " + other.keyId() + ", not this station's key " + KEY.keyId(),
                "phone.imei: certificate says 356969079999999, record says 356969071234567",
                "job " + job.jobId + "'s certificate was issued with key " + KEY.keyId() + ", this one is signed by " + other.keyId());
    }

    @Test
    void aPdfChangedOutsideItsEmbeddedJsonIsNotTheOneIssued() {
        byte[] pdf = issued.pdf().clone();
        // the binary comment after the header (%PDF-1.x, then % and four bytes >127): a reader ignores it, the bytes differ
        int comment = new String(pdf, 0, 32, StandardCharsets.ISO_8859_1).indexOf("\n%") + 2;
        assertThat(pdf[comment] & 0xff).isGreaterThan(127);
        pdf[comment] ^= 0x01;
        String sha = Hashes.sha256Hex(pdf);

        CertificateVerifier.Verification v = CertificateVerifier.verify(pdf, Optional.of(KEY.publicKey()), store);
        assertThat(v.passed()).anyMatch(p -> p.startsWith("the Ed25519 signature matches")); // the embedded JSON is intact
        assertThat(v.problems()).containsExactly("this PDF's SHA-256 " + sha + " is not the one issued for job " + job.jobId + " ("
                + issued.row().pdfSha256() + ")");
    }

    @Test
    void garbageIsNamedNotACertificate() throws Exception {
        assertThat(CertificateVerifier.verify("hello, I am a certificate".getBytes(StandardCharsets.UTF_8), Optional.empty(), store).problems())
                .singleElement().asString().startsWith("not a lumia-agent certificate: the file is not JSON (");
        assertThat(CertificateVerifier.verify("{\"imei\": 1}".getBytes(StandardCharsets.UTF_8), Optional.empty(), null).problems())
                .containsExactly("not a lumia-agent certificate: the JSON has no \"certificate\" with a jobId and \"signature\" (is it a "
                        + "certificate of another tool?)");
        assertThat(CertificateVerifier.verify("%PDF-1.7\ngarbage".getBytes(StandardCharsets.ISO_8859_1), Optional.empty(), null).problems())
                .singleElement().asString().startsWith("not a lumia-agent certificate: the PDF cannot be read (");
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
        try (PDDocument doc = new PDDocument()) {
            doc.addPage(new PDPage());
            doc.save(plain);
        }
        CertificateVerifier.Verification v = CertificateVerifier.verify(plain.toByteArray(), Optional.empty(), null);
        assertThat(v.ok()).isFalse();
        assertThat(v.jobId()).isNull();
        assertThat(v.problems()).containsExactly("not a lumia-agent certificate: the PDF has no embedded certificate.json");
    }

    @Test
    void aTamperedAuditChainIsNamed() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("records.db")); Statement s = c.createStatement()) {
            s.execute("UPDATE audit SET detail = 'nothing happened' WHERE seq = 1");
        }
        CertificateVerifier.Verification v = CertificateVerifier.verify(issued.pdf(), Optional.of(KEY.publicKey()), store);
        assertThat(v.ok()).isFalse();
        assertThat(v.problems()).singleElement().asString().startsWith("the audit chain is broken at entry #1: ");
    }

    @Test
    void aRecordChangedAfterIssueIsNamedFieldByField() {
        job.imei = "356969070000000";
        job.evidence.removeIf(e -> e.name().equals("same-phone"));
        store.save(job);
        CertificateVerifier.Verification v = CertificateVerifier.verify(issued.json(), Optional.of(KEY.publicKey()), store);
        assertThat(v.problems()).contains("phone.imei: certificate says 356969071234567, record says 356969070000000");
        assertThat(v.problems()).anyMatch(p -> p.startsWith("verification: certificate says "));
    }

    @Test
    void wordingOfAnotherVersionIsNotADifferenceButTheFactsUnderItAre() throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(issued.json()).get("certificate");
        ((ObjectNode) body.path("sanitization")).put("method", "Clear: overwritten with the stock FFU");
        ((ObjectNode) body.path("verification").get(0)).put("means", "the FFU was checked");
        byte[] reworded = SignedJson.sign(body.deepCopy(), KEY);
        store.saveCertificate(new dev.lumiaagent.record.StoredCertificate(job.jobId, dev.lumiaagent.record.StoredCertificate.Status.ISSUED,
                null, "2026-12-03T21:20:05Z", "bench-a", KEY.keyId(), Hashes.sha256Hex(reworded), null, reworded, null));
        assertThat(CertificateVerifier.verify(reworded, Optional.of(KEY.publicKey()), store).problems()).isEmpty();

        ((ObjectNode) body.path("verification").get(0)).put("result", "passed?");
        byte[] changedFact = SignedJson.sign(body, KEY);
        assertThat(CertificateVerifier.verify(changedFact, Optional.of(KEY.publicKey()), store).problems())
                .anyMatch(p -> p.startsWith("verification: certificate says ") && p.contains("passed?"));
    }

    @Test
    void aRefusedOrUnknownJobIsNamed() {
        store.saveCertificate(dev.lumiaagent.record.StoredCertificate.refused(job.jobId, "2026-12-03T21:30:00Z", "bench-a", "withdrawn"));
        assertThat(CertificateVerifier.verify(issued.json(), Optional.empty(), store).problems())
                .containsExactly("the record store says no certificate was issued for job " + job.jobId + " (withdrawn)");

        RecordStore empty = RecordStores.open("jdbc:sqlite:" + dir.resolve("other.db"));
        try {
            assertThat(CertificateVerifier.verify(issued.json(), Optional.empty(), empty).problems())
                    .contains("job " + job.jobId + " is not in the record store (" + empty.describe() + ")");
        } finally {
            empty.close();
        }
    }
}
