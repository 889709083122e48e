package dev.lumiaagent.cli;

import dev.lumiaagent.job.JobListener;
import dev.lumiaagent.bench.Tally;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.PhoneWatcher;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.view.BenchEvent;
import dev.lumiaagent.view.BenchSnapshot;
import dev.lumiaagent.view.BenchView;
import dev.lumiaagent.view.PhoneWords;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The bench as people see it in a terminal. It feeds the one view model ({@link BenchView}); on a terminal it
 * redraws the block of {@link BenchScreen} in place a few times a second, fitted to the terminal's width and height
 * (a resize is followed), with the view's events scrolling above it; piped to a file it prints plain lines prefixed
 * with the port, {@code <1-1.3>}, with no control codes, and at most one progress line per port per quarter of a step.
 */
final class BenchConsole implements JobListener, AutoCloseable {
    private static final String CLEAR_LINE = "\033[K";
    /** The row of a phone that was queued when the run was stopped. */
    static final String NOT_STARTED = "not started (queued) — run the job for it again";

    private final PrintWriter out;
    private final boolean terminal;
    private final BenchView view;
    private final ScreenSize screen;
    private final Map<PortPath, List<String>> plans = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    private final Map<PortPath, Integer> quarters = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    private final ScheduledExecutorService redraw;
    private int drawn;
    private long drawnVersion = -1;
    private long printedSeq;
    private int lastWidth;
    private int lastHeight;

