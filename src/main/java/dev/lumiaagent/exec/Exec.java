package dev.lumiaagent.exec;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.LogOutputStream;
import org.apache.commons.exec.PumpStreamHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the agent starts another program (uhubctl, udevadm, systemctl, socat, …), through Apache
 * Commons Exec: the program is found on {@code PATH} first (a missing one is a {@link Outcome#MISSING} result
 * naming it, never an exception), its arguments are a list — each one argument, never parsed by a shell — every
 * run has a timeout (a {@link ExecuteWatchdog} kills it: {@link Outcome#TIMED_OUT}), its output is captured and
 * logged (DEBUG, with the exit code), and its exit code is returned for the caller to name.
 * An ArchUnit rule keeps {@code ProcessBuilder} and {@code Runtime.exec} out of every other class.
 */
public final class Exec {
    private static final Logger LOG = LoggerFactory.getLogger(Exec.class);
    /** Output kept per stream: a program that floods its output does not exhaust memory. */
    static final int MAX_OUTPUT = 1 << 20;

    private final Map<String, String> environment;

    private Exec(Map<String, String> environment) {
        this.environment = environment;
    }

    /** Runs programs with this process's environment. */
    public static Exec system() {
        return new Exec(null);
    }

    /** Runs programs with {@code environment} (tests put fake programs first on its {@code PATH}). */
    public static Exec withEnvironment(Map<String, String> environment) {
        return new Exec(Map.copyOf(environment));
    }

    private String pathVariable() {
        String path = environment != null ? environment.get("PATH") : System.getenv("PATH");
        return path == null ? "" : path;
    }

    /** The program's file on {@code PATH} (an absolute or relative path is taken as it is), if it is there and executable. */
    public Optional<Path> which(String program) {
        if (program.contains("/") || program.contains(File.separator)) {
            Path p = Path.of(program);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        boolean windows = File.separatorChar == '\\';
        for (String dir : pathVariable().split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            for (String name : windows ? List.of(program + ".exe", program + ".cmd", program + ".bat", program) : List.of(program)) {
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** How a run ended. */
    public enum Outcome {
        /** It ran and exited 0. */
        OK,
        /** It ran and exited with another code (the caller names what that code means). */
        FAILED,
        /** It was still running at its timeout and was killed. */
        TIMED_OUT,
        /** It is not on {@code PATH} (or not executable). */
        MISSING,
        /** It was found but could not be started (permissions, a bad interpreter line). */
        NOT_STARTED
    }

    /** One run: how it ended, its exit code (-1 when it did not exit by itself), its output, what was run, how long it took. */
    public record Result(Outcome outcome, int exitCode, String stdout, String stderr, List<String> command, Duration took) {
        public boolean ok() {
            return outcome == Outcome.OK;
        }

        /** For people and logs: "uhubctl -l 1-2 -p 3 -a cycle: exit 1 (No compatible devices detected at location 1-2!)". */
        public String describe() {
            String what = String.join(" ", command);
            String tail = firstLine(stderr.isBlank() ? stdout : stderr);
            switch (outcome) {
                case OK:
                    return what + ": ok";
                case FAILED:
                    return what + ": exit " + exitCode + (tail.isEmpty() ? "" : " (" + tail + ")");
                case TIMED_OUT:
                    return what + ": still running after " + took.toSeconds() + " s, stopped";
                case MISSING:
                    return command.get(0) + " is not installed (not found on PATH)";
                default:
                    return what + ": could not be started (" + tail + ")";
            }
        }

        private static String firstLine(String s) {
            String t = s.strip();
            int nl = t.indexOf('\n');
            return nl < 0 ? t : t.substring(0, nl).strip();
        }
    }

    /**
     * Runs {@code program} with {@code args} and waits for it, at most {@code timeout}. Never throws for what the
     * program does: a missing program, a failure to start, a timeout and a non-zero exit are all results.
     */
    public Result run(String program, List<String> args, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        List<String> shown = new ArrayList<>();
        shown.add(program);
        shown.addAll(args);
        long start = System.nanoTime();
        Optional<Path> file = which(program);
        if (file.isEmpty()) {
            LOG.debug("{}: not found on PATH", program);
            return new Result(Outcome.MISSING, -1, "", "", List.copyOf(shown), Duration.ZERO);
        }
        CommandLine line = commandLine(file.get(), args);
        ByteArrayOutputStream out = new Bounded();
        ByteArrayOutputStream err = new Bounded();
        ExecuteWatchdog watchdog = new TreeWatchdog(timeout);
        DefaultExecutor executor = DefaultExecutor.builder().get();
        executor.setExitValues(null); // every exit code is a result, not an exception
        executor.setWatchdog(watchdog);
        PumpStreamHandler streams = new PumpStreamHandler(out, err);
        // A child the program left behind can hold the output pipes open after the program itself ended or was killed:
        // the pumps are not waited for longer than this (the run then ends as it ended, its output as far as read).
        streams.setStopTimeout(PUMP_STOP);
        executor.setStreamHandler(streams);
        Outcome outcome;
        int code = -1;
        try {
            code = executor.execute(line, environment);
            outcome = watchdog.killedProcess() ? Outcome.TIMED_OUT : code == 0 ? Outcome.OK : Outcome.FAILED;
        } catch (ExecuteException e) {
            outcome = watchdog.killedProcess() ? Outcome.TIMED_OUT : Outcome.FAILED;
            code = e.getExitValue();
        } catch (IOException e) {
            outcome = Outcome.NOT_STARTED;
            err.writeBytes(String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Result r = new Result(outcome, outcome == Outcome.TIMED_OUT ? -1 : code, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8), List.copyOf(shown), took);
        LOG.debug("{} → {} in {} ms; stdout: {}; stderr: {}", shown, r.outcome() == Outcome.FAILED ? "exit " + code : r.outcome(),
                took.toMillis(), r.stdout().strip(), r.stderr().strip());
        return r;
    }

    /** A program left running (socat joining two ptys): its stderr lines reach {@code stderrLines} as they come. */
    public interface Running extends AutoCloseable {
        boolean alive();

        /** The exit code once it ended by itself or was stopped; empty while it runs. */
        Optional<Integer> exitCode();

        /** Stops it (kills it) and waits up to {@code bound} for it to be gone. */
        void stop(Duration bound);

        @Override
        default void close() {
            stop(Duration.ofSeconds(5));
        }
    }

    /**
     * Starts {@code program} in the background; its stdout is discarded and each stderr line goes to
     * {@code stderrLines} (on a pump thread). A missing program is an {@link IOException} naming it.
     */
    public Running start(String program, List<String> args, Consumer<String> stderrLines) throws IOException {
        Path file = which(program).orElseThrow(() -> new IOException(program + " is not installed (not found on PATH)"));
        CommandLine line = commandLine(file, args);
        ExecuteWatchdog watchdog = new TreeWatchdog(null);
        DefaultExecutor executor = DefaultExecutor.builder().get();
        executor.setExitValues(null);
        executor.setWatchdog(watchdog);
        executor.setStreamHandler(new PumpStreamHandler(OutputStream.nullOutputStream(), new LogOutputStream() {
            @Override
            protected void processLine(String text, int level) {
                stderrLines.accept(text);
            }
        }));
        DefaultExecuteResultHandler done = new DefaultExecuteResultHandler();
        executor.execute(line, environment, done);
        LOG.debug("started {} {}", program, args);
        return new Running() {
            @Override
            public boolean alive() {
                return !done.hasResult();
            }

            @Override
            public Optional<Integer> exitCode() {
                return done.hasResult() ? Optional.of(done.getExitValue()) : Optional.empty();
            }

            @Override
            public void stop(Duration bound) {
                watchdog.destroyProcess();
                try {
                    done.waitFor(bound);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    private static CommandLine commandLine(Path file, List<String> args) {
        CommandLine line = new CommandLine(file.toFile());
        for (String a : args) {
            line.addArgument(a, false); // one argument each, as given: no quoting, no shell
        }
        return line;
    }

    static final Duration PUMP_STOP = Duration.ofSeconds(2);

    /**
     * A watchdog that stops the program's children before the program. Found by ExecTest: the plain watchdog kills only
     * the process it started, so a program that is a script (or any program that forks) left its child running past the
     * timeout, holding the output pipes open, and {@link #run} waited for that child to end: a timeout of 300 ms took
     * as long as the child's {@code sleep 60}. The children are listed while the program still lives (once it is gone
     * they are re-parented and no longer its descendants).
     */
    private static final class TreeWatchdog extends ExecuteWatchdog {
        private Process process;

        @SuppressWarnings("deprecation") // the builder cannot make a subclass; this constructor is the one that can
        TreeWatchdog(Duration timeout) {
            super(timeout == null ? INFINITE_TIMEOUT : Math.max(1, timeout.toMillis()));
        }

        @Override
        public synchronized void start(Process p) {
            this.process = p;
            super.start(p);
        }

        @Override
        public synchronized void timeoutOccured(org.apache.commons.exec.Watchdog w) {
            // The children are taken first, the program is stopped next (so the watchdog marks it killed before a child's
            // end could let it exit by itself: a race ExecTest saw), and the children last.
            List<ProcessHandle> children = children();
            super.timeoutOccured(w);
            children.forEach(ProcessHandle::destroy);
        }

        @Override
        public synchronized void destroyProcess() {
            List<ProcessHandle> children = children();
            super.destroyProcess();
            children.forEach(ProcessHandle::destroy);
        }

        private List<ProcessHandle> children() {
            Process p = process;
            return p != null && p.isAlive() ? p.descendants().toList() : List.of();
        }
    }

    /** A byte buffer that keeps the first {@link #MAX_OUTPUT} bytes and drops the rest. */
    private static final class Bounded extends ByteArrayOutputStream {
        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int room = MAX_OUTPUT - count;
            if (room > 0) {
                super.write(b, off, Math.min(room, len));
            }
        }

        @Override
        public synchronized void write(int b) {
            if (count < MAX_OUTPUT) {
                super.write(b);
            }
        }
    }
}
