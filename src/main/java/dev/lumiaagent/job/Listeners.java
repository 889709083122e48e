package dev.lumiaagent.job;

import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.gate.GateResult;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Many bench listeners as one; a listener that throws is logged and the others still hear the event. */
public final class Listeners implements JobListener {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
    private final List<JobListener> all = new CopyOnWriteArrayList<>();

    public Listeners(List<? extends JobListener> listeners) {
        all.addAll(listeners);
    }

    /** The first listener of this type (a bench's console, for the dashboard to show its view), if any. */
    public <T> java.util.Optional<T> find(Class<T> type) {
        return all.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    private void each(Consumer<JobListener> event) {
        for (JobListener l : all) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("a bench listener failed: {}", e.toString());
            }
        }
    }

    @Override
    public void note(String line) {
        each(l -> l.note(line));
    }

    @Override
    public void queued(UsbDevice device) {
        each(l -> l.queued(device));
    }

    @Override
    public void jobStarted(PortPath port, JobRecord record) {
        each(l -> l.jobStarted(port, record));
    }

    @Override
    public void retrying(PortPath port, int attempt, int attempts, Outcome failed) {
        each(l -> l.retrying(port, attempt, attempts, failed));
    }

    @Override
    public void jobFinished(PortPath port, JobRecord record) {
        each(l -> l.jobFinished(port, record));
    }

    @Override
    public void leftAlone(UsbDevice device, String why) {
        each(l -> l.leftAlone(device, why));
    }

    @Override
    public void planned(PortPath port, String flow, List<String> steps) {
        each(l -> l.planned(port, flow, steps));
    }

    @Override
    public void stepStarted(PortPath port, String step, String description, Duration bound) {
        each(l -> l.stepStarted(port, step, description, bound));
    }

    @Override
    public void progress(PortPath port, String step, double fraction, String status) {
        each(l -> l.progress(port, step, fraction, status));
    }

    @Override
    public void waiting(PortPath port, String step, Duration waited, Duration bound, String status) {
        each(l -> l.waiting(port, step, waited, bound, status));
    }

    @Override
    public void actionRequired(PortPath port, String step, List<String> instructions) {
        each(l -> l.actionRequired(port, step, instructions));
    }

    @Override
    public void gate(PortPath port, GateResult result) {
        each(l -> l.gate(port, result));
    }

    @Override
    public void stepFinished(PortPath port, String step, boolean ok, String detail) {
        each(l -> l.stepFinished(port, step, ok, detail));
    }

    @Override
    public void finished(PortPath port, String flow, Outcome outcome) {
        each(l -> l.finished(port, flow, outcome));
    }
}
