package dev.lumiaagent.cli;

import dev.lumiaagent.job.JobListener;
import dev.lumiaagent.bench.Tally;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.PhoneWatcher;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
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
 * The bench as people see it, one line per port (uuu-style) under running totals. On a terminal the
 * block of port lines is redrawn in place a few times a second and events scroll above it; piped to a
 * file it prints plain lines prefixed with the port, {@code <1-1.3>}, with no control codes, and at most
 * one progress line per port per quarter of a step.
 */
final class BenchConsole implements JobListener, AutoCloseable {
    private static final String CLEAR_LINE = "\033[K";
    /** The row of a phone that was queued when the run was stopped. */
    static final String NOT_STARTED = "not started (queued) — run the job for it again";

    private static final class Line {
        String phone = "";
        String step = "queued";
        int stepIndex;
        int steps;
        double fraction = -1;
        String status = "";
        String end;
        int lastQuarter = -1;
    }

    private final PrintWriter out;
    private final boolean terminal;
    private final int width;
    private final Map<PortPath, Line> ports = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    private final Map<PortPath, List<String>> plans = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    private final List<String> scroll = new ArrayList<>();
    private final ScheduledExecutorService redraw;
    private int drawn;
    private int succeeded;
    private int failed;
    private int skipped;
    private int interrupted;

