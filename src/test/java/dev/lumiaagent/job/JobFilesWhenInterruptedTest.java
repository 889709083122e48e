package dev.lumiaagent.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.Reason;
import dev.lumiaagent.transport.PortPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job stopped with Ctrl-C writes its last checkpoint and log lines from an interrupted thread: they
 * must land on disk (interruptible file channels would be closed by the interrupt), and the job stays
 * RUNNING for `resume`.
 */
class JobFilesWhenInterruptedTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void theLastCheckpointAndLogLinesOfAnInterruptedJobAreWritten() throws Exception {
        PortPath port = PortPath.parse("1-3");
        JobJournal journal = new JobJournal(dir);
        Checkpoint recorder = Checkpoint.start(journal, "reflash", Map.of(), port, new JobIdentity("356938035643809", null, null), "NORMAL");
        Path logFile = dir.resolve(recorder.job().id + ".log");
        try (JobLog log = JobLog.open(logFile, Clock.systemUTC())) {
            Thread.currentThread().interrupt(); // what FlowRunner leaves set when a flow is stopped
            Outcome stopped = new Outcome(Reason.INTERRUPTED, "reflash was stopped before it finished.", "Run it again.");
            recorder.finished(port, "reflash", stopped);
            log.note("stopping: the running jobs stay resumable");
            log.finished(port, "reflash", stopped);
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept for the caller").isTrue();
        }
        Thread.interrupted();
        Job job = journal.load(recorder.job().id).orElseThrow();
        assertThat(job.state).isEqualTo(JobState.RUNNING);
        assertThat(job.runs.get(0).state).isEqualTo(RunState.INTERRUPTED);
        assertThat(job.nextStep).isEqualTo("lumia-agent resume");
        assertThat(journal.running()).extracting(j -> j.id).isEqualTo(List.of(job.id));
        assertThat(Files.readString(logFile)).containsPattern("NOTE +stopping").containsPattern("OUTCOME +reflash INTERRUPTED");
    }
}
