package dev.lumiaagent.web;

import java.util.Locale;

/**
 * Every route of the REST API, once: the server registers exactly these and the OpenAPI document
 * ({@code openapi.json} next to this class) describes exactly these (a test holds both to it).
 * Paths use Javalin's {@code {param}} form, which is also OpenAPI's.
 */
public enum ApiRoute {
    BENCH("GET", "/bench", false),
    EVENTS("GET", "/events", false),
    JOBS("GET", "/jobs", false),
    JOB("GET", "/jobs/{id}", false),
    JOB_LOG("GET", "/jobs/{id}/log", false),
    JOB_TRACE("GET", "/jobs/{id}/trace", false),
    JOB_DIAG("GET", "/jobs/{id}/diag", false),
    JOB_CERTIFICATE("GET", "/jobs/{id}/certificate", false),
    JOB_RESUME("POST", "/jobs/{id}/resume", true),
    REPORT("GET", "/report", false),
    STATION("GET", "/station", false),
    STATION_START("POST", "/station/start", true),
    STATION_STOP("POST", "/station/stop", true),
    FLEET("GET", "/fleet", false),
    OPENAPI("GET", "/openapi.json", false);

    /** The prefix of every API path. */
    public static final String PREFIX = "/api/v1";

    private final String method;
    private final String path;
    private final boolean control;

    ApiRoute(String method, String path, boolean control) {
        this.method = method;
        this.path = path;
        this.control = control;
    }

    /** GET or POST. */
    public String method() {
        return method;
    }

    /** The path under {@link #PREFIX}, as in the OpenAPI document's {@code paths}. */
    public String path() {
        return path;
    }

    /** The full path the server answers on. */
    public String fullPath() {
        return PREFIX + path;
    }

    /** A control changes the bench (starts, stops, resumes a job): it needs the token, also on loopback. */
    public boolean control() {
        return control;
    }

    /** "GET /api/v1/bench". */
    public String describe() {
        return method.toUpperCase(Locale.ROOT) + " " + fullPath();
    }
}
