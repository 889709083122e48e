package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobIdentity;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobState;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.testing.ServedBench;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.testing.WatchedWriter;
import dev.lumiaagent.testing.WebClient;
import dev.lumiaagent.transport.PortPath;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `serve` on a served simulated bench: a station started and stopped over the API (with and without consent), a job resumed. */
class ServeControlsTest {
    private static final String TOKEN = "serve-test-token-42";
    private static final Pattern URL = Pattern.compile("dashboard: (http://127\\.0\\.0\\.1:\\d+)/");

    @TempDir
    Path dir;

    @RegisterExtension
    final ServedBench served = new ServedBench();
    private final SimBus bus = served.bus();

    @Test
    @Timeout(180)
    void startStopAndResumeOverTheApi() throws Exception {
        WatchedWriter shown = new WatchedWriter();
        AtomicReference<CliRunner.Result> result = new AtomicReference<>();
        Path jobs = dir.resolve("jobs");
        Thread serve = new Thread(() -> result.set(CliRunner.run(shown, "serve", "--bus", served.uri(), "--store",
                "jdbc:sqlite:" + dir.resolve("r.db"), "--jobs-dir", jobs.toString(), "--web", "127.0.0.1:0", "--web-token", TOKEN)));
        serve.start();
        shown.awaitText("dashboard: http://", Duration.ofSeconds(60));
        Matcher m = URL.matcher(shown.toString());
        assertThat(m.find()).isTrue();
        WebClient web = new WebClient(m.group(1), TOKEN);

        assertThat(WebClient.json(web.get("/api/v1/station")).path("running").asBoolean()).isFalse();
        // an erasing job without consent: refused, nothing started
        HttpResponse<String> noConsent = web.postJson("/api/v1/station/start",
                "{\"command\":\"hard-reset\",\"params\":{\"method\":[\"settings\"]}}");
        assertThat(noConsent.statusCode()).as(noConsent.body()).isEqualTo(422);
        assertThat(WebClient.json(web.get("/api/v1/station")).path("running").asBoolean()).isFalse();

        HttpResponse<String> started = web.postJson("/api/v1/station/start", "{\"command\":\"info\",\"params\":{}}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        try (WebClient.Sse sse = web.sse("/api/v1/events", null)) {
            sse.await(e -> e.name().equals("snapshot") && e.json().path("title").asText().equals("station info"), Duration.ofSeconds(60));
            assertThat(bus.awaitWatchers(1, Duration.ofSeconds(60))).isTrue();
            bus.attach(PortPath.parse("1-1"), TestPhones.normal("RM-914", "356938035642011"));
            sse.await(e -> e.name().equals("bench-event") && e.json().path("kind").asText().equals("FINISHED")
                    && e.json().path("text").asText().startsWith("DONE"), Duration.ofSeconds(90));
        }
        JsonNode station = WebClient.json(web.get("/api/v1/station"));
        assertThat(station.path("running").asBoolean()).isTrue();
        assertThat(station.path("command").asText()).isEqualTo("info");
        assertThat(web.postJson("/api/v1/station/start", "{\"command\":\"info\"}").statusCode()).isEqualTo(409);
        HttpResponse<String> stopped = web.postJson("/api/v1/station/stop", "{}");
        assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
        assertThat(WebClient.json(stopped).path("running").asBoolean()).isFalse();
        shown.awaitText("Station info: 1 phone", Duration.ofSeconds(60));
        assertThat(WebClient.json(web.get("/api/v1/jobs?q=356938035642011")).get(0).path("outcome").asText()).isEqualTo("DONE");

        // an interrupted job (left RUNNING in its file) resumed from the API on its phone
        bus.attach(PortPath.parse("1-3"), TestPhones.normal("RM-1045", "356938035642013"));
        JobJournal journal = new JobJournal(jobs);
        Job job = new Job();
        job.id = JobJournal.newId(Instant.now());
        job.command = "info";
        job.port = "1-3";
        job.identity = new JobIdentity("356938035642013", null, null);
        job.state = JobState.RUNNING;
        job.created = Instant.now().toString();
        job.updated = job.created;
        journal.save(job);
        Job erasing = new Job();
        erasing.id = JobJournal.newId(Instant.now().minusSeconds(60));
        erasing.command = "hard-reset";
        erasing.params = new java.util.LinkedHashMap<>(Map.of("method", List.of("settings")));
        erasing.port = "1-4";
        erasing.state = JobState.RUNNING;
        journal.save(erasing);
        assertThat(web.postJson("/api/v1/jobs/" + erasing.id + "/resume", "{}").statusCode()).isEqualTo(422);

        HttpResponse<String> resumed = web.postJson("/api/v1/jobs/" + job.id + "/resume", "{}");
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(202);
        shown.awaitText("<1-3> DONE", Duration.ofSeconds(90));
        shown.awaitText("Resume: ", Duration.ofSeconds(60));
        assertThat(journal.load(job.id).orElseThrow().state).isEqualTo(JobState.DONE);

        serve.interrupt(); // as Ctrl-C
        serve.join(60_000);
        assertThat(serve.isAlive()).isFalse();
        assertThat(result.get().exitCode()).as(result.get().out() + result.get().err()).isEqualTo(ExitCode.INTERRUPTED.code());
    }
}