    /** A console for {@code view} (which it feeds): live on a terminal of {@code screen}'s size, plain lines otherwise. */
    BenchConsole(PrintWriter out, boolean terminal, BenchView view, ScreenSize screen) {
        this.out = out;
        this.terminal = terminal;
        this.view = view;
        this.screen = screen;
        if (terminal) {
            redraw = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "bench-console");
                t.setDaemon(true);
                return t;
            });
            redraw.scheduleAtFixedRate(this::draw, 250, 250, TimeUnit.MILLISECONDS);
        } else {
            redraw = null;
        }
    }

    /** The view model this console feeds (the web dashboard renders the same one). */
    BenchView view() {
        return view;
    }

    /** A plain line (piped output only: on a terminal, the view's events are drawn above the block). */
    private synchronized void plain(String text) {
        if (!terminal) {
            out.println(text);
            out.flush();
        }
    }

    @Override
    public void note(String line) {
        view.note(line);
        plain("   " + line);
    }

    @Override
    public void queued(UsbDevice device) {
        view.queued(device);
        plain("<" + device.port() + "> queued (" + device.personality().mode().label() + ")");
    }

    @Override
    public void jobStarted(PortPath port, JobRecord r) {
        view.jobStarted(port, r);
        plain("<" + port + "> " + r.command + " started (job " + r.jobId + "): " + phone(r));
    }

    @Override
    public void planned(PortPath port, String flow, List<String> steps) {
        view.planned(port, flow, steps);
        synchronized (this) {
            plans.put(port, List.copyOf(steps));
        }
    }

    @Override
    public void stepStarted(PortPath port, String step, String description, Duration bound) {
        view.stepStarted(port, step, description, bound);
        if (!terminal) {
            List<String> plan;
            synchronized (this) {
                plan = plans.getOrDefault(port, List.of());
                quarters.put(port, -1);
            }
            plain("<" + port + "> [" + (plan.indexOf(step) + 1) + "/" + plan.size() + "] " + step + " — " + description + " (up to "
                    + PhoneWatcher.human(bound) + ")");
        }
    }

    @Override
    public void progress(PortPath port, String step, double fraction, String status) {
        view.progress(port, step, fraction, status);
        if (!terminal) {
            boolean print = false;
            synchronized (this) {
                int last = quarters.getOrDefault(port, -1);
                int quarter = fraction < 0 ? last : (int) Math.floor(fraction * 4);
                if (quarter > last) {
                    quarters.put(port, quarter);
                    print = true;
                }
            }
            if (print) {
                plain("<" + port + ">     " + step + (fraction >= 0 ? String.format(" %3d%%", Math.round(fraction * 100)) : "") + "  " + status);
            }
        }
    }

    @Override
    public void waiting(PortPath port, String step, Duration waited, Duration bound, String status) {
        view.waiting(port, step, waited, bound, status);
        // piped: a wait is said once per step (its start line gives the bound); the outcome says how it ended
    }

    @Override
    public void actionRequired(PortPath port, String step, List<String> instructions) {
        view.actionRequired(port, step, instructions);
        plain("<" + port + "> >>> at the phone on " + port + ": " + String.join(" ", instructions));
    }

    @Override
    public void gate(PortPath port, dev.lumiaagent.flow.gate.GateResult result) {
        view.gate(port, result);
    }

    @Override
    public void stepFinished(PortPath port, String step, boolean ok, String detail) {
        view.stepFinished(port, step, ok, detail);
        if (!ok) {
            plain("<" + port + ">     " + step + " failed: " + detail);
        }
    }

    @Override
    public void retrying(PortPath port, int attempt, int attempts, Outcome failed) {
        view.retrying(port, attempt, attempts, failed);
        plain("<" + port + "> attempt " + attempt + " of " + attempts + " failed (" + failed.reason() + "): " + failed.summary()
                + " Waiting for the phone to be back on its port to try again.");
    }

    @Override
    public void jobFinished(PortPath port, JobRecord r) {
        view.jobFinished(port, r);
        if (!terminal) {
            String end = r.succeeded() ? "DONE" : r.skipped() ? "SKIPPED" : Tally.interrupted(r) ? interruptedRow(r) : "FAILED " + r.outcome;
            plain("<" + port + "> " + end + ": " + r.summary + (r.nextStep != null && !Tally.interrupted(r) ? " Next step: " + r.nextStep : ""));
            if (r.notRecorded != null) {
                plain("<" + port + "> record not complete: " + r.notRecorded);
            }
            plain("   " + view.snapshot().totals().line());
        }
    }

    @Override
    public void leftAlone(UsbDevice device, String why) {
        view.leftAlone(device, why);
        plain("<" + device.port() + "> left alone: " + why);
    }

    /** What the tally, the event line and the port line say of an interrupted job: the one command that finishes it. */
    static String interruptedRow(JobRecord r) {
        return "INTERRUPTED — resumable: " + Tally.resumeCommand(r.port);
    }

    /** The phone in a line: model and IMEI, or what a phone without IMEI tells (view.PhoneWords). */
    static String phone(JobRecord r) {
        String p = PhoneWords.of(r);
        return r.startMode != null && r.productType != null ? p + ", was in " + PhoneWords.mode(r.startMode) : p;
    }

    /**
     * Redraws the block: the events since the last drawing first (they scroll away above, whole, wrapped to the width),
     * then the block of {@link BenchScreen}: every line narrower than the terminal, so moving back over it is exact.
     * A resize clears the screen and draws again (the terminal may have re-wrapped what was there).
     */
    private synchronized void draw() {
        try {
            int width = Math.max(BenchScreen.MIN_WIDTH, screen.width());
            int height = Math.max(8, screen.height());
            BenchSnapshot s = view.snapshot();
            boolean resized = lastWidth != 0 && (width != lastWidth || height != lastHeight);
            if (!resized && s.version() == drawnVersion) {
                return;
            }
            StringBuilder b = new StringBuilder();
            List<BenchEvent> events = view.eventsAfter(printedSeq);
            if (resized) {
                b.append("\033[H\033[2J");
                drawn = 0;
                List<BenchEvent> all = view.eventsAfter(0);
                events = all.subList(Math.max(0, all.size() - height / 3), all.size());
            } else if (drawn > 0) {
                b.append("\033[").append(drawn).append('F');
            }
            for (BenchEvent e : events) {
                String text = (e.port() == null ? "   " : "<" + e.port() + "> ") + e.text();
                for (String line : BenchScreen.wrap(text, width - 1, 0, 4)) {
                    b.append(line).append(CLEAR_LINE).append('\n');
                }
                printedSeq = Math.max(printedSeq, e.seq());
            }
            List<String> block = BenchScreen.render(s, width, height - 1);
            for (String line : block) {
                b.append(line).append(CLEAR_LINE).append('\n');
            }
            b.append("\033[J");
            drawn = block.size();
            drawnVersion = s.version();
            lastWidth = width;
            lastHeight = height;
            out.print(b);
            out.flush();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(BenchConsole.class).warn("drawing the bench failed: {}", e.toString());
        }
    }

    /** The closing tally: counts, then every failure and skip with its port, phone, reason and next step. */
    void printTally(String what, Tally tally, String records) {
        stopRedrawing();
        synchronized (this) {
            if (terminal) {
                drawnVersion = -1;
                draw();
            }
            out.println();
            out.println(what + ": " + tally.total() + " phone" + (tally.total() == 1 ? "" : "s") + " — " + tally.line());
            if (tally.total() == 0) {
                out.println("No phone was worked on. Next step: plug the phones in (any mode the job can start from) and check "
                        + "that `lumia-agent devices` lists them.");
            }
            List<JobRecord> stopped = tally.jobs().stream().filter(Tally::interrupted).toList();
            if (!stopped.isEmpty()) {
                out.println("Interrupted (unfinished, not failed):");
                for (JobRecord r : stopped) {
                    out.println("  " + r.port + "  " + phone(r) + "  " + interruptedRow(r));
                }
            }
            if (!tally.notStarted().isEmpty()) {
                out.println("Not started (queued when stopped; nothing was done to them):");
                for (String p : tally.notStarted()) {
                    out.println("  " + p + "  " + NOT_STARTED);
                }
            }
            List<JobRecord> failures = tally.jobs().stream().filter(r -> !r.succeeded() && !r.skipped() && !Tally.interrupted(r)).toList();
            if (!failures.isEmpty()) {
                out.println("Failed:");
                for (JobRecord r : failures) {
                    out.println("  " + r.port + "  " + phone(r) + "  " + r.outcome + ": " + r.summary);
                    if (r.nextStep != null) {
                        out.println("      next step: " + r.nextStep);
                    }
                }
            }
            List<JobRecord> skips = tally.jobs().stream().filter(JobRecord::skipped).toList();
            if (!skips.isEmpty() || !tally.emptyPorts().isEmpty()) {
                out.println("Skipped:");
                for (JobRecord r : skips) {
                    out.println("  " + r.port + "  " + phone(r) + "  " + r.summary);
                }
                for (String p : tally.emptyPorts()) {
                    out.println("  " + p + "  no phone on this port");
                }
            }
            List<JobRecord> unrecorded = tally.notRecorded();
            if (!unrecorded.isEmpty()) {
                out.println("Not recorded (the store was failing when they ended; their job files hold them):");
                for (JobRecord r : unrecorded) {
                    out.println("  " + r.port + "  " + phone(r) + "  " + r.notRecorded);
                }
                out.println("      next step: when the store works again, `" + dev.lumiaagent.job.UnrecordedJob.SYNC_COMMAND
                        + "` completes their records");
            }
            out.println("Records: " + records + " (`lumia-agent report`, `lumia-agent diag JOB`).");
            out.flush();
        }
    }

    private void stopRedrawing() {
        if (redraw != null) {
            redraw.shutdownNow();
        }
    }

    @Override
    public void close() {
        stopRedrawing();
        screen.close();
    }
}
