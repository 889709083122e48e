package dev.lumiaagent.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.testing.WebClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's security, with real HTTP requests to a running server on loopback. */
@Timeout(60)
class WebSecurityTest {
    private static final String TOKEN = "s3cret-token-for-tests";
    private static final String JOB = "20261203-164920-123-a1b2c3";

    @TempDir
    Path dir;

    private WebServer server;
    /** What the controls were asked to do (a recording Controls: the server's side of the contract, not a mock of it). */
    private final List<String> asked = new ArrayList<>();

    private final Controls controls = new Controls() {
        @Override
        public StationState station() {
            return StationState.idle("test bus");
        }

        @Override
        public StationState start(JobSpec spec, String consent) {
            asked.add("start " + spec.command() + " consent=" + consent);
            return new StationState(true, spec.command(), spec.params(), consent, "now", "test bus", true);
        }

        @Override
        public StationState stop() {
            asked.add("stop");
            return StationState.idle("test bus");
        }

        @Override
        public String resume(String jobId, String consent) {
            asked.add("resume " + jobId);
            return "resuming " + jobId;
        }
    };

    private WebClient start(String token) {
        server = new WebServer(WebSettings.parse("127.0.0.1:0", token, "test"), null, null, new JobJournal(dir.resolve("jobs")),
                controls).start();
        return new WebClient("http://127.0.0.1:" + server.port(), null);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aNonLoopbackAddressNeedsAToken() {
        assertThatThrownBy(() -> new WebServer(WebSettings.parse("0.0.0.0:0", null, "test"), null, null,
                new JobJournal(dir), controls)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--web-token");
        WebSettings generated = WebSettings.parse("0.0.0.0:8765", "generate", "test");
        generated.check();
        assertThat(generated.token()).hasSizeGreaterThan(30);
        assertThat(WebSettings.parse(null, null, "x").port()).isEqualTo(8765);
        assertThat(WebSettings.parse(null, null, "x").host()).isEqualTo("127.0.0.1");
    }

    @Test
    void withATokenEveryApiRequestNeedsIt() {
        WebClient anon = start(TOKEN);
        HttpResponse<String> r = anon.get("/api/v1/bench");
        assertThat(r.statusCode()).isEqualTo(401);
        JsonNode e = WebClient.json(r);
        assertThat(e.path("error").asText()).isNotBlank();
        assertThat(e.path("nextStep").asText()).contains("Authorization: Bearer");
        assertThat(anon.withToken("wrong").get("/api/v1/jobs").statusCode()).isEqualTo(401);
        assertThat(anon.withToken(TOKEN).get("/api/v1/bench").statusCode()).isEqualTo(200);
        assertThat(anon.withToken(TOKEN).get("/api/v1/station").body()).contains("\"controls\":true");
    }

    @Test
    void failedAuthIsRateLimitedPerClient() {
        WebClient wrong = start(TOKEN).withToken("wrong");
        for (int i = 0; i < Guard.FAILURES; i++) {
            assertThat(wrong.get("/api/v1/bench").statusCode()).isEqualTo(401);
        }
        HttpResponse<String> r = wrong.get("/api/v1/bench");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        // even the right token waits: the address is refused until its bucket refills
        assertThat(wrong.withToken(TOKEN).get("/api/v1/bench").statusCode()).isEqualTo(429);
    }

    @Test
    void onLoopbackWithoutATokenReadsWorkAndControlsAreRefused() {
        WebClient web = start(null);
        assertThat(web.get("/api/v1/bench").statusCode()).isEqualTo(200);
        HttpResponse<String> r = web.postJson("/api/v1/station/start", "{\"command\":\"info\"}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(WebClient.json(r).path("nextStep").asText()).contains("--web-token");
        assertThat(web.postJson("/api/v1/station/stop", "{}").statusCode()).isEqualTo(403);
        assertThat(web.postJson("/api/v1/jobs/" + JOB + "/resume", "{}").statusCode()).isEqualTo(403);
        assertThat(asked).isEmpty();
    }

    @Test
    void aForeignHostNameIsRefusedOnLoopback() throws Exception {
        WebClient web = start(null);
        // what a page whose name was re-pointed at 127.0.0.1 (DNS rebinding) sends
        // (java.net.http will not send another Host: the request is written by hand)
        assertThat(web.get("/api/v1/jobs").statusCode()).isEqualTo(200);
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET /api/v1/jobs HTTP/1.1\r\nHost: evil.example:8765\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 421").contains("\"nextStep\"");
        }
    }

    @Test
    void aControlNeedsAJsonContentType() {
        WebClient web = start(TOKEN).withToken(TOKEN);
        HttpResponse<String> form = web.send(web.request("/api/v1/station/start").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("command=info")).build());
        assertThat(form.statusCode()).isEqualTo(415);
        HttpResponse<String> plain = web.send(web.request("/api/v1/station/stop").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(plain.statusCode()).isEqualTo(415);
        assertThat(asked).isEmpty();
    }

    @Test
    void anErasingJobNeedsConsentAndAnInfoJobDoesNot() {
        WebClient web = start(TOKEN).withToken(TOKEN);
        String reflash = "{\"command\":\"reflash\",\"params\":{\"firmwareDir\":[\"" + dir.toString().replace("\\", "/") + "\"]}";
        HttpResponse<String> refused = web.postJson("/api/v1/station/start", reflash + "}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(WebClient.json(refused).path("nextStep").asText()).contains("\"consent\": true");
        assertThat(asked).isEmpty();
        HttpResponse<String> ok = web.postJson("/api/v1/station/start", reflash + ",\"consent\":true}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
        assertThat(asked).singleElement().asString().startsWith("start reflash consent=web API: consent:true");
        assertThat(web.postJson("/api/v1/station/start", "{\"command\":\"info\"}").statusCode()).isEqualTo(202);
        assertThat(web.postJson("/api/v1/station/start", "{\"command\":\"rm -rf\"}").statusCode()).isEqualTo(422);
        assertThat(web.postJson("/api/v1/station/start", "not json").statusCode()).isEqualTo(400);
        assertThat(web.postJson("/api/v1/station/stop", "{}").statusCode()).isEqualTo(200);
        assertThat(asked).contains("stop");
    }

    @Test
    void traversalNeverReachesAFile() throws Exception {
        Files.createDirectories(dir.resolve("jobs"));
        Files.writeString(dir.resolve("secret.log"), "SECRET", StandardCharsets.UTF_8);
        WebClient web = start(null);
        for (String path : List.of("/api/v1/jobs/..%2F..%2Fetc%2Fpasswd/log", "/api/v1/jobs/..%2Fsecret/log", "/api/v1/jobs/%2e%2e/log",
                "/api/v1/jobs/..%5Csecret/trace", "/api/v1/jobs/" + JOB + "%2F..%2F..%2Fsecret/log", "/api/v1/jobs/../../secret.log",
                "/api/v1/jobs/" + JOB + "/log", "/api/v1/jobs/%00/diag", "/web/../../secret.log")) {
            HttpResponse<String> r = web.send(java.net.http.HttpRequest.newBuilder(URI.create(baseOf(web) + path)).GET().build());
            assertThat(r.statusCode()).as(path + ": " + r.body()).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("SECRET").doesNotContain("root:").doesNotContain("at dev.lumiaagent");
        }
    }

    private String baseOf(WebClient web) {
        return "http://127.0.0.1:" + server.port();
    }

    @Test
    void errorsAreJsonWithoutStackTraces() {
        WebClient web = start(null);
        HttpResponse<String> r = web.get("/api/v1/nothing-here");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(WebClient.json(r).path("error").asText()).isNotBlank();
        HttpResponse<String> bad = web.get("/api/v1/jobs?limit=-3");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(WebClient.json(bad).path("nextStep").asText()).isNotBlank();
        assertThat(web.get("/api/v1/report?since=yesterday-ish").statusCode()).isEqualTo(400);
        assertThat(web.get("/api/v1/jobs/" + JOB).statusCode()).isEqualTo(404);
    }
}
