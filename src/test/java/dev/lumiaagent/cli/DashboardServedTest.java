package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.testing.ServedBench;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.testing.WatchedWriter;
import dev.lumiaagent.testing.WebClient;
import dev.lumiaagent.transport.PortPath;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard end to end: `station info --web` on a served simulated bench, read over real HTTP — the bench and its
 * event stream show the phones progressing and ending DONE; the history finds them by IMEI; each job's record, log,
 * trace and diagnostics bundle; stopped from the API. Then `serve`: a station started and stopped from the API.
 */
class DashboardServedTest {
    private static final String TOKEN = "test-token-0123456789";
    private static final Pattern URL = Pattern.compile("dashboard: (http://127\\.0\\.0\\.1:\\d+)/");

    @TempDir
    Path dir;

    @RegisterExtension
    final ServedBench served = new ServedBench();
    private final SimBus bus = served.bus();

    private static String url(WatchedWriter shown) throws InterruptedException {
        shown.awaitText("dashboard: http://", Duration.ofSeconds(60));
        Matcher m = URL.matcher(shown.toString());
        assertThat(m.find()).as(shown.toString()).isTrue();
        return m.group(1);
    }

    @Test
    @Timeout(180)
    void aServedStationShowsPhonesProgressingToDoneAndTheirHistory() throws Exception {
        WatchedWriter shown = new WatchedWriter();
        CompletableFuture<CliRunner.Result> station = CompletableFuture.supplyAsync(() -> CliRunner.run(shown, "station", "info",
                "--bus", served.uri(), "--store", "jdbc:sqlite:" + dir.resolve("r.db"), "--jobs-dir", dir.resolve("jobs").toString(),
                "--web", "127.0.0.1:0", "--web-token", TOKEN));
        WebClient web = new WebClient(url(shown), TOKEN);
        List<WebClient.Event> seen = new ArrayList<>();
        try (WebClient.Sse sse = web.sse("/api/v1/events", null)) {
            WebClient.Event first = sse.next(Duration.ofSeconds(30));
            assertThat(first.name()).isEqualTo("snapshot");
            assertThat(first.json().path("title").asText()).isEqualTo("station info");
            bus.attach(PortPath.parse("1-1"), TestPhones.normal("RM-914", "356938035642001"));
            bus.attach(PortPath.parse("1-2"), TestPhones.normal("RM-1045", "356938035642002"));
            // the stream shows both jobs start and end DONE, in snapshots and bench events
            java.util.Set<String> startedOn = new java.util.HashSet<>();
            while (startedOn.size() < 2) { // in whichever order the workers start them
                WebClient.Event e = sse.await(x -> x.name().equals("bench-event") && x.json().path("kind").asText().equals("STARTED"),
                        Duration.ofSeconds(60));
                seen.add(e);
                startedOn.add(e.json().path("port").asText());
            }
            assertThat(startedOn).containsExactlyInAnyOrder("1-1", "1-2");
            sse.await(e -> e.name().equals("snapshot") && e.json().path("ports").size() == 2
                    && e.json().path("totals").path("succeeded").asInt() == 2, Duration.ofSeconds(90));
        }
        JsonNode bench = WebClient.json(web.get("/api/v1/bench"));
        assertThat(bench.path("ports")).hasSize(2);
        for (JsonNode p : bench.path("ports")) {
            assertThat(p.path("state").asText()).isEqualTo("DONE");
            assertThat(p.path("jobId").asText()).isNotEmpty();
        }
        assertThat(bench.path("ports").get(0).path("imei").asText()).isEqualTo("356938035642001");

        // history: by IMEI, then the job's record, log, trace and diagnostics
        HttpResponse<String> found = web.get("/api/v1/jobs?q=356938035642002");
        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        JsonNode rows = WebClient.json(found);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).path("imei").asText()).isEqualTo("356938035642002");
        assertThat(rows.get(0).path("outcome").asText()).isEqualTo("DONE");
        String id = rows.get(0).path("jobId").asText();
        assertThat(WebClient.json(web.get("/api/v1/jobs?q=" + id.substring(0, 12))).size()).isGreaterThanOrEqualTo(1);
        assertThat(WebClient.json(web.get("/api/v1/jobs?limit=1"))).hasSize(1);

        JsonNode detail = WebClient.json(web.get("/api/v1/jobs/" + id));
        assertThat(detail.path("record").path("outcome").asText()).isEqualTo("DONE");
        assertThat(detail.path("record").path("steps")).isNotEmpty();
        assertThat(detail.path("job").path("state").asText()).isEqualTo("DONE");

        HttpResponse<String> log = web.get("/api/v1/jobs/" + id + "/log");
        assertThat(log.statusCode()).isEqualTo(200);
        assertThat(log.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(log.body()).isNotBlank();
        HttpResponse<String> trace = web.get("/api/v1/jobs/" + id + "/trace");
        assertThat(trace.statusCode()).isEqualTo(200);
        assertThat(trace.body()).isNotBlank();

        HttpResponse<byte[]> whole = web.getBytes("/api/v1/jobs/" + id + "/diag");
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Type")).hasValue("application/zip");
        assertThat(zipText(whole.body())).contains("356938035642002");
        HttpResponse<byte[]> redacted = web.getBytes("/api/v1/jobs/" + id + "/diag?redact=true");
        String text = zipText(redacted.body());
        assertThat(text).contains("job.json").doesNotContain("356938035642002");

        HttpResponse<String> report = web.get("/api/v1/report?since=24h&format=csv");
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body()).startsWith("jobId,").contains("356938035642001", "356938035642002");
        assertThat(WebClient.json(web.get("/api/v1/report")).path("summary").path("totals").path("succeeded").asInt()).isEqualTo(2);

        JsonNode state = WebClient.json(web.get("/api/v1/station"));
        assertThat(state.path("running").asBoolean()).isTrue();
        assertThat(state.path("command").asText()).isEqualTo("info");

        HttpResponse<String> stop = web.postJson("/api/v1/station/stop", "{}");
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
        CliRunner.Result r = station.get(90, TimeUnit.SECONDS);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("<1-1> DONE", "<1-2> DONE", "Succeeded 2");
    }

    /** Every entry's name and text, to look for identities in. */
    static String zipText(byte[] zip) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                b.append("== ").append(e.getName()).append('\n').append(new String(z.readAllBytes(), StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return b.toString();
    }
}
