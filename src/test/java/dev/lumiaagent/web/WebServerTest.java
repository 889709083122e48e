package dev.lumiaagent.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.testing.SteppedClock;
import dev.lumiaagent.testing.WebClient;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.view.BenchView;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The page, the bench and its event stream, served on loopback and read with real HTTP requests. */
@Timeout(60)
class WebServerTest {
    @TempDir
    Path dir;

    private WebServer server;
    private final BenchView view = new BenchView(new SteppedClock(), "station info");

    private WebClient start(BenchView bench) {
        server = new WebServer(WebSettings.parse("127.0.0.1:0", null, "test"), bench, null, new JobJournal(dir.resolve("jobs")),
                Controls.NONE).start();
        return new WebClient("http://127.0.0.1:" + server.port(), null);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void servesThePageWithSecurityHeaders() {
        WebClient web = start(view);
        HttpResponse<String> r = web.get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void benchIsTheViewsSnapshot() {
        view.stepStarted(PortPath.parse("1-2"), "ReadInfo", "read the phone", Duration.ofSeconds(30));
        view.note("bench started");
        WebClient web = start(view);
        HttpResponse<String> r = web.get("/api/v1/bench");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode s = WebClient.json(r);
        assertThat(s.path("title").asText()).isEqualTo("station info");
        assertThat(s.path("ports").get(0).path("port").asText()).isEqualTo("1-2");
        assertThat(s.path("ports").get(0).path("step").asText()).isEqualTo("ReadInfo");
        assertThat(s.path("ports").get(0).path("stateWords").asText()).isEqualTo("running");
        assertThat(s.path("events").get(0).path("text").asText()).isEqualTo("bench started");
        assertThat(s.path("totals").path("running").asInt()).isEqualTo(1);
    }

    @Test
    void withoutABenchTheSnapshotIsEmpty() {
        WebClient web = start(null);
        JsonNode s = WebClient.json(web.get("/api/v1/bench"));
        assertThat(s.path("title").asText()).isEqualTo("no station running");
        assertThat(s.path("ports")).isEmpty();
    }

    @Test
    void eventsStreamASnapshotThenEachBenchEvent() throws Exception {
        view.note("before");
        WebClient web = start(view);
        try (WebClient.Sse sse = web.sse("/api/v1/events", null)) {
            WebClient.Event first = sse.next(Duration.ofSeconds(20));
            assertThat(first.name()).isEqualTo("snapshot");
            assertThat(first.json().path("events").get(0).path("text").asText()).isEqualTo("before");
            view.note("after");
            WebClient.Event e = sse.await(x -> x.name().equals("bench-event"), Duration.ofSeconds(20));
            assertThat(e.json().path("text").asText()).isEqualTo("after");
            assertThat(e.id()).isEqualTo(e.json().path("seq").asText());
            WebClient.Event snap = sse.await(x -> x.name().equals("snapshot"), Duration.ofSeconds(20));
            assertThat(snap.json().path("events")).hasSize(2);
        }
    }

    @Test
    void eventsNeedTheEventStreamAcceptHeader() {
        WebClient web = start(view);
        HttpResponse<String> r = web.get("/api/v1/events");
        assertThat(r.statusCode()).isEqualTo(406);
        assertThat(WebClient.json(r).path("nextStep").asText()).contains("text/event-stream");
    }

    @Test
    void lastEventIdReplaysTheEventsMissed() throws Exception {
        view.note("one");
        view.note("two");
        view.note("three");
        WebClient web = start(view);
        long first = view.eventsAfter(0).get(0).seq();
        try (WebClient.Sse sse = web.sse("/api/v1/events", first)) {
            assertThat(sse.next(Duration.ofSeconds(20)).name()).isEqualTo("snapshot");
            assertThat(sse.next(Duration.ofSeconds(20)).json().path("text").asText()).isEqualTo("two");
            assertThat(sse.next(Duration.ofSeconds(20)).json().path("text").asText()).isEqualTo("three");
        }
    }

    @Test
    void aStationStartedLaterIsStreamedWhole() throws Exception {
        WebClient web = start(null);
        try (WebClient.Sse sse = web.sse("/api/v1/events", null)) {
            assertThat(sse.next(Duration.ofSeconds(20)).json().path("title").asText()).isEqualTo("no station running");
            server.showBench(view);
            WebClient.Event s = sse.await(x -> x.name().equals("snapshot"), Duration.ofSeconds(20));
            assertThat(s.json().path("title").asText()).isEqualTo("station info");
        }
    }
}
