package dev.lumiaagent.bench;

import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.flow.job.JobJournal;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.PortPath;
import java.util.List;
import java.util.Objects;

/**
 * What every worker of one bench run shares: the bus and the clock flows wait on, the job, the
 * settings, where jobs are checkpointed (for {@code resume}) and recorded (records and audit), the
 * listeners, and per-job extras the caller adds (a job log, a protocol trace, a simulated technician).
 */
public record BenchContext(Bus bus, AgentClock clock, BenchJob job, BenchSettings settings, JobJournal journal, RecordStore store,
                           String runId, BenchListener listener, PerJob perJob) {

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

    public BenchContext {
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(journal, "journal");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(listener, "listener");
        perJob = perJob == null ? PerJob.NONE : perJob;
        // Bench events (started, retrying, finished…) are called straight from the workers: a listener that
        // throws must not end a phone's job, so every listener is reached through the safe fan-out.
        listener = listener instanceof Listeners ? listener : new Listeners(java.util.List.of(listener));
    }
}
