package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.testing.RequiredTool;
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
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench view in a real terminal, as a new user saw it fail: tmux gives the agent a pseudo-terminal of a set size,
 * and what the screen shows is read back with {@code capture-pane}. A simulated bench of six phones soft-resets (one
 * of them has a dead battery and fails); the terminal is narrowed while it runs. On the screen: no line wrapped by the
 * terminal (each redraw fits), the block's totals line once (no leftovers of earlier redraws), the failure's next
 * step whole.
 */
class TerminalViewTmuxTest {
    private static final Pattern TOTALS = Pattern.compile("^batch soft-reset — Succeeded");
    @TempDir
    Path dir;
    private String socket;

    @BeforeEach
    void tmux() {
        RequiredTool.require("tmux", onPath("tmux"), "runs the agent in a real terminal of a set size (Debian package tmux)");
        socket = "lumia-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    @AfterEach
    void killServer() throws Exception {
        if (socket != null) {
            tmux(Duration.ofSeconds(10), "kill-server");
        }
    }

    @Test
    void theBenchFitsTheTerminalFollowsAResizeAndLeavesNothingBehind() throws Exception {
        Path conf = dir.resolve("tmux.conf");
        // the pane stays when the agent exits, so its last screen can be read
        Files.writeString(conf, "set -g remain-on-exit on\nset -g history-limit 5000\n");
        List<String> cmd = new ArrayList<>(List.of("-f", conf.toString(), "new-session", "-d", "-s", "bench", "-x", "100", "-y", "40",
                "-e", "XDG_DATA_HOME=" + dir.resolve("data"), "-e", "TERM=xterm-256color", "-e", "COLUMNS=", "-e", "LINES=",
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "batch", "soft-reset", "--simulate", "6"));
        tmux(Duration.ofSeconds(20), cmd.toArray(String[]::new));
        // Once the block is on the screen, narrow the terminal to 64 columns while the phones reset: the agent follows, and
        // the screen soon shows one drawing of the block, every row of it narrower than the terminal (none wrapped).
        awaitScreen(s -> s.stream().anyMatch(l -> TOTALS.matcher(l).find()), Duration.ofSeconds(60));
        tmux(Duration.ofSeconds(10), "resize-window", "-t", "bench", "-x", "64", "-y", "30");
        awaitScreen(s -> s.stream().filter(l -> TOTALS.matcher(l).find()).count() == 1 && s.stream().allMatch(l -> l.length() < 64)
                && s.stream().anyMatch(l -> l.matches("^1-\\d\\s+(running|waiting|!! ACT NOW|queued).*")), Duration.ofSeconds(60));
        List<String> midRun = capture(false);
        assertThat(midRun.stream().filter(l -> l.startsWith("1-")).map(l -> l.split("\\s+")[0]).toList())
                .as("each port once on the screen: %s", String.join("\n", midRun)).doesNotHaveDuplicates();
        awaitPaneDead(Duration.ofSeconds(120));
        List<String> history = capture(true);
        String all = String.join("\n", history);
        assertThat(all).contains("Batch soft-reset: 6 phones — Succeeded 5 · Failed 1");
        List<String> joined = captureJoined();
        // the last drawing before the tally: the DONE rows name the phone (model and IMEI), not the mode it was found in;
        // no row of it filled the terminal's width (which would have wrapped)
        int from = indexOf(history, "Batch soft-reset: 6 phones");
        List<String> lastDrawing = history.subList(Math.max(0, from - 20), from);
        assertThat(String.join("\n", lastDrawing)).containsPattern("1-1\\s+DONE\\s+RM-\\d+, IMEI \\d{15}");
        for (String l : lastDrawing) {
            assertThat(l.length()).as("a drawn line wider than the terminal: " + l).isLessThan(64);
        }
        // the failed phone's next step, whole (the tally prints it on one line: the terminal wraps it, joined here)
        assertThat(String.join(" ", joined)).contains("next step: Charge the phone for at least 20 minutes (wall charger), then run the soft reset again.");
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no line with " + text + " in " + String.join("\n", lines));
    }

    private List<String> capture(boolean history) throws Exception {
        List<String> args = new ArrayList<>(List.of("capture-pane", "-p", "-t", "bench"));
        if (history) {
            args.addAll(List.of("-S", "-5000"));
        }
        return Arrays.asList(tmux(Duration.ofSeconds(10), args.toArray(String[]::new)).split("\n", -1));
    }

    /** The history with lines the terminal wrapped joined back (-J): a line the agent drew is one line here. */
    private List<String> captureJoined() throws Exception {
        return Arrays.asList(tmux(Duration.ofSeconds(10), "capture-pane", "-p", "-J", "-t", "bench", "-S", "-5000").split("\n", -1));
    }

    private interface ScreenCheck {
        boolean test(List<String> screen);
    }

    /** Polls the screen until {@code check} holds (each look is a tmux round trip), failing with the screen at the deadline. */
    private void awaitScreen(ScreenCheck check, Duration timeout) throws Exception {
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

    /** Polls tmux until the agent's pane is dead (the agent exited), failing with its screen at the deadline. */
    private void awaitPaneDead(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (tmux(Duration.ofSeconds(10), "display-message", "-p", "-t", "bench", "#{pane_dead}").trim().equals("1")) {
                return;
            }
        }
        throw new AssertionError("the agent did not end within " + timeout + "; its screen:\n" + String.join("\n", capture(false)));
    }

    private String tmux(Duration timeout, String... args) throws IOException, InterruptedException {
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
            throw new AssertionError("tmux " + String.join(" ", args).substring(0, Math.min(80, String.join(" ", args).length()))
                    + " did not end within " + timeout);
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
