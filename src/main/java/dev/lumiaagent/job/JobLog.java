package dev.lumiaagent.job;

import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.PhoneWatcher;
import dev.lumiaagent.flow.gate.GateResult;
import dev.lumiaagent.transport.PortPath;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The human-readable log of one job, for people and for a diagnostics bundle: one timestamped line per
 * plan, step start (with its bound), progress (throttled), action asked of the technician, gate verdict,
 * step end and outcome, plus the bench's notes and, through the {@code cli.JobLogAppender}, the agent's own
 * log lines for that job (protocol packets at DEBUG included). The file is appended to, so a resumed or
 * retried job continues its log.
 *
 * <pre>
 * 2024-05-02T09:14:03.120Z 1-2   PLAN     reflash: AwaitMode, ReadInfo, SwitchToFlash, WriteChunks, Reboot
 * 2024-05-02T09:14:03.121Z 1-2   START    ReadInfo: read the phone (bound 60 s)
 * 2024-05-02T09:14:03.400Z       DEBUG    protocol.ncsd.NcsdSession: sim 1-2 … ReadManufacturerModelName …
 * 2024-05-02T09:14:09.000Z 1-2   PROGRESS WriteChunks 30%: 36 of 120 MiB
 * 2024-05-02T09:20:41.310Z 1-2   OUTCOME  reflash DONE: reflashed with RM-914_… .ffu
 * </pre>
 *
 * <p>A listener must never block or throw into a flow (DESIGN §5): lines go to a buffered writer, flushed
 * when a step or the flow ends, on {@link #close()} and at most once a second otherwise; an I/O error is
 * logged once as a WARN and the log goes silent.
 */
public final class JobLog implements FlowListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobLog.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** Progress lines: at most one per tenth of the step's fraction, or per this much clock time. */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);
    private static final long FLUSH_EVERY_NANOS = 1_000_000_000L;
    private static final int MAX_FRAMES = 12;
    private static final ConcurrentMap<String, JobLog> REGISTRY = new ConcurrentHashMap<>();

    private final Path file;
    private final Clock clock;
    private final Object lock = new Object();
    private Writer writer; // null once closed or failed
    private volatile boolean failed;
    private long lastFlush = System.nanoTime();
    private String jobId;

    // progress throttle of the current step (under lock)
    private String progressStep;
    private int progressTenth = -1;
    private Instant progressAt;

    private JobLog(Path file, Clock clock, Writer writer) {
        this.file = file;
        this.clock = clock;
        this.writer = writer;
    }

    /**
     * Opens (appends to) the log file, creating its directory. When the file cannot be opened the log is
     * silent from the start ({@link #failed()}), with one WARN, so a job never stops for its log.
     */
    public static JobLog open(Path file, Clock clock) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(clock, "clock");
        try {
            // A FileOutputStream, not Files.newBufferedWriter: the latter is an interruptible channel, which an
            // interrupted worker (Ctrl-C, a station stopping) would close before the job's last lines are written.
            // Created 0600 in a 0700 directory when new (PrivateFiles): the log names the phone.
            return new JobLog(file, clock, new java.io.BufferedWriter(new java.io.OutputStreamWriter(
                    dev.lumiaagent.paths.PrivateFiles.newOutputStream(file, true), StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write the job log {}: {}; the job runs without it", file, e.toString());
            JobLog silent = new JobLog(file, clock, null);
            silent.failed = true;
            return silent;
        }
    }

    /**
     * Makes this the log of job {@code jobId} for the agent's own log lines (those logged with MDC
     * {@code job=jobId}), until {@link #close()}. A later registration of the same id replaces this one.
     */
    public JobLog register(String jobId) {
        Objects.requireNonNull(jobId, "jobId");
        synchronized (lock) {
            if (this.jobId != null && !this.jobId.equals(jobId)) {
                REGISTRY.remove(this.jobId, this);
            }
            this.jobId = jobId;
        }
        REGISTRY.put(jobId, this);
        return this;
    }

    /** The log registered for {@code jobId}, if any. */
    public static Optional<JobLog> registered(String jobId) {
        return jobId == null ? Optional.empty() : Optional.ofNullable(REGISTRY.get(jobId));
    }

    public Path file() {
        return file;
    }

    /** True when the log could not be written and has gone silent. */
    public boolean failed() {
        return failed;
    }

    /** A line from the bench, e.g. "attempt 2 of 3 after PHONE_NOT_ANSWERING". */
    public void note(String line) {
        write(null, "NOTE", oneLine(line), false);
    }

    /**
     * One of the agent's own log lines (from {@code cli.JobLogAppender}): level, logger, message, and the
     * exception with its first stack frames when there is one.
     */
    public void logged(String level, String logger, String message, Throwable thrown) {
        StringBuilder sb = new StringBuilder(shortLogger(logger)).append(": ").append(indentMore(message));
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            sb.append(t == thrown ? "\n    " : "\n    caused by ").append(t);
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, MAX_FRAMES); i++) {
                sb.append("\n        at ").append(frames[i]);
            }
            if (frames.length > MAX_FRAMES) {
                sb.append("\n        … ").append(frames.length - MAX_FRAMES).append(" more");
            }
        }
        write(null, level, sb.toString(), false);
    }

    // --- FlowListener -------------------------------------------------------------------------------

    @Override
    public void planned(PortPath port, String flow, List<String> steps) {
        write(port, "PLAN", flow + ": " + String.join(", ", steps), false);
    }

    @Override
    public void stepStarted(PortPath port, String step, String description, Duration bound) {
        synchronized (lock) {
            progressStep = step;
            progressTenth = -1;
            progressAt = null;
        }
        write(port, "START", step + ": " + oneLine(description)
                + (bound == null ? "" : " (bound " + PhoneWatcher.human(bound) + ")"), false);
    }

    @Override
    public void progress(PortPath port, String step, double fraction, String status) {
        Instant now = clock.instant();
        int tenth = fraction >= 0 ? (int) Math.floor(Math.min(1.0, fraction) * 10) : -1;
        synchronized (lock) {
            if (!Objects.equals(step, progressStep)) {
                progressStep = step;
                progressTenth = -1;
                progressAt = null;
            }
            boolean first = progressAt == null;
            boolean further = tenth > progressTenth;
            boolean late = progressAt != null && Duration.between(progressAt, now).compareTo(PROGRESS_EVERY) >= 0;
            if (!first && !further && !late) {
                return;
            }
            progressTenth = Math.max(progressTenth, tenth);
            progressAt = now;
        }
        String pct = fraction >= 0 ? " " + Math.round(Math.min(1.0, fraction) * 100) + "%" : "";
        write(port, "PROGRESS", step + pct + (status == null || status.isEmpty() ? "" : ": " + oneLine(status)), false);
    }

    @Override
    public void actionRequired(PortPath port, String step, List<String> instructions) {
        write(port, "ACTION", step + ": " + oneLine(String.join(" | ", instructions)), true);
    }

    @Override
    public void gate(PortPath port, GateResult result) {
        write(port, "GATE", oneLine(result.gate() + " " + result.verdict() + (result.blocks() ? " (blocks)" : "") + ": "
                + result.detail() + (result.nextStep().isEmpty() ? "" : " Next step: " + result.nextStep())), false);
    }

    @Override
    public void stepFinished(PortPath port, String step, boolean ok, String detail) {
        write(port, ok ? "OK" : "FAILED", step + (detail == null || detail.isEmpty() ? "" : ": " + oneLine(detail)), true);
    }

    @Override
    public void finished(PortPath port, String flow, Outcome outcome) {
        write(port, "OUTCOME", oneLine(flow + " " + outcome.reason() + ": " + outcome.summary()
                + (outcome.nextStep().isEmpty() ? "" : " Next step: " + outcome.nextStep())), true);
    }

    /** Flushes and closes the file and leaves the registry. Later calls are ignored. */
    @Override
    public void close() {
        String id;
        Throwable failure = null;
        synchronized (lock) {
            id = jobId;
            if (writer != null) {
                try {
                    writer.close();
                } catch (IOException | RuntimeException e) {
                    failure = e;
                }
                writer = null;
            }
        }
        if (id != null) {
            REGISTRY.remove(id, this);
        }
        if (failure != null && !failed) {
            failed = true;
            LOG.warn("the job log {} could not be completed: {}", file, failure.toString());
        }
    }

    // --- writing ------------------------------------------------------------------------------------

    private void write(PortPath port, String kind, String text, boolean flush) {
        if (failed) {
            return;
        }
        String line = TIME.format(clock.instant()) + " " + pad(port == null ? "" : port.toString(), 5) + " "
                + pad(kind, 8) + " " + text + "\n";
        Throwable failure = null;
        synchronized (lock) {
            if (writer == null) {
                return;
            }
            try {
                writer.write(line);
                long now = System.nanoTime();
                if (flush || now - lastFlush >= FLUSH_EVERY_NANOS) {
                    lastFlush = now;
                    writer.flush();
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
                failed = true;
                try {
                    writer.close();
                } catch (IOException | RuntimeException ignored) {
                    // already failed; the WARN below says so
                }
                writer = null;
            }
        }
        if (failure != null) {
            // outside the lock: this WARN may come back here through the appender, and is then dropped
            LOG.warn("the job log {} stopped: {}", file, failure.toString());
        }
    }

    private static String pad(String s, int width) {
        if (s.length() >= width) {
            return s;
        }
        return s + " ".repeat(width - s.length());
    }

    /** Flow texts are one line each in the log. */
    private static String oneLine(String s) {
        return s == null ? "" : s.replace("\r\n", " / ").replace('\n', ' ').replace('\r', ' ');
    }

    /** A multi-line log message keeps its lines, indented under its stamp. */
    private static String indentMore(String s) {
        return s == null ? "" : s.replace("\r\n", "\n").replace("\n", "\n    ");
    }

    /** dev.lumiaagent.protocol.ncsd.NcsdSession → protocol.ncsd.NcsdSession: the project prefix says nothing. */
    private static String shortLogger(String logger) {
        if (logger == null) {
            return "?";
        }
        return logger.startsWith("dev.lumiaagent.") ? logger.substring("dev.lumiaagent.".length()) : logger;
    }
}
