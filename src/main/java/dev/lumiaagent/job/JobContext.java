package dev.lumiaagent.job;

import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.PortPath;
import java.util.List;
import java.util.Objects;

/**
 * What every job of one run shares (a bench's workers, a resume's phones, a verb's one phone): the bus and
 * the clock flows wait on, the settings, where jobs are checkpointed (for {@code resume}) and recorded
 * (records and audit; {@code store} is null when it cannot be opened: the job files still hold every job),
 * the listener, per-job extras the caller adds (a job log, a protocol trace, a simulated technician), and
 * what preparing a flow needs (consent, the run's firmware checks).
 */
public record JobContext(Bus bus, AgentClock clock, JobSettings settings, JobJournal journal, RecordStore store,
                         String runId, JobListener listener, PerJob perJob, JobPlans.Means means, Certifying certifying) {

    /** A run that makes no erasure certificates. */
    public JobContext(Bus bus, AgentClock clock, JobSettings settings, JobJournal journal, RecordStore store,
                      String runId, JobListener listener, PerJob perJob, JobPlans.Means means) {
        this(bus, clock, settings, journal, store, runId, listener, perJob, means, Certifying.none());
    }

    /** Listeners and resources for one job on one port, opened when it starts and closed when it ends. */
    public interface PerJob {
        Extras open(String jobId, PortPath port);

        PerJob NONE = (id, port) -> Extras.NONE;
    }

    public interface Extras extends AutoCloseable {
        List<FlowListener> listeners();

        /** A line for the job's own log (a retry, a skip). */
        default void note(String line) {
        }

        @Override
        void close();

        Extras NONE = new Extras() {
            @Override
            public List<FlowListener> listeners() {
                return List.of();
            }

            @Override
            public void close() {
            }
        };
    }

    public JobContext {
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(journal, "journal");
        Objects.requireNonNull(means, "means");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(listener, "listener");
        perJob = perJob == null ? PerJob.NONE : perJob;
        certifying = certifying == null ? Certifying.none() : certifying;
        // Bench events (started, retrying, finished…) are called straight from the workers: a listener that
        // throws must not end a phone's job, so every listener is reached through the safe fan-out.
        listener = listener instanceof Listeners ? listener : new Listeners(java.util.List.of(listener));
    }
}
