package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.testing.Tmux;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
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

    @Test
    void theBenchFitsTheTerminalFollowsAResizeAndLeavesNothingBehind() throws Exception {
        try (Tmux tmux = Tmux.startJava(dir, 100, 40, List.of("XDG_DATA_HOME=" + dir.resolve("data"), "TERM=xterm-256color", "COLUMNS=",
                "LINES="), Main.class, "batch", "soft-reset", "--simulate", "6")) {
            // Once the block is on the screen, narrow the terminal to 64 columns while the phones reset: the agent follows, and
            // the screen soon shows one drawing of the block, every row of it narrower than the terminal (none wrapped).
            tmux.awaitScreen(s -> s.stream().anyMatch(l -> TOTALS.matcher(l).find()), Duration.ofSeconds(60));
            tmux.resize(64, 30);
            tmux.awaitScreen(s -> s.stream().filter(l -> TOTALS.matcher(l).find()).count() == 1 && s.stream().allMatch(l -> l.length() < 64)
                    && s.stream().anyMatch(l -> l.matches("^1-\\d\\s+(running|waiting|!! ACT NOW|queued).*")), Duration.ofSeconds(60));
            List<String> midRun = tmux.capture(false);
            assertThat(midRun.stream().filter(l -> l.startsWith("1-")).map(l -> l.split("\\s+")[0]).toList())
                    .as("each port once on the screen: %s", String.join("\n", midRun)).doesNotHaveDuplicates();
            tmux.awaitExit(Duration.ofSeconds(120));
            List<String> history = tmux.capture(true);
            String all = String.join("\n", history);
            assertThat(all).contains("Batch soft-reset: 6 phones — Succeeded 5 · Failed 1");
            List<String> joined = tmux.captureJoined();
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
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no line with " + text + " in " + String.join("\n", lines));
    }
}