    BenchConsole(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
        int cols = 120;
        try {
            cols = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "120"));
        } catch (NumberFormatException e) {
            // keep 120
        }
        this.width = Math.max(60, cols);
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

    private synchronized Line line(PortPath port) {
        return ports.computeIfAbsent(port, p -> new Line());
    }

    /** An event line: above the block on a terminal, a plain line otherwise. */
    private synchronized void event(String text) {
        if (terminal) {
            scroll.add(text);
        } else {
            out.println(text);
            out.flush();
        }
    }

    @Override
    public void note(String line) {
        event("   " + line);
    }

    @Override
    public void queued(UsbDevice device) {
        synchronized (this) {
            line(device.port()).phone = device.personality().mode().label();
        }
        if (!terminal) {
            event("<" + device.port() + "> queued (" + device.personality().mode().label() + ")");
        }
    }

    @Override
    public void jobStarted(PortPath port, JobRecord r) {
        String who = phone(r);
        synchronized (this) {
            Line l = line(port);
            l.phone = shortPhone(r);
            l.step = "starting";
            l.end = null;
        }
        event("<" + port + "> " + r.command + " started (job " + r.jobId + "): " + who);
    }

    @Override
    public synchronized void planned(PortPath port, String flow, List<String> steps) {
        plans.put(port, List.copyOf(steps));
        line(port).steps = steps.size();
    }

    @Override
    public void stepStarted(PortPath port, String step, String description, Duration bound) {
        int index;
        int total;
        synchronized (this) {
            Line l = line(port);
            List<String> plan = plans.getOrDefault(port, List.of());
            l.stepIndex = plan.indexOf(step) + 1;
            l.step = step;
            l.fraction = -1;
            l.status = "";
            l.lastQuarter = -1;
            index = l.stepIndex;
            total = l.steps;
        }
        if (!terminal) {
            event("<" + port + "> [" + index + "/" + total + "] " + step + " — " + description + " (up to " + PhoneWatcher.human(bound) + ")");
        }
    }

    @Override
    public void progress(PortPath port, String step, double fraction, String status) {
        boolean print = false;
        synchronized (this) {
            Line l = line(port);
            l.fraction = fraction;
            l.status = status;
            int quarter = fraction < 0 ? l.lastQuarter : (int) Math.floor(fraction * 4);
            if (quarter > l.lastQuarter) {
                l.lastQuarter = quarter;
                print = true;
            }
        }
        if (!terminal && print) {
            event("<" + port + ">     " + step + (fraction >= 0 ? String.format(" %3d%%", Math.round(fraction * 100)) : "") + "  " + status);
        }
    }

    @Override
    public void actionRequired(PortPath port, String step, List<String> instructions) {
        event("<" + port + "> >>> at the phone on " + port + ": " + String.join(" ", instructions));
    }

    @Override
    public void stepFinished(PortPath port, String step, boolean ok, String detail) {
        if (!terminal && !ok) {
            event("<" + port + ">     " + step + " failed: " + detail);
        }
    }

    @Override
    public void retrying(PortPath port, int attempt, int attempts, Outcome failed) {
        synchronized (this) {
            line(port).step = "waiting to retry";
        }
        event("<" + port + "> attempt " + attempt + " of " + attempts + " failed (" + failed.reason() + "): " + failed.summary()
                + " Waiting for the phone to be back on its port to try again.");
    }

    @Override
    public void jobFinished(PortPath port, JobRecord r) {
        String end;
        synchronized (this) {
            if (r.succeeded()) {
                succeeded++;
                end = "DONE";
            } else if (r.skipped()) {
                skipped++;
                end = "SKIPPED";
            } else if (Tally.interrupted(r)) {
                interrupted++;
                end = interruptedRow(r);
            } else {
                failed++;
                end = "FAILED " + r.outcome;
            }
            Line l = line(port);
            l.end = end;
            l.phone = shortPhone(r);
        }
        event("<" + port + "> " + end + ": " + r.summary + (r.nextStep != null && !Tally.interrupted(r) ? " Next step: " + r.nextStep : ""));
        if (r.notRecorded != null) {
            event("<" + port + "> record not complete: " + r.notRecorded);
        }
        if (!terminal) {
            event("   " + totals());
        }
    }

    @Override
    public void leftAlone(UsbDevice device, String why) {
        event("<" + device.port() + "> left alone: " + why);
    }

    private synchronized String totals() {
        long running = ports.values().stream().filter(l -> l.end == null && !l.step.equals("queued")).count();
        long queued = ports.values().stream().filter(l -> l.end == null && l.step.equals("queued")).count();
        return "Succeeded " + succeeded + " · Failed " + failed + " · Skipped " + skipped + (interrupted > 0 ? " · Interrupted " + interrupted : "")
                + " · Running " + running + " · Queued " + queued;
    }

    /** What the tally, the event line and the port line say of an interrupted job: the one command that finishes it. */
    static String interruptedRow(JobRecord r) {
        return "INTERRUPTED — resumable: " + Tally.resumeCommand(r.port);
    }

    /** The phone in a port line: product type and IMEI (or USB serial). */
    static String shortPhone(JobRecord r) {
        String who = r.imei != null ? "IMEI " + r.imei : r.usbSerial != null ? "USB serial " + r.usbSerial : "";
        String s = (r.productType != null ? r.productType + (who.isEmpty() ? "" : ", ") : "") + who;
        return s.isEmpty() ? "unknown phone" : s;
    }

    static String phone(JobRecord r) {
        List<String> parts = new ArrayList<>();
        if (r.productType != null) {
            parts.add(r.productType);
        }
        if (r.imei != null) {
            parts.add("IMEI " + r.imei);
        } else if (r.usbSerial != null) {
            parts.add("USB serial " + r.usbSerial);
        }
        if (r.startMode != null) {
            String mode;
            try {
                mode = dev.lumiaagent.transport.discovery.Mode.valueOf(r.startMode).label();
            } catch (IllegalArgumentException e) {
                mode = r.startMode;
            }
            parts.add("was in " + mode);
        }
        return parts.isEmpty() ? "unknown phone" : String.join(", ", parts);
    }

    /** Redraws the block: events first (they scroll away above), then the totals and one line per port. */
    private synchronized void draw() {
        StringBuilder b = new StringBuilder();
        if (drawn > 0) {
            b.append("\033[").append(drawn).append('F');
        }
        for (String s : scroll) {
            b.append(cut(s)).append(CLEAR_LINE).append('\n');
        }
        scroll.clear();
        List<String> block = new ArrayList<>();
        block.add(totals());
        for (Map.Entry<PortPath, Line> e : ports.entrySet()) {
            Line l = e.getValue();
            String state;
            if (l.end != null) {
                state = l.end;
            } else {
                state = (l.stepIndex > 0 ? "[" + l.stepIndex + "/" + l.steps + "] " : "") + l.step
                        + (l.fraction >= 0 ? " " + ConsoleProgress.bar(l.fraction) : "") + (l.status.isEmpty() ? "" : "  " + l.status);
            }
            block.add(String.format("%-9s %-34s %s", e.getKey(), cut34(l.phone), state));
        }
        for (String s : block) {
            b.append(cut(s)).append(CLEAR_LINE).append('\n');
        }
        b.append("\033[J");
        drawn = block.size();
        out.print(b);
        out.flush();
    }

    private String cut(String s) {
        return s.length() <= width - 1 ? s : s.substring(0, width - 2) + "…";
    }

    private static String cut34(String s) {
        return s.length() <= 34 ? s : s.substring(0, 33) + "…";
    }

    /** The closing tally: counts, then every failure and skip with its port, phone, reason and next step. */
    void printTally(String what, Tally tally, String records) {
        close();
        synchronized (this) {
            if (terminal) {
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

    @Override
    public void close() {
        if (redraw != null) {
            redraw.shutdownNow();
        }
    }
}
