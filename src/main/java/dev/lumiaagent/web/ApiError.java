package dev.lumiaagent.web;

/**
 * An answer that is not the resource: its HTTP status, what went wrong and what to do next, written as
 * {@code {"error": "...", "nextStep": "..."}}. Thrown by handlers and by the security checks.
 */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String nextStep;
    private final long retryAfterSeconds;

    public ApiError(int status, String error, String nextStep) {
        this(status, error, nextStep, -1);
    }

    ApiError(int status, String error, String nextStep, long retryAfterSeconds) {
        super(error, null, false, false);
        this.status = status;
        this.nextStep = nextStep;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String nextStep() {
        return nextStep;
    }

    /** For 429: the Retry-After header's seconds; -1 otherwise. */
    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The JSON body. */
    public record Body(String error, String nextStep) {
    }

    Body body() {
        return new Body(getMessage(), nextStep);
    }

    static ApiError notFound(String what, String nextStep) {
        return new ApiError(404, what, nextStep);
    }

    static ApiError badRequest(String what, String nextStep) {
        return new ApiError(400, what, nextStep);
    }
}
