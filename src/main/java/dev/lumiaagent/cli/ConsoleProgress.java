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
    private List<String> plan = List.of();
    private int stepIndex;
    private long lastPlainLine;
    private boolean lineOpen;

    ConsoleProgress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
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
            out.print("\r      " + bar + status + "\033[K");
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

    static String bar(double fraction) {
        int width = 24;
        int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width);
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + String.format("%3d%%", Math.round(fraction * 100));
    }

}
