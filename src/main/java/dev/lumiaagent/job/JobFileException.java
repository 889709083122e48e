package dev.lumiaagent.job;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A job file that cannot be read as a job: not JSON, truncated, {@code null}, or a job without the
 * fields every job has (id matching the file name, command, port, state). Names the file and why, so
 * `jobs` and `resume` can skip it with a line and go on with the others.
 */
public final class JobFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String reason;

    public JobFileException(Path file, String reason) {
        super("job file " + file + " is unreadable: " + reason);
        this.file = file;
        this.reason = reason;
    }

    public JobFileException(Path file, String reason, Throwable cause) {
        this(file, reason);
        initCause(cause);
    }

    public Path file() {
        return file;
    }

    public String reason() {
        return reason;
    }
}
