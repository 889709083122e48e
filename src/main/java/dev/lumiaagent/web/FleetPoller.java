package dev.lumiaagent.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fleet page's data: every station of a fleet file ({@link FleetFile}) polled in the background — its
 * {@code GET /api/v1/bench} every {@value #EVERY_SECONDS} s, each request bounded by {@value #TIMEOUT_SECONDS} s,
 * with its bearer token when it has one — and what was last learned of each: reachable or not, when last seen, what
 * went wrong in words with a next step, the totals and the rows that need a person. A station that goes away keeps
 * its last data, marked stale. Request threads only read {@link #stations()}; they never wait on a station.
 */
public final class FleetPoller implements AutoCloseable {
    static final int EVERY_SECONDS = 2;
    static final int TIMEOUT_SECONDS = 3;
    /**
     * After a 401 or 429 a station is asked again only after this long: its token cannot change while this server
     * runs, and every wrong token counts against this computer at the station (10 a minute, then 429 for everyone here).
     */
    static final Duration REFUSED_PAUSE = Duration.ofSeconds(30);
    /** Live: the last poll answered. Stale: it answered before, not now (its data is the last one). Unreachable: never answered. */
    public static final String LIVE = "live";
    public static final String STALE = "stale";
    public static final String UNREACHABLE = "unreachable";
    /** Not polled yet. */
    public static final String WAITING = "waiting";

    /**
     * One station as the fleet page shows it (the JSON form of {@code GET /api/v1/fleet}'s {@code stations}).
     *
     * @param name        the fleet file's name for it
     * @param url         its dashboard's URL (the page links to it)
     * @param state       live, stale, unreachable or waiting ({@link #LIVE} …)
     * @param reachable   the last poll was answered with a bench
     * @param lastSeen    when it last answered (ISO-8601), null when never
     * @param error       why the last poll failed, in words with a next step; null when it answered
     * @param title       its bench's title ("station reflash")
     * @param at          its snapshot's time
     * @param totals      its last snapshot's totals (BenchTotals' JSON form), null before the first answer
     * @param needsPerson its last snapshot's ports that need a person (PortView's JSON form), in its order
     */
    public record StationStatus(String name, String url, String state, boolean reachable, String lastSeen, String error,
            String title, String at, JsonNode totals, List<JsonNode> needsPerson) {
        public StationStatus {
            needsPerson = List.copyOf(needsPerson);
        }
    }

    /** The body of {@code GET /api/v1/fleet}. */
    public record Fleet(int everySeconds, List<StationStatus> stations) {
    }

    private final List<FleetFile.Station> stations;
    private final StationStatus[] status;
    private final boolean[] inFlight;
    /** System.nanoTime() before which a station that refused the token is not asked again (0: ask). */
    private final long[] notBefore;
    private final Duration every;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService timer;
    private final ExecutorService answers;
    private final HttpClient http;
    private volatile boolean closed;
    /** Polls answered or failed so far (what {@link #awaitUpdate} waits on). */
    private long updates;

    public FleetPoller(List<FleetFile.Station> stations) {
        this(stations, Duration.ofSeconds(EVERY_SECONDS), Duration.ofSeconds(TIMEOUT_SECONDS));
    }

    FleetPoller(List<FleetFile.Station> stations, Duration every, Duration timeout) {
        this.stations = List.copyOf(stations);
        this.every = every;
        this.timeout = timeout;
        this.status = new StationStatus[this.stations.size()];
        this.inFlight = new boolean[this.stations.size()];
        this.notBefore = new long[this.stations.size()];
        for (int i = 0; i < status.length; i++) {
            FleetFile.Station s = this.stations.get(i);
            status[i] = new StationStatus(s.name(), s.url().toString(), WAITING, false, null, null, null, null, null, List.of());
        }
        AtomicInteger n = new AtomicInteger();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "fleet-poller"));
        this.answers = Executors.newFixedThreadPool(2, r -> daemon(r, "fleet-http-" + n.incrementAndGet()));
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).executor(answers).build();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts polling (the first round at once). */
    public FleetPoller start() {
        timer.scheduleWithFixedDelay(this::pollAll, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** What is known of every station now, in the fleet file's order. */
    public synchronized Fleet fleet() {
        return new Fleet((int) Math.max(1, every.toSeconds()), List.of(status));
    }

    /** The stations' status now. */
    public List<StationStatus> stations() {
        return fleet().stations();
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        answers.shutdownNow();
        synchronized (this) {
            notifyAll();
        }
        try {
            timer.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            answers.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pollAll() {
        for (int i = 0; i < stations.size() && !closed; i++) {
            synchronized (this) {
                if (inFlight[i]) {
                    continue; // the last request is still bounded by its timeout
                }
                if (notBefore[i] != 0 && System.nanoTime() - notBefore[i] < 0) {
                    continue; // it refused the token: not asked again for a while
                }
                notBefore[i] = 0;
                inFlight[i] = true;
            }
            int index = i;
            FleetFile.Station s = stations.get(i);
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(benchUri(s)).timeout(timeout).header("Accept", "application/json").GET();
                if (s.token() != null) {
                    b.header("Authorization", "Bearer " + s.token());
                }
                http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
                        .whenComplete((r, e) -> done(index, r, e));
            } catch (RuntimeException e) {
                done(index, null, e);
            }
        }
    }

    static URI benchUri(FleetFile.Station s) {
        return s.url().resolve("api/v1/bench");
    }

    private void done(int i, HttpResponse<String> r, Throwable e) {
        FleetFile.Station s = stations.get(i);
        StationStatus next;
        try {
            next = e == null ? answered(s, r) : null;
        } catch (RuntimeException x) {
            next = null;
            e = x;
        }
        String error = next != null ? null : e != null ? words(s, e) : null;
        synchronized (this) {
            inFlight[i] = false;
            if (closed) {
                return;
            }
            if (next == null) {
                if (error == null) {
                    error = failed(s, r);
                }
                if (r != null && (r.statusCode() == 401 || r.statusCode() == 429)) {
                    notBefore[i] = System.nanoTime() + REFUSED_PAUSE.toNanos();
                }
                StationStatus last = status[i];
                boolean seen = last.lastSeen() != null;
                next = new StationStatus(s.name(), s.url().toString(), seen ? STALE : UNREACHABLE, false, last.lastSeen(), error,
                        last.title(), last.at(), last.totals(), last.needsPerson());
            }
            status[i] = next;
            updates++;
            notifyAll();
        }
    }

    /** Polls finished so far (answered or failed). */
    public synchronized long updates() {
        return updates;
    }

    /**
     * Waits until a poll after the {@code seen}-th finished (or {@code max} passed, or the poller closed).
     *
     * @return the number of polls finished now
     */
    public synchronized long awaitUpdate(long seen, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (updates <= seen && !closed) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return updates;
    }

    /** The background polling has ended (after {@link #close}). */
    public boolean stopped() {
        return timer.isTerminated() && answers.isTerminated();
    }

    /** A bench snapshot: the station's new status; null when the answer is not one (said by {@link #failed}). */
    private StationStatus answered(FleetFile.Station s, HttpResponse<String> r) {
        if (r.statusCode() != 200) {
            return null;
        }
        JsonNode body;
        try {
            body = json.readTree(r.body());
        } catch (IOException e) {
            return null;
        }
        if (!isBench(body)) {
            return null;
        }
        List<JsonNode> person = new ArrayList<>();
        for (JsonNode p : body.get("ports")) {
            if (p.path("needsPerson").asBoolean(false)) {
                person.add(p);
            }
        }
        return new StationStatus(s.name(), s.url().toString(), LIVE, true, Instant.now().toString(), null,
                body.path("title").asText(null), body.path("at").asText(null), body.get("totals"), person);
    }

    private static boolean isBench(JsonNode body) {
        return body != null && body.isObject() && body.path("totals").isObject() && body.path("ports").isArray()
                && body.path("version").isNumber();
    }

    /** An answer that is not a bench, in words with a next step. */
    private String failed(FleetFile.Station s, HttpResponse<String> r) {
        int code = r == null ? 0 : r.statusCode();
        String theirs = r == null ? null : theirError(r.body());
        switch (code) {
            case 200:
                return "not a lumia-agent dashboard: " + benchUri(s) + " did not answer a bench; check the url of '" + s.name()
                        + "' in the fleet file";
            case 401:
                return s.token() == null
                        ? "401: the station needs a token: add its \"token\" (or \"tokenEnv\") to the fleet file"
                        : "401: the token in the fleet file is wrong: copy the one the station printed at start (--web-token)";
            case 429:
                return "429: the station refuses this computer after too many wrong tokens: fix the token in the fleet file; it "
                        + "answers again within a minute";
            case 421:
                return "421: the station answers only on its own computer: start it with --web 0.0.0.0:PORT --web-token generate "
                        + "and put that token in the fleet file";
            case 404:
                return "404: not a lumia-agent dashboard at " + s.url() + " (no " + benchUri(s).getPath() + "); check the url of '"
                        + s.name() + "' in the fleet file";
            default:
                if (code >= 300 && code < 400) {
                    return code + ": the station redirects elsewhere: put its dashboard's own address in the fleet file";
                }
                return code + " from the station" + (theirs == null ? "" : ": " + theirs) + "; see its console";
        }
    }

    private String theirError(String body) {
        try {
            JsonNode n = json.readTree(body);
            return n != null && n.path("error").isTextual() ? n.path("error").asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Why a request failed, in words with a next step. */
    static String words(FleetFile.Station s, Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String where = s.hostPort();
        String running = "is `lumia-agent station … --web` (or `serve`) running on " + where + "?";
        if (t instanceof HttpConnectTimeoutException) {
            return "no connection within " + TIMEOUT_SECONDS + " s: " + running + " (check the network and its firewall)";
        }
        if (t instanceof HttpTimeoutException) {
            return "no answer within " + TIMEOUT_SECONDS + " s: the station at " + where + " is busy or gone; see its console";
        }
        if (t instanceof ConnectException || hasCause(t, ConnectException.class)) {
            return "connection refused: " + running;
        }
        if (t instanceof UnknownHostException || hasCause(t, UnresolvedAddressException.class) || hasCause(t, UnknownHostException.class)) {
            return "unknown host '" + s.url().getHost() + "': check the url of '" + s.name() + "' in the fleet file";
        }
        if (t instanceof IOException) {
            return "the connection to " + where + " failed (" + t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + t.getMessage()) + "): " + running;
        }
        return "polling " + where + " failed (" + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage())
                + "); run the agent with -v and see its log";
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
