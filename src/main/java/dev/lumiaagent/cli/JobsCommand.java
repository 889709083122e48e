package dev.lumiaagent.cli;

import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobState;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumia-agent jobs}: the recorded jobs and where each stands. */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = {"Lists recorded jobs: id, command, port, phone, state, the last step and age. By default the "
                + "unfinished (RUNNING) ones and the last " + JobsCommand.RECENT + "; RUNNING with no agent running means "
                + "interrupted: `lumia-agent resume` continues it."},
        subcommands = {JobsCommand.Sync.class})
final class JobsCommand implements Callable<Integer> {
    static final int RECENT = 20;

    @Mixin
    JobOptions jobs;

    @Option(names = "--all", description = "Every recorded job.")
    boolean all;

    @Option(names = "--json", description = "The job records as a JSON array.")
    boolean json;

    @Option(names = "--phone", paramLabel = "ID", description = "Only the jobs of one phone (all of them): its IMEI, public ID or "
            + "USB serial as the job file names it.")
    String phone;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        JobJournal journal = jobs.journal();
        JobJournal.Listing listing = journal.scan();
        // A job file that does not read is named and skipped; the other jobs are still shown.
        PrintWriter err = spec.commandLine().getErr();
        listing.unreadable().forEach(err::println);
        err.flush();
        List<Job> list = listing.jobs();
        List<Job> shown = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Job j = list.get(i);
            if (phone != null) {
                if (j.identity != null && j.identity.isPhone(phone)) {
                    shown.add(j);
                }
            } else if (all || j.state == JobState.RUNNING || i >= list.size() - RECENT) {
                shown.add(j);
            }
        }
        if (json) {
            out.println(journal.toJson(shown));
            return ExitCode.OK.code();
        }
        if (shown.isEmpty()) {
            out.println(phone != null ? "No job of a phone named " + phone + " in " + journal.dir() + "." : "No jobs recorded in " + journal.dir() + ".");
            return ExitCode.OK.code();
        }
        Instant now = Instant.now();
        String fmt = "%-28s %-11s %-8s %-8s %-28s %-40s %s%n";
        out.printf(fmt, "ID", "COMMAND", "PORT", "STATE", "LAST STEP", "PHONE", "AGE");
        for (Job j : shown) {
            String state = j.state == JobState.FAILED ? "FAILED(" + j.reason + ")" : j.state.name();
            out.printf(fmt, j.id, j.command, j.port, state, j.lastStep().orElse("-"), j.identity, age(j, now));
            if (j.state == JobState.FAILED && j.nextStep != null) {
                out.println("    next step: " + j.nextStep);
            }
        }
        long interrupted = shown.stream().filter(j -> j.state == JobState.RUNNING).count();
        if (interrupted > 0) {
            out.println();
            out.println(interrupted + " job(s) RUNNING: if no agent is working on them, they were interrupted; "
                    + "`lumia-agent resume` continues them.");
        }
        if (!all && phone == null && shown.size() < list.size()) {
            out.println("(" + (list.size() - shown.size()) + " older finished job(s) not shown; --all shows them)");
        }
        return ExitCode.OK.code();
    }

    private static String age(Job j, Instant now) {
        String t = j.updated != null ? j.updated : j.created;
        if (t == null) {
            return "-";
        }
        Duration d = Duration.between(Instant.parse(t), now);
        if (d.isNegative()) {
            return "0 s";
        }
        long s = d.toSeconds();
        return s < 120 ? s + " s" : s < 7200 ? s / 60 + " min" : s < 172800 ? s / 3600 + " h" : s / 86400 + " d";
    }

    /** {@code lumia-agent jobs sync}: completes in the store the records of jobs that ended while it was failing. */
    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = {"Completes the records of jobs that ended while the record store was failing: saves their last "
                    + "state and appends their audit entries (once each, in order) from " + dev.lumiaagent.job.UnrecordedJob.DIR
                    + "/ in the jobs directory, then removes what is complete."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every job's record is complete (or none was waiting)",
                    "6:the record store could not be opened, or some records are still not complete"})
    static final class Sync implements Callable<Integer> {
        @Mixin
        JobOptions jobs;

        @Mixin
        StoreOptions store;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            java.nio.file.Path dir = jobs.journal().dir();
            if (dev.lumiaagent.job.UnrecordedJob.files(dir).isEmpty()) {
                out.println("Every job's record is complete: nothing waits in " + dev.lumiaagent.job.UnrecordedJob.dir(dir) + ".");
                out.flush();
                return ExitCode.OK.code();
            }
            List<dev.lumiaagent.job.UnrecordedJob.Synced> results;
            String where;
            try (dev.lumiaagent.record.RecordStore s = store.open()) {
                where = s.describe();
                results = dev.lumiaagent.job.UnrecordedJob.sync(dir, s);
            } catch (dev.lumiaagent.record.RecordStoreException e) {
                return StoreOptions.fail(e, err);
            }
            long left = results.stream().filter(r -> !r.done()).count();
            for (dev.lumiaagent.job.UnrecordedJob.Synced r : results) {
                (r.done() ? out : err).println((r.done() ? "job " : "error: job ") + r.jobId() + ": " + r.what());
            }
            out.println((results.size() - left) + " job record(s) completed in " + where + (left > 0 ? ", " + left + " not" : "") + ".");
            out.flush();
            if (left > 0) {
                err.println("next step: check the store (" + where + ") and run `" + dev.lumiaagent.job.UnrecordedJob.SYNC_COMMAND
                        + "` again; the files stay in " + dev.lumiaagent.job.UnrecordedJob.dir(dir) + " until then.");
                err.flush();
                return ExitCode.STORE_UNAVAILABLE.code();
            }
            return ExitCode.OK.code();
        }
    }
}
