package dev.lumiaagent.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A second JVM on the test classpath, for tests that need a real process to start, talk and be killed. */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private ChildJvm(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "child-jvm-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mainClass} with {@code args}; stdout and stderr are merged. */
    public static ChildJvm start(Class<?> mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")); // the run's own temporary directory (.ci/run)
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        return new ChildJvm(pb.start());
    }

    /** Waits for a line containing {@code text}; fails with everything seen so far. */
    public String awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new AssertionError("no line containing '" + text + "' within " + timeout + "; saw: " + seen);
            }
            seen.add(line);
            if (line.contains(text)) {
                return line;
            }
        }
    }

    /**
     * Waits until a line containing each of {@code texts} has been seen, in any order (including lines
     * already seen by an earlier wait); fails with everything seen so far.
     */
    public void awaitAll(Duration timeout, String... texts) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        java.util.Set<String> missing = new java.util.LinkedHashSet<>(List.of(texts));
        for (String l : seen) {
            missing.removeIf(l::contains);
        }
        while (!missing.isEmpty()) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new AssertionError("no lines containing " + missing + " within " + timeout + "; saw: " + seen);
            }
            seen.add(line);
            missing.removeIf(line::contains);
        }
    }

    public Process process() {
        return process;
    }

    /**
     * Asks the process to stop (SIGTERM on Linux, which the agent handles as Ctrl-C) and keeps reading its
     * output: {@code Process.destroy()} would close our end of its stdout right after the signal, losing
     * whatever it prints while it stops; {@code ProcessHandle.destroy()} only signals.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** Kills the process the hard way (SIGKILL), as a crash or `kill -9` would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
