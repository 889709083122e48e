package dev.lumiaagent.testing.umockdev;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a main class from the test class path in a child JVM under {@code umockdev-run}, so libusb in
 * that JVM sees the fake sysfs/usbfs (usb-testing.md §1). The child is bounded: on timeout it and its
 * descendants are killed and the result says so.
 */
public final class UmockdevRun {
    private final Path deviceFile;
    private final Map<String, Path> pcaps = new LinkedHashMap<>();
    private Duration timeout = Duration.ofSeconds(60);

    public UmockdevRun(Path deviceFile) {
        this.deviceFile = deviceFile;
    }

    /** Whether {@code umockdev-run} is on the PATH. */
    public static boolean installed() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "umockdev-run"))) {
                return true;
            }
        }
        return false;
    }

    /** Replays {@code pcap} for the device at {@code sysKey} (a path starting with /sys/). */
    public UmockdevRun replay(String sysKey, Path pcap) {
        if (!sysKey.startsWith("/sys/")) {
            throw new IllegalArgumentException("umockdev-run -p needs a /sys/ path, got " + sysKey);
        }
        pcaps.put(sysKey, pcap);
        return this;
    }

    public UmockdevRun timeout(Duration bound) {
        this.timeout = bound;
        return this;
    }

    public record Result(int exitCode, boolean timedOut, String stdout, String stderr) {
        /** Lines the probe printed with this prefix, prefix removed. */
        public List<String> lines(String prefix) {
            return stdout.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                    .collect(Collectors.toList());
        }

        @Override
        public String toString() {
            return "exit " + exitCode + (timedOut ? " (killed on timeout)" : "") + "\n--- stdout\n" + stdout
                    + "\n--- stderr\n" + stderr;
        }
    }

    public Result java(Class<?> mainClass, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("umockdev-run");
        cmd.add("-d");
        cmd.add(deviceFile.toString());
        pcaps.forEach((key, file) -> {
            cmd.add("-p");
            cmd.add(key + "=" + file);
        });
        cmd.add("--");
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xshare:auto");
        cmd.add("-XX:TieredStopAtLevel=1"); // short-lived child: start fast
        cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")); // the run's own temporary directory (.ci/run)
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        Path dir = deviceFile.getParent();
        Path out = Files.createTempFile(dir, "child", ".out");
        Path err = Files.createTempFile(dir, "child", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        return new Result(done ? p.exitValue() : -1, !done, Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
