package dev.lumiaagent.cli;

import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.job.JobListener;
import dev.lumiaagent.job.JobPlans;
import dev.lumiaagent.job.JobRunner;
import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.record.RecordStore;
import java.util.ArrayList;
import java.util.Optional;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --jobs-dir DIR}: where job files are checkpointed (default {@code $LUMIA_AGENT_JOBS} or the user's data directory). */
final class JobOptions {
    @Option(names = "--jobs-dir", paramLabel = "DIR",
            description = "Where jobs are recorded for `jobs` and `resume` (default $" + JobJournal.ENV_JOBS
                    + ", else lumia-agent/jobs in the user's data directory).")
    Path jobsDir;

    @picocli.CommandLine.Mixin
    CertifyOptions certify;

    JobJournal journal() {
        return new JobJournal(jobsDir != null ? jobsDir : JobJournal.defaultDir());
    }

    /**
     * A single-phone verb's job, run as a bench of one by the same {@link JobRunner} as batch, station and
     * resume: the phone's lease, its job file (for `resume`), its record and audit entries in the store (a
     * store that cannot be opened is said, and the job runs with its job file only), its own log and protocol
     * trace next to the job file (what `diag` bundles), then the flow with {@code console} (what people see)
     * listed last. Returns the verb's exit code; a job that ended before its flow ran (the phone is busy, the
     * firmware is not for it) is printed as {@code error:} and {@code next step:}.
     */
    int runOne(JobSpec spec, dev.lumiaagent.transport.TracingBus bus, dev.lumiaagent.time.AgentClock clock, PortPath port,
               Optional<UsbDevice> phone, dev.lumiaagent.flow.gate.Consent consent, StoreOptions storeOptions, PrintWriter out,
               PrintWriter err, List<FlowListener> console) {
        RecordStore store = storeOptions.openOrWarn(out);
        List<AutoCloseable> toClose = new ArrayList<>();
        try {
            JobJournal journal = journal();
            try {
                dev.lumiaagent.paths.PrivateFiles.createDirectories(journal.dir());
            } catch (java.io.IOException | RuntimeException e) {
                throw new IllegalArgumentException("the jobs directory " + journal.dir() + " cannot be written (" + e.getMessage()
                        + ") — give a writable directory with --jobs-dir or $" + JobJournal.ENV_JOBS + ". Nothing was done to the phone.");
            }
            dev.lumiaagent.job.JobSettings settings = certify.settings(1, 0, java.time.Duration.ofMinutes(2), spec.command(), out);
            OneJobConsole listener = new OneJobConsole(journal, console, out, err);
            JobContext ctx = new JobContext(bus, clock, settings, journal, store, BenchRun.newRunId("single"), listener,
                    BenchRun.perJob(bus, bus, journal.dir(), out, toClose),
                    new JobPlans.Means(consent, Optional.empty(), line -> {
                        synchronized (out) {
                            out.println("      " + line);
                            out.flush();
                        }
                    }), certifying(spec.command(), certify.keyDir()));
            JobRecord record = new JobRunner(ctx).runOne(spec, port, phone);
            return FlowExitCodes.of(JobRunner.outcomeOf(record));
        } finally {
            BenchRun.closeAll(toClose);
            if (store != null) {
                store.close();
            }
        }
    }

    /** The run's certificates: the station's key (made on first use) for an erasing job; none for the others. */
    static dev.lumiaagent.job.Certifying certifying(String command, Path keyDir) {
        if (command != null && !CertifyOptions.ERASING.contains(command)) {
            return dev.lumiaagent.job.Certifying.none();
        }
        return dev.lumiaagent.job.Certifying.open(keyDir,
                new dev.lumiaagent.certificate.Tool("lumia-agent", Main.version()));
    }

    /** What one phone's job tells people: the console's flow events, the job's file, notes, and an end before any flow ran. */
    private static final class OneJobConsole implements JobListener {
        private final JobJournal journal;
        private final List<FlowListener> console;
        private final PrintWriter out;
        private final PrintWriter err;
        private volatile boolean flowRan;

        OneJobConsole(JobJournal journal, List<FlowListener> console, PrintWriter out, PrintWriter err) {
            this.journal = journal;
            this.console = List.copyOf(console);
            this.out = out;
            this.err = err;
        }

        @Override
        public void note(String line) {
            synchronized (out) {
                out.println("note: " + line);
                out.flush();
            }
        }

        @Override
        public void jobStarted(PortPath port, JobRecord record) {
            synchronized (out) {
                out.println("job " + record.jobId + " recorded in " + journal.dir()
                        + "; if the agent is stopped, `lumia-agent resume` continues it.");
                out.flush();
            }
        }

        @Override
        public void jobFinished(PortPath port, JobRecord record) {
            if (flowRan) {
                return; // the console said how the flow ended
            }
            synchronized (err) {
                err.println("error: " + record.outcome + ": " + record.summary + (record.outcome != null
                        && record.outcome.equals(dev.lumiaagent.flow.Reason.PHONE_BUSY.name()) ? " Nothing was done to the phone." : ""));
                if (record.nextStep != null) {
                    err.println("next step: " + record.nextStep);
                }
                err.flush();
            }
        }

        @Override
        public void planned(PortPath port, String flow, List<String> steps) {
            flowRan = true;
            console.forEach(l -> l.planned(port, flow, steps));
        }

        @Override
        public void stepStarted(PortPath port, String step, String description, java.time.Duration bound) {
            console.forEach(l -> l.stepStarted(port, step, description, bound));
        }

        @Override
        public void progress(PortPath port, String step, double fraction, String status) {
            console.forEach(l -> l.progress(port, step, fraction, status));
        }

        @Override
        public void waiting(PortPath port, String step, java.time.Duration waited, java.time.Duration bound, String status) {
            console.forEach(l -> l.waiting(port, step, waited, bound, status));
        }

        @Override
        public void actionRequired(PortPath port, String step, List<String> instructions) {
            console.forEach(l -> l.actionRequired(port, step, instructions));
        }

        @Override
        public void gate(PortPath port, dev.lumiaagent.flow.gate.GateResult result) {
            console.forEach(l -> l.gate(port, result));
        }

        @Override
        public void stepFinished(PortPath port, String step, boolean ok, String detail) {
            console.forEach(l -> l.stepFinished(port, step, ok, detail));
        }

        @Override
        public void finished(PortPath port, String flow, dev.lumiaagent.flow.Outcome outcome) {
            console.forEach(l -> l.finished(port, flow, outcome));
        }
    }

    /**
     * When the run is captured ({@code --capture}), writes {@code ID.capture} next to the job file: the
     * pcap's path, which {@code lumia-agent diag} bundles. The capture holds every phone of the run; a
     * note that cannot be written only costs the bundle its pcap.
     */
    static void noteCapture(Bus bus, Path jobsDir, String jobId) {
        dev.lumiaagent.transport.capture.CaptureBus captured = BusOptions.under(bus, dev.lumiaagent.transport.capture.CaptureBus.class);
        if (captured == null) {
            return;
        }
        new JobJournal(jobsDir).noteCapture(jobId, captured.capture().file());
    }


}
