package dev.lumiaagent.cli;

import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobDiag;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.record.DiagBundle;
import dev.lumiaagent.record.DiagBundleException;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStoreException;
import dev.lumiaagent.transport.PortPath;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumia-agent diag JOB|PORT}: the zip a maintainer asks for in a bug report. */
@Command(name = "diag", mixinStandardHelpOptions = true,
        description = {"Writes a diagnostics bundle (zip) for one job — by job id, or the latest job on a port: the job file, "
                + "its record from the record store, its log (steps, progress, gates, the agent's log lines for that job), the "
                + "protocol trace of its phone, the run's usbmon capture when it was made with --capture, the device info read from it, its audit entries, and the environment (agent, "
                + "OS, Java; no environment variables, user or host names). MANIFEST.txt lists every entry with its SHA-256 "
                + "and names what was missing. The home directory is always shown as ~; --redact also replaces IMEIs, USB serials "
                + "and public IDs with placeholders (IMEI-1, SERIAL-1, PUBLICID-1) and leaves the binary capture out, for sharing. "
                + "The zip is readable by you alone (mode 0600 on POSIX file systems)."})
final class DiagCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "JOB|PORT", description = "A job id (see `lumia-agent jobs` or `report`), or a port path like 1-1.3.")
    String target;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.zip", description = "Where to write it (default lumia-agent-diag-JOB.zip here).")
    Path output;

    @Option(names = "--redact", description = "Replace IMEIs, USB serials and public IDs in every text entry with stable placeholders "
            + "(IMEI-1, SERIAL-1, PUBLICID-1) and leave binary entries (a pcap) out, for sharing with a maintainer.")
    boolean redact;

    @Mixin
    JobOptions jobs;

    @Mixin
    StoreOptions storeOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        JobJournal journal = jobs.journal();
        RecordStore store;
        try {
            store = storeOptions.open();
        } catch (RecordStoreException e) {
            return StoreOptions.fail(e, err);
        }
        try (store) {
            Optional<String> id = resolve(journal, store);
            if (id.isEmpty()) {
                err.println("error: no job " + (JobJournal.isJobId(target) ? target : "on port " + target) + " in the jobs directory "
                        + journal.dir() + " or the record store " + store.describe());
                err.println("next step: list the jobs with `lumia-agent jobs --all` or `lumia-agent report`, and give one of their ids"
                        + " (with the same --jobs-dir and --store as the run that made it).");
                err.flush();
                return ExitCode.FAILED.code();
            }
            String jobId = id.get();
            Optional<JobRecord> record = store.job(jobId);
            // A job file that does not read is still what the bundle is for: it goes in as it is, with the reason.
            Optional<Job> loaded = Optional.empty();
            String unreadable = null;
            try {
                loaded = journal.load(jobId);
            } catch (java.io.UncheckedIOException e) {
                unreadable = e.getMessage();
            }
            DiagBundle.Builder b = JobDiag.builder(journal, jobId, loaded, unreadable, record, store,
                    "is not in the record store " + store.describe() + " (jobs of single-phone commands are only in the jobs directory)",
                    redact, Main.version());
            Path zip = output != null ? output : Path.of("lumia-agent-diag-" + jobId + ".zip");
            DiagBundle bundle;
            try {
                bundle = b.write(zip);
            } catch (DiagBundleException e) {
                err.println("error: " + e.getMessage());
                err.println("next step: " + e.nextStep());
                err.flush();
                return ExitCode.FAILED.code();
            }
            out.println("diagnostics for job " + jobId + ": " + bundle.zip().toAbsolutePath() + " (" + bundle.entries().size() + " entries"
                    + (bundle.missing().isEmpty() ? "" : "; missing: " + String.join(", ", bundle.missing().stream().map(DiagBundle.Missing::name).toList()))
                    + "). Attach it to the bug report.");
            return ExitCode.OK.code();
        }
    }

    /** A job id as given; a port: the latest job recorded on it, else the latest job file for it. */
    private Optional<String> resolve(JobJournal journal, RecordStore store) {
        if (JobJournal.isJobId(target)) {
            return store.job(target).isPresent() || java.nio.file.Files.isRegularFile(journal.file(target)) ? Optional.of(target) : Optional.empty();
        }
        String port = PortPath.parse(target).toString();
        Optional<String> fromStore = store.lastOnPort(port).filter(r -> !r.skipped()).map(r -> r.jobId);
        if (fromStore.isPresent()) {
            return fromStore;
        }
        List<Job> onPort = journal.list().stream().filter(j -> port.equals(j.port)).toList();
        return onPort.isEmpty() ? Optional.empty() : Optional.of(onPort.get(onPort.size() - 1).id);
    }
}
