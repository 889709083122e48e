package dev.lumiaagent.sim;

/**
 * A bench file (or JSON document) that is not a bench {@link BenchSpec} can run: the message names the
 * file when there is one, the field ({@code phones[2].battery}) and what was there instead. An
 * IllegalArgumentException, as {@code CaptureFormatException}, so the CLI reports it as a bad argument
 * (exit 2) with its one-line message, never a stack trace.
 */
public final class BenchSpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public BenchSpecException(String message) {
        super(message);
    }

    public BenchSpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
