package dev.lumiaagent.job;

import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.gate.GateResult;
import dev.lumiaagent.transport.PortPath;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Records a flow into its job file: the plan, each step as it starts and finishes, the gates, and the
 * outcome. The file is written (a checkpoint) at the start of the run, after every step, and at the
 * end, before the outcome is printed as long as the recorder is the first listener. A run whose
 * agent dies keeps its job RUNNING in the file; {@link #resume} marks that run INTERRUPTED and
 * records the next run into the same job.
 */
public final class Checkpoint implements FlowListener {
    private final JobJournal journal;
    private final Clock clock;
    private final Job job;

    private Checkpoint(JobJournal journal, Clock clock, Job job) {
        this.journal = journal;
        this.clock = clock;
        this.job = job;
    }

    /** A new RUNNING job with its first run, written at once. */
    public static Checkpoint start(JobJournal journal, String command, Map<String, List<String>> params, PortPath port,
                                    JobIdentity identity, String startMode) {
        return start(journal, Clock.systemUTC(), command, params, port, identity, startMode);
    }

    static Checkpoint start(JobJournal journal, Clock clock, String command, Map<String, List<String>> params, PortPath port,
                             JobIdentity identity, String startMode) {
        return start(journal, clock, JobJournal.newId(clock.instant()), command, params, port, identity, startMode);
    }

    /** As {@link #start}, with the id chosen beforehand (the phone's lease is taken in its name before the job file exists). */
    public static Checkpoint start(JobJournal journal, String id, String command, Map<String, List<String>> params, PortPath port,
                                    JobIdentity identity, String startMode) {
        return start(journal, Clock.systemUTC(), id, command, params, port, identity, startMode);
    }

    private static Checkpoint start(JobJournal journal, Clock clock, String id, String command, Map<String, List<String>> params,
                                     PortPath port, JobIdentity identity, String startMode) {
        Job job = new Job();
        job.id = id;
        job.command = command;
        job.params.putAll(params);
        job.port = port.toString();
        job.identity = identity;
        job.created = clock.instant().toString();
        Checkpoint r = new Checkpoint(journal, clock, job);
        r.newRun(startMode);
        return r;
    }

    /**
     * Takes over an interrupted job: its running run becomes INTERRUPTED, a new run starts (on
     * {@code port}, with the identity keys learned now added), and the job is RUNNING again. Written at once.
     */
    public static Checkpoint resume(JobJournal journal, Job job, PortPath port, JobIdentity learned, String startMode) {
        Checkpoint r = new Checkpoint(journal, Clock.systemUTC(), job);
        for (JobRun run : job.runs) {
            if (run.state == RunState.RUNNING) {
                run.state = RunState.INTERRUPTED;
                run.reason = "INTERRUPTED";
                run.summary = "the agent stopped during " + (run.currentStep != null ? run.currentStep : "the run")
                        + "; resumed " + r.now();
                run.ended = run.ended != null ? run.ended : job.updated;
            }
        }
        job.port = port.toString();
        job.identity = job.identity.fillFrom(learned);
        job.state = JobState.RUNNING;
        job.reason = null;
        job.summary = null;
        job.nextStep = null;
        r.newRun(startMode);
        return r;
    }

    /**
     * Closes an unfinished job that a newer job for the same phone replaces: its running run becomes
     * INTERRUPTED and the job SUPERSEDED, naming the newer one. Written at once; nothing runs.
     */
    public static void supersede(JobJournal journal, Job job, String newerJobId) {
        String now = Clock.systemUTC().instant().toString();
        for (JobRun run : job.runs) {
            if (run.state == RunState.RUNNING) {
                run.state = RunState.INTERRUPTED;
                run.reason = "INTERRUPTED";
                run.summary = "the agent stopped during " + (run.currentStep != null ? run.currentStep : "the run");
                run.currentStep = null;
                run.ended = run.ended != null ? run.ended : job.updated;
            }
        }
        job.state = JobState.SUPERSEDED;
        job.reason = JobState.SUPERSEDED.name();
        job.summary = "superseded by the newer job " + newerJobId + " for the same phone; not run again";
        job.nextStep = null;
        job.updated = now;
        journal.save(job);
    }

    public Job job() {
        return job;
    }

    /** A later read told more about the phone: keep the keys the job lacked. */
    public synchronized void learned(JobIdentity identity) {
        job.identity = job.identity.fillFrom(identity);
        save();
    }

    /**
     * The bench tries the job again (after re-checking the phone): a new run in the same job, from the
     * mode the phone is in now. Written at once.
     */
    public synchronized void nextAttempt(String startMode) {
        job.state = JobState.RUNNING;
        job.reason = null;
        job.summary = null;
        job.nextStep = null;
        newRun(startMode);
    }

    private synchronized void newRun(String startMode) {
        JobRun run = new JobRun();
        run.started = now();
        run.startMode = startMode;
        job.runs.add(run);
        save();
    }

    private JobRun run() {
        return job.runs.get(job.runs.size() - 1);
    }

    @Override
    public synchronized void planned(PortPath port, String flow, List<String> steps) {
        run().flow = flow;
        run().plan = new ArrayList<>(steps);
        save();
    }

    @Override
    public synchronized void stepStarted(PortPath port, String step, String description, Duration bound) {
        run().currentStep = step;
        save();
    }

    @Override
    public synchronized void gate(PortPath port, GateResult result) {
        run().gates.add(new JobGate(result.gate().name(), result.verdict().name(), result.detail(), result.blocks()));
        save();
    }

    @Override
    public synchronized void stepFinished(PortPath port, String step, boolean ok, String detail) {
        run().steps.add(new JobStep(step, ok, detail, now()));
        run().currentStep = null;
        save();
    }

    @Override
    public synchronized void finished(PortPath port, String flow, Outcome outcome) {
        JobRun run = run();
        run.ended = now();
        if (outcome.reason() == dev.lumiaagent.flow.Reason.INTERRUPTED) {
            // Stopped from outside (Ctrl-C, a station shutting down): the job is unfinished, not failed,
            // so it stays RUNNING in its file and `resume` finds it.
            run.state = RunState.INTERRUPTED;
            run.reason = outcome.reason().name();
            run.summary = outcome.summary();
            run.currentStep = null;
            job.nextStep = "lumia-agent resume";
            save();
            return;
        }
        run.state = outcome.succeeded() ? RunState.DONE : RunState.FAILED;
        run.reason = outcome.reason().name();
        run.summary = outcome.summary();
        run.currentStep = null;
        job.state = outcome.succeeded() ? JobState.DONE : JobState.FAILED;
        job.reason = outcome.reason().name();
        job.summary = outcome.summary();
        job.nextStep = outcome.nextStep().isEmpty() ? null : outcome.nextStep();
        save();
    }

    private void save() {
        job.updated = now();
        journal.save(job);
    }

    private String now() {
        return clock.instant().toString();
    }
}
