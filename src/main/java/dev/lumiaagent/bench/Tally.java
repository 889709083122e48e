package dev.lumiaagent.bench;

import dev.lumiaagent.record.JobRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The closing count of a bench run: jobs that succeeded, failed or were skipped, each failure and skip
 * with its port, phone, reason and next step, and the ports asked for that had no phone.
 */
public final class Tally {
    private final List<JobRecord> jobs = new ArrayList<>();
    private final List<String> emptyPorts = new ArrayList<>();

    public synchronized void add(JobRecord record) {
        jobs.add(record);
    }

    public synchronized void emptyPort(String port) {
        emptyPorts.add(port);
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
        return (int) jobs.stream().filter(r -> r.finished() && !r.succeeded() && !r.skipped()).count();
    }

    public synchronized int total() {
        return jobs.size() + emptyPorts.size();
    }

    /** Everything asked for succeeded: no failure, nothing skipped, at least one job. */
    public synchronized boolean allSucceeded() {
        return failed() == 0 && skipped() == 0 && !jobs.isEmpty();
    }

    /** "Succeeded 14 · Failed 2 · Skipped 1" */
    public synchronized String line() {
        return "Succeeded " + succeeded() + " · Failed " + failed() + " · Skipped " + skipped();
    }
}
