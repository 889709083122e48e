package dev.lumiaagent.bench;

import dev.lumiaagent.flow.Reason;
import dev.lumiaagent.record.JobRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The closing count of a bench run: jobs that succeeded, failed or were skipped, each failure and skip
 * with its port, phone, reason and next step, and the ports asked for that had no phone. A run stopped
 * from outside (Ctrl-C) also has jobs that were interrupted (unfinished, resumable: not failures) and
 * phones that were queued and never started.
 */
public final class Tally {
    private final List<JobRecord> jobs = new ArrayList<>();
    private final List<String> emptyPorts = new ArrayList<>();
    private final List<String> notStarted = new ArrayList<>();

    public synchronized void add(JobRecord record) {
        jobs.add(record);
    }

    public synchronized void emptyPort(String port) {
        emptyPorts.add(port);
    }

    /** A phone that was queued for a worker when the run was stopped: nothing was done to it. */
    public synchronized void notStarted(String port) {
        notStarted.add(port);
    }

    public synchronized List<String> notStarted() {
        List<String> copy = new ArrayList<>(notStarted);
        copy.sort(Comparator.naturalOrder());
        return copy;
    }

    /** A job stopped from outside before it ended (outcome INTERRUPTED): its job file stays RUNNING, {@code resume} finishes it. */
    public static boolean interrupted(JobRecord r) {
        return Reason.INTERRUPTED.name().equals(r.outcome);
    }

    /** How an interrupted job on {@code port} is finished: the row of the tally and the record's next step say this. */
    public static String resumeCommand(String port) {
        return dev.lumiaagent.job.JobRunner.resumeCommand(port);
    }

    public synchronized List<JobRecord> jobs() {
        List<JobRecord> copy = new ArrayList<>(jobs);
        copy.sort(Comparator.comparing((JobRecord r) -> r.port).thenComparing(r -> r.started));
        return copy;
    }

    public synchronized List<String> emptyPorts() {
        return List.copyOf(emptyPorts);
    }

    public synchronized int succeeded() {
        return (int) jobs.stream().filter(JobRecord::succeeded).count();
    }

    public synchronized int skipped() {
        return (int) jobs.stream().filter(JobRecord::skipped).count() + emptyPorts.size();
    }

    public synchronized int failed() {
        return (int) jobs.stream().filter(r -> r.finished() && !r.succeeded() && !r.skipped() && !interrupted(r)).count();
    }

    public synchronized int interrupted() {
        return (int) jobs.stream().filter(Tally::interrupted).count();
    }

    public synchronized int total() {
        return jobs.size() + emptyPorts.size() + notStarted.size();
    }

    /** Everything asked for succeeded: no failure, nothing skipped, at least one job. */
    public synchronized boolean allSucceeded() {
        return failed() == 0 && skipped() == 0 && interrupted() == 0 && notStarted.isEmpty() && !jobs.isEmpty();
    }

    /** Jobs whose record the store lacks in part (the store was failing when they ended): {@code jobs sync} completes them. */
    public synchronized List<JobRecord> notRecorded() {
        return jobs().stream().filter(r -> r.notRecorded != null).toList();
    }

    /**
     * "Succeeded 14 · Failed 2 · Skipped 1", then "· Interrupted 1 · Not started 2" when a stopped run has them, and
     * "· Not recorded 1" when the store was failing as jobs ended.
     */
    public synchronized String line() {
        long notRecorded = jobs.stream().filter(r -> r.notRecorded != null).count();
        return "Succeeded " + succeeded() + " · Failed " + failed() + " · Skipped " + skipped()
                + (interrupted() > 0 || !notStarted.isEmpty() ? " · Interrupted " + interrupted() + " · Not started " + notStarted.size() : "")
                + (notRecorded > 0 ? " · Not recorded " + notRecorded : "");
    }
}
