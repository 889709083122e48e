package dev.lumiaagent.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.record.StoredCertificate;
import dev.lumiaagent.testing.SteppedClock;
import dev.lumiaagent.testing.WebClient;
import dev.lumiaagent.view.BenchView;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's certificate links: a job's detail says whether it has one (or why not), and its PDF and JSON are served as stored. */
@Timeout(60)
class CertificateApiTest {
    private static final String ISSUED = "20261203-101500-000-a1b2c3";
    private static final String REFUSED = "20261203-102000-000-d4e5f6";

    @TempDir
    Path dir;

    private WebServer server;
    private RecordStore store;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private static JobRecord job(String id) {
        JobRecord j = new JobRecord();
        j.jobId = id;
        j.command = "reflash";
        j.port = "1-2";
        j.station = "bench-a";
        j.operator = "Kim Lee";
        j.started = "2026-12-03T10:15:00Z";
        j.outcome = JobRecord.DONE;
        return j;
    }

    @Test
    void aJobsCertificateIsLinkedAndServedAsStoredAndARefusalSaysWhy() {
        store = RecordStores.open("jdbc:sqlite:" + dir.resolve("records.db"));
        store.save(job(ISSUED));
        store.save(job(REFUSED));
        byte[] pdf = "%PDF-1.7 a stored certificate".getBytes(StandardCharsets.US_ASCII);
        byte[] json = "{\"certificate\":{\"jobId\":\"x\"}}".getBytes(StandardCharsets.UTF_8);
        store.saveCertificate(new StoredCertificate(ISSUED, StoredCertificate.Status.ISSUED, null, "2026-12-03T10:20:00Z", "bench-a", "k",
                "aa".repeat(32), "bb".repeat(32), json, pdf));
        store.saveCertificate(StoredCertificate.refused(REFUSED, "2026-12-03T10:25:00Z", "bench-a", "no certificate: no site named"));
        server = new WebServer(WebSettings.parse("127.0.0.1:0", null, "test"), new BenchView(new SteppedClock(), "station"), store,
                new JobJournal(dir.resolve("jobs")), Controls.NONE).start();
        WebClient web = new WebClient("http://127.0.0.1:" + server.port(), null);

        JsonNode detail = WebClient.json(web.get("/api/v1/jobs/" + ISSUED));
        assertThat(detail.at("/certificate/status").asText()).isEqualTo("ISSUED");
        assertThat(detail.at("/certificate/jsonSha256").asText()).isEqualTo("aa".repeat(32));
        HttpResponse<byte[]> p = web.getBytes("/api/v1/jobs/" + ISSUED + "/certificate");
        assertThat(p.statusCode()).isEqualTo(200);
        assertThat(p.headers().firstValue("Content-Type").orElse("")).startsWith("application/pdf");
        assertThat(p.body()).isEqualTo(pdf);
        HttpResponse<byte[]> j = web.getBytes("/api/v1/jobs/" + ISSUED + "/certificate?format=json");
        assertThat(j.body()).isEqualTo(json);

        assertThat(WebClient.json(web.get("/api/v1/jobs/" + REFUSED)).at("/certificate/reason").asText()).contains("no site named");
        HttpResponse<String> none = web.get("/api/v1/jobs/" + REFUSED + "/certificate");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(WebClient.json(none).at("/error").asText()).contains("no site named");
        assertThat(web.get("/api/v1/jobs/" + ISSUED + "/certificate?format=xml").statusCode()).isEqualTo(400);

        // the job's diagnostics bundle (the same entries as `lumia-agent diag`) carries the certificate, or why none
        assertThat(entry(web.getBytes("/api/v1/jobs/" + ISSUED + "/diag"), "certificate.json")).isEqualTo(json);
        byte[] refused = entry(web.getBytes("/api/v1/jobs/" + REFUSED + "/diag"), "certificate-refused.txt");
        assertThat(new String(refused, StandardCharsets.UTF_8)).contains("no erasure certificate was issued", "no site named");
    }

    /** One entry of a zip served whole ({@code null} when it has none). */
    private static byte[] entry(HttpResponse<byte[]> zip, String name) {
        assertThat(zip.statusCode()).isEqualTo(200);
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip.body()))) {
            for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().equals(name)) {
                    return in.readAllBytes();
                }
            }
            return null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
