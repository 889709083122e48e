package dev.lumiaagent.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.view.BenchView;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's server: the page (static files from the classpath's {@code web/}) and the REST API under
 * {@code /api/v1} ({@link ApiRoute}), reading the live bench ({@link BenchView}), the record store and the job files,
 * and driving the bench through {@link Controls}. Security: {@link Guard}.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    /** The classpath directory of the page. */
    static final String PAGE = "/web";
    /** How long stopping waits for requests in flight. */
    static final long STOP_GRACE_MS = 3000;

    private final WebSettings settings;
    private final LiveBench live;
    private final JobsApi jobs;
    private final Controls controls;
    private final Guard guard;
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService streams;
    private final Path tempDir;
    private Javalin app;
    private volatile FleetPoller fleet;

    /**
     * @param bench    the live bench (null: none yet; {@link #showBench} shows one later)
     * @param store    the record store (null: the history comes from the job files only)
     * @param journal  the jobs directory
     * @param controls what the API's controls drive ({@link Controls#NONE}: none)
     */
    public WebServer(WebSettings settings, BenchView bench, RecordStore store, JobJournal journal, Controls controls) {
        settings.check();
        this.settings = settings;
        this.live = new LiveBench(bench);
        this.jobs = new JobsApi(store, journal, settings.version());
        this.controls = controls == null ? Controls.NONE : controls;
        this.guard = new Guard(settings);
        AtomicInteger n = new AtomicInteger();
        this.streams = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "web-events-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.tempDir = Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** Shows this bench from now on (null: none); open event streams send its snapshot. */
    public void showBench(BenchView view) {
        live.show(view);
    }

    /**
     * Shows these stations on the fleet page ({@code GET /api/v1/fleet}): polled in the background from {@link #start}
     * until {@link #close}. Call before start.
     */
    public synchronized WebServer fleet(List<FleetFile.Station> stations) {
        return fleet(stations == null || stations.isEmpty() ? null : new FleetPoller(stations));
    }

    /** The same with a poller made here (tests poll faster). */
    synchronized WebServer fleet(FleetPoller poller) {
        if (app != null) {
            throw new IllegalStateException("the fleet is given before the server starts");
        }
        if (fleet != null) {
            fleet.close();
        }
        fleet = poller;
        return this;
    }

    /** Starts listening. @throws IllegalStateException when the address cannot be bound (named) */
    public synchronized WebServer start() {
        try {
            app = Javalin.create(this::configure).start(settings.host(), settings.port());
        } catch (RuntimeException e) {
            throw new IllegalStateException("the dashboard cannot listen on " + settings.host() + ":" + settings.port() + " ("
                    + rootMessage(e) + "): choose another port with --web [ADDR:]PORT", e);
        }
        if (fleet != null) {
            fleet.start();
        }
        return this;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    /** The port listened on (the chosen one when started on port 0). */
    public int port() {
        return app.port();
    }

    /** The page's URL, e.g. http://127.0.0.1:8765/. */
    public String url() {
        String host = settings.host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = hostName();
        }
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /**
     * The line a command prints at start: the URL; the token when it was generated (printed this once); how the
     * controls are enabled when they are not.
     */
    public String startLine() {
        StringBuilder b = new StringBuilder("dashboard: " + url());
        if (settings.token() != null && settings.generated()) {
            b.append(" — token (shown once): ").append(settings.token())
                    .append(" (send 'Authorization: Bearer TOKEN'; the page takes it as ").append(url()).append("#token=TOKEN)");
        } else if (settings.token() != null) {
            b.append(" — API requests need 'Authorization: Bearer TOKEN' (the token given with --web-token)");
        } else {
            b.append(" — read-only on this computer; start with --web-token generate to enable start/stop/resume");
        }
        return b.toString();
    }

    /** The routes the server answers, as Javalin registered them ("GET /api/v1/bench"), for the OpenAPI test. */
    public List<String> registeredRoutes() {
        List<String> out = new ArrayList<>();
        app.unsafe.internalRouter.allHttpHandlers().forEach(e -> {
            HandlerType m = e.endpoint.method;
            if (m.isHttpMethod() && e.endpoint.path.startsWith(ApiRoute.PREFIX)) {
                out.add(m.name() + " " + e.endpoint.path);
            }
        });
        return out;
    }

    @Override
    public synchronized void close() {
        // the event streams end first, while their requests are still the server's to finish
        live.closeStreams();
        streams.shutdownNow();
        if (fleet != null) {
            fleet.close();
        }
        if (app != null) {
            try {
                app.stop();
            } catch (RuntimeException e) {
                // Jetty stops anyway once its grace for requests in flight is over; a request still open then (a client
                // that keeps an event stream or a slow download) is cut, which is what stopping means here
                org.slf4j.LoggerFactory.getLogger(WebServer.class).debug("the dashboard stopped with requests still open: {}", e.toString());
            }
            app = null;
        }
    }

    private void configure(JavalinConfig c) {
        c.startup.showJavalinBanner = false;
        c.startup.showOldJavalinVersionWarning = false;
        c.http.maxRequestSize = 64 * 1024;
        c.router.ignoreTrailingSlashes = true;
        if (WebServer.class.getResource(PAGE) != null) {
            c.staticFiles.add(s -> {
                s.hostedPath = "/";
                s.directory = PAGE;
                s.location = Location.CLASSPATH;
                s.headers = Map.of("Cache-Control", "no-cache");
            });
        }
        c.jetty.modifyServer(server -> {
            server.setErrorHandler(new JsonErrorHandler());
            // Stopping finishes the requests in flight first (bounded): POST /station/stop stops the station, whose
            // end closes this server, and its answer must still reach the client.
            server.setStopTimeout(STOP_GRACE_MS);
        });
        c.routes.before(guard::check);
        for (ApiRoute r : ApiRoute.values()) {
            register(c, r);
        }
        c.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e));
        c.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, new ApiError(e.getStatus(),
                e.getStatus() == 404 ? "nothing at " + ctx.method() + " " + ctx.path() : e.getMessage(),
                e.getStatus() == 404 ? "the API is under /api/v1 (GET /api/v1/openapi.json lists it)" : null)));
        c.routes.exception(Exception.class, (e, ctx) -> {
            LOG.warn("a request failed", e);
            error(ctx, new ApiError(500, "the server failed: " + e.getClass().getSimpleName(),
                    "run the agent with -v and send its output to the maintainers"));
        });
        c.routes.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                error(ctx, ApiError.notFound("nothing at " + ctx.method() + " " + ctx.path(),
                        "the API is under /api/v1 (GET /api/v1/openapi.json lists it)"));
            }
        });
    }

    private void register(JavalinConfig c, ApiRoute r) {
        String p = r.fullPath();
        switch (r) {
            case BENCH -> c.routes.get(p, ctx -> json(ctx, LiveBench.snapshotOf(live.view())));
            case EVENTS -> c.routes.get(p, ctx -> {
                String accept = ctx.header("Accept");
                if (accept == null || !accept.contains("text/event-stream")) {
                    throw new ApiError(406, "this is an event stream: ask for it with 'Accept: text/event-stream'",
                            "use an EventSource in a page, or curl -N -H 'Accept: text/event-stream' …; GET /api/v1/bench for one snapshot");
                }
                new io.javalin.http.sse.SseHandler(client -> new BenchStream(client, live, streams, json,
                        lastEventId(client.ctx())).start()).handle(ctx);
            });
            case JOBS -> c.routes.get(p, ctx -> json(ctx, jobs.search(ctx.queryParam("q"), limit(ctx.queryParam("limit")))));
            case JOB -> c.routes.get(p, ctx -> json(ctx, jobs.detail(ctx.pathParam("id"))));
            case JOB_LOG -> c.routes.get(p, ctx -> text(ctx, jobs.jobFile(ctx.pathParam("id"), ".log")));
            case JOB_TRACE -> c.routes.get(p, ctx -> text(ctx, jobs.jobFile(ctx.pathParam("id"), ".trace")));
            case JOB_DIAG -> c.routes.get(p, this::diag);
            case JOB_CERTIFICATE -> c.routes.get(p, this::certificate);
            case JOB_RESUME -> c.routes.post(p, this::resume);
            case REPORT -> c.routes.get(p, this::report);
            case STATION -> c.routes.get(p, ctx -> json(ctx, controls.station().withControls(settings.token() != null)));
            case STATION_START -> c.routes.post(p, this::startStation);
            case STATION_STOP -> c.routes.post(p, ctx -> json(ctx, controls.stop().withControls(true)));
            case FLEET -> c.routes.get(p, ctx -> json(ctx, fleetNow()));
            case OPENAPI -> c.routes.get(p, ctx -> {
                ctx.contentType("application/json");
                ctx.result(openApi());
            });
            default -> throw new IllegalStateException("route " + r + " has no handler");
        }
    }

    private FleetPoller.Fleet fleetNow() {
        FleetPoller f = fleet; // not synchronized: close() holds the lock while requests finish
        return f == null ? new FleetPoller.Fleet(FleetPoller.EVERY_SECONDS, List.of()) : f.fleet();
    }

    /** The OpenAPI document (a resource next to this class). */
    static byte[] openApi() {
        try (InputStream in = WebServer.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the agent's classes");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Long lastEventId(Context ctx) {
        String h = ctx.header("Last-Event-ID");
        if (h == null || h.isBlank()) {
            return null;
        }
        try {
            long v = Long.parseLong(h.strip());
            return v < 0 ? null : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static int limit(String text) {
        if (text == null || text.isBlank()) {
            return JobsApi.DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1 && n <= JobsApi.MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw ApiError.badRequest("limit must be a number from 1 to " + JobsApi.MAX_LIMIT, "e.g. /api/v1/jobs?limit=50");
    }

    private void json(Context ctx, Object value) throws JsonProcessingException {
        ctx.contentType("application/json");
        ctx.result(json.writeValueAsBytes(value));
    }

    private static void text(Context ctx, Path file) throws IOException {
        ctx.contentType("text/plain; charset=utf-8");
        ctx.result(Files.readAllBytes(file));
    }

    private void error(Context ctx, ApiError e) {
        ctx.status(e.status());
        if (e.retryAfterSeconds() >= 0) {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        if (e.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"lumia-agent\"");
        }
        ctx.contentType("application/json");
        try {
            ctx.result(json.writeValueAsBytes(e.body()));
        } catch (JsonProcessingException x) {
            ctx.result("{\"error\":\"internal error\"}");
        }
    }

    private void report(Context ctx) throws IOException {
        StringWriter w = new StringWriter();
        jobs.report(ctx.queryParam("since"), ctx.queryParam("format"), w);
        boolean csv = JobsApi.format(ctx.queryParam("format")) == dev.lumiaagent.record.ReportWriter.Format.CSV;
        ctx.contentType(csv ? "text/csv; charset=utf-8" : "application/json");
        ctx.result(w.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void diag(Context ctx) throws IOException {
        String id = JobsApi.checkId(ctx.pathParam("id"));
        // The bundle carries IMEIs and serials: whole only for a request with the token, else redacted.
        boolean redact = !guard.authorized(ctx) || "true".equalsIgnoreCase(ctx.queryParam("redact"));
        Path zip = jobs.diag(id, redact, tempDir);
        try {
            ctx.contentType("application/zip");
            ctx.header("Content-Disposition", "attachment; filename=\"lumia-agent-diag-" + id + (redact ? "-redacted" : "") + ".zip\"");
            ctx.result(Files.readAllBytes(zip));
        } finally {
            Files.deleteIfExists(zip);
        }
    }

    /** The job's erasure certificate: its PDF (the default) or, with {@code ?format=json}, the signed JSON. */
    private void certificate(Context ctx) {
        String id = JobsApi.checkId(ctx.pathParam("id"));
        String format = ctx.queryParam("format") == null ? "pdf" : ctx.queryParam("format").toLowerCase(java.util.Locale.ROOT);
        if (!format.equals("pdf") && !format.equals("json")) {
            throw new ApiError(400, "format must be pdf or json, not '" + format + "'", "leave it out for the PDF");
        }
        dev.lumiaagent.record.StoredCertificate c = jobs.certificate(id);
        boolean pdf = format.equals("pdf") && c.pdf() != null;
        ctx.contentType(pdf ? "application/pdf" : "application/json");
        ctx.header("Content-Disposition", "attachment; filename=\"" + id + (pdf ? ".pdf" : ".json") + "\"");
        ctx.result(pdf ? c.pdf() : c.json());
    }

    /** The body of a control: a JSON object, or a 400 saying so. */
    private ObjectNode body(Context ctx) {
        String text = ctx.body();
        if (text == null || text.isBlank()) {
            return json.createObjectNode();
        }
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("the body is not JSON", "send a JSON object, e.g. {\"command\":\"info\",\"params\":{}}");
        }
        if (node == null || !node.isObject()) {
            throw ApiError.badRequest("the body is not a JSON object", "send a JSON object, e.g. {\"command\":\"info\",\"params\":{}}");
        }
        return (ObjectNode) node;
    }

    /** {@code "consent": true} where the job erases the phone (the CLI's --yes); how it was given, for the records. */
    private static String consent(ObjectNode body, Context ctx, boolean erasing, String what) {
        if (!erasing) {
            return null;
        }
        JsonNode c = body.get("consent");
        if (c == null || !c.isBoolean() || !c.asBoolean()) {
            throw new ApiError(422, what + " erases the phone and needs the owner's consent: nothing was done",
                    "send \"consent\": true in the body once the owners agreed that everything on the phones is erased "
                            + "(as --yes on the command line)");
        }
        return "web API: consent:true from " + ctx.ip() + " at " + Instant.now();
    }

    private void startStation(Context ctx) throws JsonProcessingException {
        ObjectNode body = body(ctx);
        JsonNode command = body.get("command");
        if (command == null || !command.isTextual()) {
            throw ApiError.badRequest("the body has no \"command\"",
                    "send {\"command\": \"info|soft-reset|hard-reset|reflash|emergency\", \"params\": {…}} (the job file's form)");
        }
        Map<String, List<String>> params = params(body.get("params"));
        JobSpec probe = spec(command.asText(), params);
        String consent = consent(body, ctx, probe instanceof JobSpec.Erasing, "a " + probe.command() + " station");
        if (consent != null) {
            params.put("consent", List.of(consent));
        } else {
            params.remove("consent");
        }
        JobSpec spec = spec(command.asText(), params);
        ctx.status(202);
        json(ctx, controls.start(spec, consent).withControls(true));
    }

    private static JobSpec spec(String command, Map<String, List<String>> params) {
        try {
            return JobSpec.of(command, params);
        } catch (IllegalArgumentException e) {
            throw new ApiError(422, "not a job this agent can run: " + e.getMessage(),
                    "give one of info, soft-reset, hard-reset, reflash, emergency with its params as in a job file "
                            + "(reflash: {\"firmwareDir\": [\"/path\"]} or {\"ffu\": [\"/path/file.ffu\"]})");
        }
    }

    /** The job file's params: names to lists of strings (a lone string is a list of one). */
    private static Map<String, List<String>> params(JsonNode node) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw ApiError.badRequest("\"params\" is not an object", "send \"params\": {\"name\": [\"value\"]} as in a job file");
        }
        node.fields().forEachRemaining(e -> {
            List<String> values = new ArrayList<>();
            if (e.getValue().isArray()) {
                e.getValue().forEach(v -> {
                    if (!v.isTextual()) {
                        throw ApiError.badRequest("params." + e.getKey() + " holds a non-string", "params are strings, as in a job file");
                    }
                    values.add(v.asText());
                });
            } else if (e.getValue().isTextual()) {
                values.add(e.getValue().asText());
            } else {
                throw ApiError.badRequest("params." + e.getKey() + " is not a string or a list of strings", "params are strings, as in a job file");
            }
            out.put(e.getKey(), values);
        });
        return out;
    }

    private void resume(Context ctx) throws JsonProcessingException {
        String id = JobsApi.checkId(ctx.pathParam("id"));
        ObjectNode body = body(ctx);
        Job job = jobs.interrupted(id);
        JobSpec spec;
        try {
            spec = JobSpec.of(job.command, job.params);
        } catch (IllegalArgumentException e) {
            throw new ApiError(422, "job " + id + " cannot be run again: " + e.getMessage(), "start a new job on the phone instead");
        }
        String consent = consent(body, ctx, spec instanceof JobSpec.Erasing, "job " + id + " (" + job.command + ")");
        String started = controls.resume(id, consent);
        ctx.status(202);
        json(ctx, Map.of("jobId", id, "status", "resuming", "detail", started));
    }

    /** The job files' directory and the live bench, for tests. */
    Optional<BenchView> bench() {
        return Optional.ofNullable(live.view());
    }
}
