package dev.lumiaagent.cli;

import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.PhoneWatcher;
import dev.lumiaagent.transport.PortPath;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * Shows a flow to a person: the plan, each step with its bound, what is being waited for and for how
 * long, instructions when a person must act, and the outcome with its next step. On a terminal the
 * waiting line is redrawn in place; piped to a file it prints plain lines, at most one per second.
 */
final class ConsoleProgress implements FlowListener {
    private final PrintWriter out;
    private final boolean terminal;
    private final java.util.function.IntSupplier width;
    private List<String> plan = List.of();
    private int stepIndex;
    private long lastPlainLine;
    private boolean lineOpen;

    ConsoleProgress(PrintWriter out, boolean terminal) {
        this(out, terminal, () -> terminal ? ScreenSize.process().width() : ScreenSize.fromEnvironment().width());
    }

    /** {@code width}: the terminal's columns, asked at each redraw (so a resize is followed). */
    ConsoleProgress(PrintWriter out, boolean terminal, java.util.function.IntSupplier width) {
        this.out = out;
        this.terminal = terminal;
        this.width = width;
    }

    @Override
    public synchronized void planned(PortPath port, String flow, List<String> steps) {
        this.plan = List.copyOf(steps);
        out.println(flow + " on " + port + ": " + String.join(" → ", steps));
        out.flush();
    }

    @Override
    public synchronized void stepStarted(PortPath port, String step, String description, Duration bound) {
        closeLine();
        int i = plan.indexOf(step);
        stepIndex = i >= 0 ? i + 1 : stepIndex;
        out.printf("[%d/%d] %s — %s (up to %s)%n", stepIndex, plan.size(), step, description, PhoneWatcher.human(bound));
        out.flush();
    }

    @Override
    public synchronized void progress(PortPath port, String step, double fraction, String status) {
        String bar = fraction >= 0 ? bar(fraction) + " " : "";
        if (terminal) {
            // redrawn in place: cut to the terminal's width so it never wraps (a wrapped line is not redrawn, it piles up);
            // the status of a moving step is a figure, not a reason: the outcome and next step are printed whole
            out.print("\r" + BenchScreen.fit("      " + bar + status, Math.max(BenchScreen.MIN_WIDTH, width.getAsInt()) - 1) + "\033[K");
            lineOpen = true;
            out.flush();
        } else {
            long now = System.nanoTime();
            if (now - lastPlainLine >= 1_000_000_000L) {
                lastPlainLine = now;
                out.println("      " + bar + status);
                out.flush();
            }
        }
    }

    @Override
    public synchronized void actionRequired(PortPath port, String step, List<String> instructions) {
        closeLine();
        out.println("      >>> Your turn, at the phone on " + port + ":");
        for (String line : instructions) {
            out.println("      >>>   " + line);
        }
        out.flush();
    }

    @Override
    public synchronized void stepFinished(PortPath port, String step, boolean ok, String detail) {
        closeLine();
        out.println("      " + (ok ? "ok" : "FAILED") + (detail.isEmpty() ? "" : ": " + detail));
        out.flush();
    }

    @Override
    public synchronized void finished(PortPath port, String flow, Outcome outcome) {
        closeLine();
        out.println();
        out.println(outcome.succeeded() ? "Done: " + outcome.summary() : "Failed (" + outcome.reason() + "): " + outcome.summary());
        if (!outcome.nextStep().isEmpty()) {
            out.println("Next step: " + outcome.nextStep());
        }
        out.flush();
    }

    private void closeLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }

    /** The single phone's bar: the bench screen's, 24 cells wide. */
    static String bar(double fraction) {
        return BenchScreen.bar(fraction, 24);
    }

}
