package dev.lumiaagent.testing;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real terminal of a set size for a test: a private tmux server (its own socket) runs one command in a pane that
 * stays after the command exits, so its last screen can be read ({@code capture-pane}); keys are typed with
 * {@code send-keys}. Every wait polls the screen (a tmux round trip each) up to a deadline and fails with the screen.
 */
public final class Tmux implements AutoCloseable {
    private final String socket;
    private final String session;

    private Tmux(String socket, String session) {
        this.socket = socket;
        this.session = session;
    }

    /** Requires tmux (fails under CI=true when missing, never skips). */
    public static void require() {
        RequiredTool.require("tmux", onPath("tmux"), "runs the agent in a real terminal of a set size (Debian package tmux)");
    }

    /**
     * Starts {@code command} (java with the test's class path and {@code mainClass}, then {@code args}) in a new
     * session of {@code columns} × {@code rows}, with {@code env} ("NAME=value") set in it.
     */
    public static Tmux startJava(Path dir, int columns, int rows, List<String> env, Class<?> mainClass, String... args) throws Exception {
        require();
        Path conf = dir.resolve("tmux.conf");
        Files.writeString(conf, "set -g remain-on-exit on\nset -g history-limit 5000\n");
        Tmux t = new Tmux("lumia-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime(), "agent");
        List<String> cmd = new ArrayList<>(List.of("-f", conf.toString(), "new-session", "-d", "-s", t.session, "-x", String.valueOf(columns),
                "-y", String.valueOf(rows)));
        for (String e : env) {
            cmd.addAll(List.of("-e", e));
        }
        cmd.addAll(List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(List.of(args));
        t.run(Duration.ofSeconds(20), cmd.toArray(String[]::new));
        return t;
    }

    /** The visible screen ({@code history}: with the scroll-back), one entry per line. */
    public List<String> capture(boolean history) throws Exception {
        List<String> args = new ArrayList<>(List.of("capture-pane", "-p", "-t", session));
        if (history) {
            args.addAll(List.of("-S", "-5000"));
        }
        return Arrays.asList(run(Duration.ofSeconds(10), args.toArray(String[]::new)).split("\n", -1));
    }

    /** The history with lines the terminal wrapped joined back (-J): a line the program drew is one line here. */
    public List<String> captureJoined() throws Exception {
        return Arrays.asList(run(Duration.ofSeconds(10), "capture-pane", "-p", "-J", "-t", session, "-S", "-5000").split("\n", -1));
    }

    public void resize(int columns, int rows) throws Exception {
        run(Duration.ofSeconds(10), "resize-window", "-t", session, "-x", String.valueOf(columns), "-y", String.valueOf(rows));
    }

    /** Types {@code text} and Enter, as a person at the terminal. */
    public void type(String text) throws Exception {
        run(Duration.ofSeconds(10), "send-keys", "-t", session, "-l", text);
        run(Duration.ofSeconds(10), "send-keys", "-t", session, "Enter");
    }

    /** Polls the screen until {@code check} holds, failing with the screen at the deadline. */
    public void awaitScreen(Predicate<List<String>> check, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> screen = List.of();
        while (System.nanoTime() < deadline) {
            screen = capture(false);
            if (check.test(screen)) {
                return;
            }
        }
        throw new AssertionError("the screen never showed what was awaited:\n" + String.join("\n", screen));
    }

    /** Polls until the program's pane is dead (it exited), failing with its screen at the deadline. */
    public void awaitExit(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (run(Duration.ofSeconds(10), "display-message", "-p", "-t", session, "#{pane_dead}").trim().equals("1")) {
                return;
            }
        }
        throw new AssertionError("the program did not end within " + timeout + "; its screen:\n" + String.join("\n", capture(false)));
    }

    @Override
    public void close() throws Exception {
        run(Duration.ofSeconds(10), "kill-server");
    }

    private String run(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            String shown = String.join(" ", args);
            throw new AssertionError("tmux " + shown.substring(0, Math.min(80, shown.length())) + " did not end within " + timeout);
        }
        reader.join(5000);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
