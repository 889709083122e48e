package dev.lumiaagent.certificate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.record.StoredCertificate;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchSummaryTest {
    @TempDir
    Path dir;

    @Test
    void countsEachPhoneAndNamesEachCertificatesSha256() throws Exception {
        StationKey key = StationKey.generate();
        try (RecordStore store = RecordStores.open("jdbc:sqlite:" + dir.resolve("records.db"))) {
            JobRecord reflashed = Jobs.job("j-1", Jobs.Method.REFLASH);
            JobRecord wiped = Jobs.job("j-2", Jobs.Method.USB_WIPE);
            wiped.imei = "356969079876543";
            JobRecord noConsent = Jobs.job("j-3", Jobs.Method.SETTINGS);
            noConsent.gates.removeIf(g -> g.gate().equals("CONSENT"));
            JobRecord failed = Jobs.job("j-4", Jobs.Method.EMERGENCY);
            failed.outcome = "PHONE_DID_NOT_RETURN";
            List<JobRecord> jobs = List.of(reflashed, wiped, noConsent, failed);
            for (JobRecord j : jobs) {
                Jobs.issue(store, j, key);
            }
            List<StoredCertificate> rows = store.certificates(null);

            Decision.Issued summary = BatchSummary.of("run-20261203-2101", jobs, rows, key, Jobs.TOOL, Jobs.ISSUED);

            JsonNode body = new ObjectMapper().readTree(summary.json()).get("certificate");
            assertThat(body.path("jobId").asText()).isEqualTo("batch-run-20261203-2101");
            assertThat(body.path("counts").toString()).isEqualTo("{\"failed\":1,\"issued\":2,\"phones\":4,\"refused\":1}"); // keys sorted, as signed
            assertThat(summary.headline()).isEqualTo("batch summary of run run-20261203-2101: 2 issued, 1 refused, 1 failed");
            assertThat(summary.row().jobId()).isEqualTo("batch-run-20261203-2101");

            String text = Poppler.text(summary.pdf(), dir);
            assertThat(text.lines().filter(l -> !l.isBlank()).findFirst().orElseThrow().strip())
                    .isEqualTo("BATCH SUMMARY: 2 ISSUED, 1 REFUSED, 1 FAILED");
            for (String v : List.of("j-1", "j-2", "j-3", "j-4", "356969071234567", "356969079876543",
                    "refused: no certificate: consent to erase was not recorded", "none (job failed)",
                    "Verify: lumia-agent certificate verify batch-run-20261203-2101.pdf", key.keyId())) {
                CertificatesTest.assertShows(text, v);
            }
            for (StoredCertificate r : rows) {
                if (r.isIssued()) {
                    CertificatesTest.assertShows(text, r.jsonSha256());
                    CertificatesTest.assertShows(text, r.pdfSha256());
                }
            }

            CertificateVerifier.Verification v = CertificateVerifier.verify(summary.pdf(), Optional.of(key.publicKey()), store);
            assertThat(v.problems()).isEmpty();
            assertThat(v.passed()).contains("every certificate the summary lists is the one the record store issued");
        }
    }
}
