package dev.lumiaagent.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.testing.SteppedClock;
import dev.lumiaagent.testing.WebClient;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.view.BenchView;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet over real HTTP: two station dashboards (one with a token) fed bench events directly, one address nobody
 * listens on, and a fleet dashboard polling them; read through {@code GET /api/v1/fleet}.
 */
@Timeout(90)
class FleetPollerTest {
    private static final String TOKEN = "bench-3-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final BenchView bench2 = new BenchView(new SteppedClock(), "station reflash");
    private final BenchView bench3 = new BenchView(new SteppedClock(), "station hard-reset");

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private WebServer station(BenchView view, String token) {
        WebServer s = new WebServer(WebSettings.parse("127.0.0.1:0", token, "test"), view, null,
                new JobJournal(dir.resolve("jobs-" + open.size())), Controls.NONE).start();
        open.add(s);
        return s;
    }

    private FleetPoller poller;

    private WebClient fleet(String token, FleetFile.Station... stations) {
        poller = new FleetPoller(List.of(stations), Duration.ofMillis(200), Duration.ofSeconds(3));
        WebServer s = new WebServer(WebSettings.parse("127.0.0.1:0", token, "test"), null, null, new JobJournal(dir.resolve("jobs-fleet")),
                Controls.NONE).fleet(poller).start();
        open.add(s);
        return new WebClient("http://127.0.0.1:" + s.port(), token);
    }

    private static FleetFile.Station at(String name, WebServer s, String token) {
        return new FleetFile.Station(name, URI.create("http://127.0.0.1:" + s.port() + "/"), token);
    }

