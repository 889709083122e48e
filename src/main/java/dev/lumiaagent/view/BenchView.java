package dev.lumiaagent.view;

import dev.lumiaagent.bench.Tally;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.job.JobListener;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one view model of a bench (DESIGN: cli and web render one view model): fed by the bench's events, it keeps
 * per port the phone, its job's step, progress, rate and time left, the attention a person must give, and the
 * outcome with its next step; the totals; and the latest events. The terminal view and the web dashboard both
 * render its {@link #snapshot()}; observers hear of each change and each event (they must not block).
 *
 * <p>Time left is measured, not guessed: from the step's progress over the time since its first progress report
 * (on the bench's clock, so a simulated bench shows simulated time). A waiting step (a reboot, a reset) has no
 * rate: it shows how long it has waited and its bound instead of a bar.
 */
public final class BenchView implements JobListener {
    private static final Logger LOG = LoggerFactory.getLogger(BenchView.class);
    /** How many events a snapshot carries and a reconnecting client can ask for. */
    public static final int EVENTS_KEPT = 200;
    private static final Duration ETA_AFTER = Duration.ofSeconds(2);

    /** Hears of the bench's changes. Must not block; one that throws is logged and dropped from that call. */
    public interface Observer {
        /** The bench changed ({@code version} grew). */
        default void changed(long version) {
        }

        /** Something happened. */
        default void event(BenchEvent event) {
        }
    }

    private static final class Row {
        String phone;
        String model;
        String imei;
        String serial;
        String mode;
        Integer battery;
        String command;
        String jobId;
        PortState state = PortState.QUEUED;
        String step = "";
        List<String> plan = List.of();
        int stepIndex;
        String activity = "";
        double fraction = -1;
        String status = "";
        long waited = -1;
        long bound;
        Instant rateFrom;
        double fractionFrom = -1;
        long eta = -1;
        List<String> instructions = List.of();
        /** The step that asked a person to act (its instructions are shown until the step after it ends). */
        String askedIn;
        /** The asking step ended: the next step is the one that waits for what the person does. */
        boolean awaitingPerson;
        String outcome;
        String summary;
        String nextStep;
        int attempt = 1;
    }

    private final AgentClock clock;
    private final String title;
    private final Map<String, Row> rows = new TreeMap<>(PortOrder.COMPARATOR);
    private final Deque<BenchEvent> events = new ArrayDeque<>();
    private final List<Observer> observers = new CopyOnWriteArrayList<>();
    private long version;
    private long seq;

    /** @param title what the bench runs, in words ("station: reflash", "batch: hard-reset --method usb-wipe") */
    public BenchView(AgentClock clock, String title) {
        this.clock = clock;
        this.title = title;
    }

    public String title() {
        return title;
    }

    public void addObserver(Observer o) {
        observers.add(o);
    }

    public void removeObserver(Observer o) {
        observers.remove(o);
    }

    /** The bench now: totals, every port (those that need a person first, then by port), the latest events. */
    public synchronized BenchSnapshot snapshot() {
        List<PortView> ports = new ArrayList<>();
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            ports.add(view(e.getKey(), e.getValue()));
        }
        ports.sort(Comparator.comparingInt((PortView p) -> p.needsPerson() ? p.state().ordinal() : Integer.MAX_VALUE)
                .thenComparing(PortView::port, PortOrder.COMPARATOR));
        return new BenchSnapshot(version, clock.now().toString(), title, totals(), ports, List.copyOf(events));
    }

    /** The events after {@code afterSeq} still kept (a reconnecting client's catch-up). */
    public synchronized List<BenchEvent> eventsAfter(long afterSeq) {
        return events.stream().filter(e -> e.seq() > afterSeq).toList();
    }

    public synchronized long version() {
        return version;
    }

    private BenchTotals totals() {
        int ok = 0;
        int failed = 0;
        int skipped = 0;
        int interrupted = 0;
        int running = 0;
        int waiting = 0;
        int queued = 0;
        int person = 0;
        for (Row r : rows.values()) {
            switch (r.state) {
                case DONE -> ok++;
                case FAILED -> failed++;
                case SKIPPED, LEFT_ALONE -> skipped++;
                case INTERRUPTED -> interrupted++;
                case WAITING, RETRYING -> waiting++;
                case QUEUED -> queued++;
                case RUNNING, ATTENTION -> running++;
            }
            if (r.state.needsPerson()) {
                person++;
            }
        }
        return new BenchTotals(ok, failed, skipped, interrupted, running, waiting, queued, person);
    }

    private static PortView view(String port, Row r) {
        return new PortView(port, r.phone == null ? "no phone read yet" : r.phone, r.model, r.imei, r.serial, r.mode, r.battery, r.command,
                r.jobId, r.state, r.step, r.stepIndex, r.plan.size(), r.activity, r.fraction, r.status, r.waited, r.bound, r.eta,
                r.instructions, r.outcome, r.summary, r.nextStep, r.attempt);
    }

    private Row row(PortPath port) {
        return rows.computeIfAbsent(port.toString(), p -> new Row());
    }

    /** Changes the row under the lock, then tells the observers (outside it). */
    private void change(PortPath port, Consumer<Row> update, BenchEvent.Kind kind, String text) {
        long v;
        BenchEvent ev = null;
        synchronized (this) {
            if (port != null) {
                update.accept(row(port));
            }
            v = ++version;
            if (kind != null) {
                ev = new BenchEvent(++seq, clock.now().toString(), port == null ? null : port.toString(), kind, text);
                events.addLast(ev);
                while (events.size() > EVENTS_KEPT) {
                    events.removeFirst();
                }
            }
        }
        for (Observer o : observers) {
            try {
                if (ev != null) {
                    o.event(ev);
                }
                o.changed(v);
            } catch (RuntimeException e) {
                LOG.warn("A bench view observer failed: {}", e.toString());
            }
        }
    }

    private static void phoneFrom(Row row, JobRecord r) {
        row.phone = PhoneWords.of(r);
        row.model = PhoneWords.model(r);
        row.imei = r.imei;
        row.serial = PhoneWords.serial(r);
        row.mode = PhoneWords.mode(r.startMode);
        String battery = r.deviceInfo.get("batteryPercent");
        if (battery != null) {
            try {
                row.battery = Integer.valueOf(battery.trim());
            } catch (NumberFormatException e) {
                row.battery = null;
            }
        }
    }

    @Override
    public void note(String line) {
        change(null, r -> { }, BenchEvent.Kind.NOTE, line);
    }

    @Override
    public void queued(UsbDevice device) {
        change(device.port(), r -> {
            r.state = PortState.QUEUED;
            r.phone = PhoneWords.of(device);
            r.mode = device.personality().mode().label();
            r.outcome = null;
            r.summary = null;
            r.nextStep = null;
            r.instructions = List.of();
        }, BenchEvent.Kind.QUEUED, "queued (" + device.personality().mode().label() + ")");
    }

    @Override
    public void jobStarted(PortPath port, JobRecord record) {
        change(port, r -> {
            phoneFrom(r, record);
            r.command = record.command;
            r.jobId = record.jobId;
            r.state = PortState.RUNNING;
            r.askedIn = null;
            r.awaitingPerson = false;
            r.step = "starting";
            r.plan = List.of();
            r.stepIndex = 0;
            r.activity = "";
            r.fraction = -1;
            r.status = "";
            r.waited = -1;
            r.eta = -1;
            r.instructions = List.of();
            r.outcome = null;
            r.summary = null;
            r.nextStep = null;
            r.attempt = Math.max(1, record.attempts);
        }, BenchEvent.Kind.STARTED, record.command + " started (job " + record.jobId + "): " + PhoneWords.of(record));
    }

    @Override
    public void planned(PortPath port, String flow, List<String> steps) {
        change(port, r -> {
            r.plan = List.copyOf(steps);
            r.stepIndex = steps.indexOf(r.step) + 1;
        }, null, null);
    }

    @Override
    public void stepStarted(PortPath port, String step, String description, Duration bound) {
        change(port, r -> {
            r.step = step;
            r.stepIndex = r.plan.indexOf(step) + 1;
            r.activity = description;
            r.bound = bound.toSeconds();
            r.fraction = -1;
            r.status = "";
            r.waited = -1;
            r.eta = -1;
            r.rateFrom = null;
            r.fractionFrom = -1;
            if (r.awaitingPerson && r.state == PortState.ATTENTION) {
                // The flows ask in a step of their own and wait for the person's act in the next one (the phone
                // leaving the bus as it restarts): the instructions stay up while that step waits.
                r.awaitingPerson = false;
                return;
            }
            r.awaitingPerson = false;
            r.askedIn = null;
            r.instructions = List.of();
            if (!r.state.ended()) {
                r.state = PortState.RUNNING;
            }
        }, null, null);
    }

    @Override
    public void progress(PortPath port, String step, double fraction, String status) {
        change(port, r -> {
            r.status = status;
            r.waited = -1;
            if (r.state == PortState.WAITING) {
                r.state = PortState.RUNNING;
            }
            if (fraction < 0) {
                r.fraction = -1;
                r.eta = -1;
                return;
            }
            Instant now = clock.now();
            r.fraction = Math.min(1.0, fraction);
            if (r.rateFrom == null || fraction < r.fractionFrom) {
                r.rateFrom = now;
                r.fractionFrom = fraction;
                r.eta = -1;
                return;
            }
            Duration spent = Duration.between(r.rateFrom, now);
            double moved = fraction - r.fractionFrom;
            if (spent.compareTo(ETA_AFTER) >= 0 && moved > 0) {
                r.eta = Math.round((1.0 - fraction) * spent.toMillis() / moved / 1000.0);
            }
        }, null, null);
    }

    @Override
    public void waiting(PortPath port, String step, Duration waited, Duration bound, String status) {
        change(port, r -> {
            if (!r.state.ended() && r.state != PortState.ATTENTION) {
                r.state = PortState.WAITING;
            }
            r.status = status;
            r.fraction = -1;
            r.eta = -1;
            r.waited = waited.toSeconds();
            r.bound = bound.toSeconds();
        }, null, null);
    }

    @Override
    public void actionRequired(PortPath port, String step, List<String> instructions) {
        change(port, r -> {
            r.state = PortState.ATTENTION;
            r.instructions = List.copyOf(instructions);
            r.askedIn = step;
            r.awaitingPerson = false;
        }, BenchEvent.Kind.ACTION, "at the phone on " + port + ": " + String.join(" ", instructions));
    }

    @Override
    public void stepFinished(PortPath port, String step, boolean ok, String detail) {
        change(port, r -> {
            if (ok && r.state == PortState.ATTENTION && step.equals(r.askedIn)) {
                // asked and returned: the person acts while the next step waits (see stepStarted)
                r.askedIn = null;
                r.awaitingPerson = true;
                return;
            }
            r.askedIn = null;
            r.awaitingPerson = false;
            if (r.state == PortState.ATTENTION || r.state == PortState.WAITING) {
                r.state = PortState.RUNNING;
            }
            r.instructions = List.of();
            if (ok && r.fraction >= 0) {
                r.fraction = 1.0;
                r.eta = 0;
            }
        }, ok ? null : BenchEvent.Kind.STEP_FAILED, ok ? null : step + " failed: " + detail);
    }

    @Override
    public void retrying(PortPath port, int attempt, int attempts, Outcome failed) {
        change(port, r -> {
            r.state = PortState.RETRYING;
            r.askedIn = null;
            r.awaitingPerson = false;
            r.instructions = List.of();
            r.attempt = attempt + 1;
            r.status = "attempt " + attempt + " of " + attempts + " failed (" + failed.reason() + "); waiting for the phone to try again";
            r.fraction = -1;
            r.eta = -1;
            r.waited = -1;
        }, BenchEvent.Kind.RETRY, "attempt " + attempt + " of " + attempts + " failed (" + failed.reason() + "): " + failed.summary()
                + " Waiting for the phone to be back on its port to try again.");
    }

    @Override
    public void jobFinished(PortPath port, JobRecord record) {
        PortState end = record.succeeded() ? PortState.DONE : record.skipped() ? PortState.SKIPPED
                : Tally.interrupted(record) ? PortState.INTERRUPTED : PortState.FAILED;
        String next = end == PortState.INTERRUPTED ? Tally.resumeCommand(record.port) : record.nextStep;
        change(port, r -> {
            phoneFrom(r, record);
            r.command = record.command;
            r.jobId = record.jobId;
            r.state = end;
            r.askedIn = null;
            r.awaitingPerson = false;
            r.outcome = record.outcome;
            r.summary = record.summary;
            r.nextStep = next;
            r.instructions = end.needsPerson() && next != null ? List.of(next) : List.of();
            r.waited = -1;
            r.eta = -1;
            r.attempt = Math.max(1, record.attempts);
        }, BenchEvent.Kind.FINISHED, end.words().toUpperCase(java.util.Locale.ROOT) + ": " + record.summary
                + (next != null && end != PortState.DONE ? " Next step: " + next : "")
                + (record.notRecorded != null ? " (record not complete: " + record.notRecorded + ")" : ""));
    }

    @Override
    public void leftAlone(UsbDevice device, String why) {
        change(device.port(), r -> {
            r.state = PortState.LEFT_ALONE;
            r.phone = PhoneWords.of(device);
            r.mode = device.personality().mode().label();
            r.summary = why;
            r.nextStep = null;
            r.instructions = List.of();
        }, BenchEvent.Kind.LEFT_ALONE, "left alone: " + why);
    }
}
