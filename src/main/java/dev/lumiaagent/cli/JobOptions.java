package dev.lumiaagent.cli;

import dev.lumiaagent.flow.job.JobIdentity;
import dev.lumiaagent.flow.job.JobJournal;
import dev.lumiaagent.flow.job.JobRecorder;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --jobs-dir DIR}: where job files are checkpointed (default {@code $LUMIA_AGENT_JOBS} or the user's data directory). */
final class JobOptions {
    @Option(names = "--jobs-dir", paramLabel = "DIR",
            description = "Where jobs are recorded for `jobs` and `resume` (default $" + JobJournal.ENV_JOBS
                    + ", else lumia-agent/jobs in the user's data directory).")
    Path jobsDir;

    JobJournal journal() {
        return new JobJournal(jobsDir != null ? jobsDir : JobJournal.defaultDir());
    }

    /**
     * Starts recording a job for the phone (its identity read first where its mode allows) and says
     * so. A jobs directory that cannot be written stops the command before anything is done to the phone.
     */
    JobRecorder start(Bus bus, UsbDevice phone, PortPath port, String command, Map<String, List<String>> params, PrintWriter out) {
        return start(bus, phone, port, command, params, true, out);
    }

    /** {@code readIdentity} false: only what the bus shows (a soft reset is for phones that may not answer at all). */
    JobRecorder start(Bus bus, UsbDevice phone, PortPath port, String command, Map<String, List<String>> params,
                      boolean readIdentity, PrintWriter out) {
        JobIdentity identity = phone == null ? new JobIdentity(null, null, null)
                : readIdentity ? JobIdentity.read(bus, phone)
                : new JobIdentity(null, null, phone.serial().isEmpty() ? null : phone.serial());
        JobJournal journal = journal();
        try {
            JobRecorder r = JobRecorder.start(journal, command, params, port, identity,
                    phone == null ? "absent" : phone.personality().mode().name());
            out.println("job " + r.job().id + " (" + identity + ") recorded in " + journal.dir()
                    + "; if the agent is stopped, `lumia-agent resume` continues it.");
            out.flush();
            return r;
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(e.getMessage() + " — give a writable directory with --jobs-dir or $"
                    + JobJournal.ENV_JOBS + ". Nothing was done to the phone.");
        }
    }
}