    /** A port nobody listens on (taken from the system, then let go). */
    private static int deadPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** GET /api/v1/fleet until {@code ok} holds for it, waiting on the poller's rounds (not on a clock), within WAIT. */
    private JsonNode await(WebClient web, Predicate<JsonNode> ok) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < end) {
            long seen = poller.updates();
            last = WebClient.json(web.get("/api/v1/fleet"));
            if (ok.test(last)) {
                return last;
            }
            poller.awaitUpdate(seen, Duration.ofMillis(Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
        throw new AssertionError("the fleet never got there: " + last);
    }

    private static JsonNode station(JsonNode fleet, String name) {
        for (JsonNode s : fleet.path("stations")) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no station " + name + " in " + fleet);
    }

    private static boolean state(JsonNode fleet, String name, String state) {
        return station(fleet, name).path("state").asText().equals(state);
    }

    @Test
    void showsEveryStationsTotalsAndTheRowsThatNeedAPerson() throws Exception {
        bench2.stepStarted(PortPath.parse("1-1"), "WriteFfu", "write the FFU's payload to the phone", Duration.ofMinutes(10));
        bench2.stepStarted(PortPath.parse("1-2"), "EnterFlashMode", "bring the phone into flash mode", Duration.ofMinutes(1));
        bench2.actionRequired(PortPath.parse("1-2"), "EnterFlashMode", List.of("Unplug the phone.", "Hold Volume Up and plug it in again."));
        bench3.stepStarted(PortPath.parse("2-1"), "ReadInfo", "read the phone", Duration.ofSeconds(30));
        WebServer s2 = station(bench2, null);
        WebServer s3 = station(bench3, TOKEN);
        int dead = deadPort();
        WebClient web = fleet(null, at("bench-2", s2, null), at("bench-3", s3, TOKEN),
                new FleetFile.Station("bench-9", URI.create("http://127.0.0.1:" + dead + "/"), null));

        JsonNode f = await(web, x -> state(x, "bench-2", "live") && state(x, "bench-3", "live") && state(x, "bench-9", "unreachable"));
        assertThat(f.path("everySeconds").asInt()).isGreaterThan(0);
        assertThat(f.path("stations")).extracting(n -> n.path("name").asText()).containsExactly("bench-2", "bench-3", "bench-9");

        JsonNode b2 = station(f, "bench-2");
        assertThat(b2.path("url").asText()).isEqualTo("http://127.0.0.1:" + s2.port() + "/");
        assertThat(b2.path("reachable").asBoolean()).isTrue();
        assertThat(b2.path("lastSeen").asText()).isNotEmpty();
        assertThat(b2.path("error").isNull()).isTrue();
        assertThat(b2.path("title").asText()).isEqualTo("station reflash");
        assertThat(b2.path("totals").path("running").asInt()).isEqualTo(2); // a port that asks a person is still running
        assertThat(b2.path("totals").path("needsPerson").asInt()).isEqualTo(1);
        assertThat(b2.path("needsPerson")).hasSize(1);
        JsonNode row = b2.path("needsPerson").get(0);
        assertThat(row.path("port").asText()).isEqualTo("1-2");
        assertThat(row.path("needsPerson").asBoolean()).isTrue();
        assertThat(row.path("phone").asText()).isNotEmpty();
        assertThat(row.path("instructions")).extracting(JsonNode::asText)
                .containsExactly("Unplug the phone.", "Hold Volume Up and plug it in again.");

        JsonNode b3 = station(f, "bench-3");
        assertThat(b3.path("totals").path("running").asInt()).isEqualTo(1);
        assertThat(b3.path("totals").path("needsPerson").asInt()).isZero();
        assertThat(b3.path("needsPerson")).isEmpty();

        JsonNode b9 = station(f, "bench-9");
        assertThat(b9.path("reachable").asBoolean()).isFalse();
        assertThat(b9.path("lastSeen").isNull()).isTrue();
        assertThat(b9.path("totals").isNull()).isTrue();
        assertThat(b9.path("error").asText()).isEqualTo("connection refused: is `lumia-agent station … --web` (or `serve`) running on 127.0.0.1:"
                + dead + "?");

        // a change on a station's bench reaches the fleet
        bench3.actionRequired(PortPath.parse("2-1"), "ReadInfo", List.of("Charge the phone to 30 %."));
        f = await(web, x -> station(x, "bench-3").path("needsPerson").size() == 1);
        assertThat(station(f, "bench-3").path("needsPerson").get(0).path("instructions").get(0).asText()).isEqualTo("Charge the phone to 30 %.");

        // a station that goes away keeps its last data, marked stale
        String seen = station(f, "bench-2").path("lastSeen").asText();
        int port2 = s2.port();
        s2.close();
        f = await(web, x -> state(x, "bench-2", "stale") && station(x, "bench-2").path("error").asText().startsWith("connection refused"));
        // taken once the station is seen gone: an answer still in flight while it closed may have been the last one (CI saw
        // lastSeen 3 ms after close() returned), and lastSeen must be no later than that answer
        java.time.Instant closed = java.time.Instant.now();
        JsonNode gone = station(f, "bench-2");
        assertThat(gone.path("reachable").asBoolean()).isFalse();
        java.time.Instant last = java.time.Instant.parse(gone.path("lastSeen").asText());
        assertThat(last).isAfterOrEqualTo(java.time.Instant.parse(seen)).isBeforeOrEqualTo(closed); // kept from its last answer
        assertThat(gone.path("error").asText()).contains("running on 127.0.0.1:" + port2 + "?");
        assertThat(gone.path("totals").path("needsPerson").asInt()).isEqualTo(1);
        assertThat(gone.path("needsPerson").get(0).path("port").asText()).isEqualTo("1-2");
        assertThat(state(f, "bench-3", "live")).isTrue();
    }

    @Test
    void aWrongOrMissingTokenIsSaidInWords() throws Exception {
        WebServer s3 = station(bench3, TOKEN);
        WebServer other = station(bench2, TOKEN);
        WebClient web = fleet(null, at("wrong", s3, "not-the-token"), at("none", other, null));
        JsonNode f = await(web, x -> state(x, "wrong", "unreachable") && state(x, "none", "unreachable"));
        assertThat(station(f, "wrong").path("error").asText()).startsWith("401: the token in the fleet file is wrong");
        assertThat(station(f, "none").path("error").asText()).startsWith("401: the station needs a token")
                .contains("\"token\" (or \"tokenEnv\")");
    }

    @Test
    void somethingElseAtTheUrlIsNotADashboard() throws Exception {
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", x -> {
            byte[] b = "<html>a router</html>".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        other.start();
        open.add(() -> other.stop(0));
        WebServer s2 = station(bench2, null);
        WebClient web = fleet(null, new FleetFile.Station("router", URI.create("http://127.0.0.1:" + other.getAddress().getPort() + "/"), null),
                new FleetFile.Station("wrong-path", URI.create("http://127.0.0.1:" + s2.port() + "/elsewhere/"), null));
        JsonNode f = await(web, x -> state(x, "router", "unreachable") && state(x, "wrong-path", "unreachable"));
        assertThat(station(f, "router").path("error").asText()).startsWith("not a lumia-agent dashboard");
        assertThat(station(f, "wrong-path").path("error").asText()).contains("not a lumia-agent dashboard");
    }

    @Test
    void theFleetRouteKeepsTheGuardsRulesAndThePollerStopsWithTheServer() throws Exception {
        WebServer s2 = station(bench2, null);
        WebClient web = fleet("fleet-token-0123456789", at("bench-2", s2, null));
        assertThat(web.withToken(null).get("/api/v1/fleet").statusCode()).isEqualTo(401);
        await(web, x -> state(x, "bench-2", "live"));
        open.remove(open.size() - 1).close();
        assertThat(poller.stopped()).isTrue();
    }

    @Test
    void withoutAFleetTheListIsEmpty() {
        WebServer s = station((BenchView) null, null);
        JsonNode f = WebClient.json(new WebClient("http://127.0.0.1:" + s.port(), null).get("/api/v1/fleet"));
        assertThat(f.path("stations")).isEmpty();
    }
}
