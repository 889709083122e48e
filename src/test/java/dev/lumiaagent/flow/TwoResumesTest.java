package dev.lumiaagent.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.cli.Main;
import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobState;
import dev.lumiaagent.job.RunState;
import dev.lumiaagent.record.AuditEntry;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.testing.ChildJvm;
import dev.lumiaagent.testing.ServedBench;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.discovery.Mode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14, as a technician met it: two `resume` runs at once both drove one phone (one ended HASH_MISMATCH,
 * the other HEADERS_MISSING, the phone was left half-written and the audit log had "run 2" twice). Here a
 * reflash is killed mid-write (a real process, SIGKILL); a first resume (another real process) rewrites the
 * phone; a second resume started meanwhile is refused by name and touches nothing. The phone is flashed once,
 * the job file has one run per attempt, and the audit log one "resumed".
 */
class TwoResumesTest {
    private static final PortPath PORT = PortPath.parse("1-4");

    @TempDir
    Path dir;

    @RegisterExtension
    final ServedBench served = new ServedBench();
    private final SimBus bus = served.bus();

    @Test
    @Timeout(240)
    void aSecondResumeOfAPhoneBeingResumedIsRefusedAndThePhoneIsFlashedOnce() throws Exception {
        // The Lumia 520's 5 MB/s write limit, which the agent paces to in real time, makes a 64 MiB write last
        // seconds: long enough to kill the first agent mid-write and to start a second resume during the first.
        SimPhone phone = new SimPhone(SimModels.standard().require("RM-914"), "356938035643811", "USB7", Mode.NORMAL, 80,
                LinkKind.PACKET, EnumSet.noneOf(SimFault.class));
        bus.attach(PORT, phone);
        Path ffu = TestPhones.libraryFfu(dir, phone.model().productType(), 64L << 20);
        Path jobsDir = dir.resolve("jobs");
        String store = "jdbc:sqlite:" + dir.resolve("records.db");
        try (ChildJvm agent = ChildJvm.start(Main.class, "reflash", "--bus", served.uri(), "--ffu", ffu.toString(), "--yes",
                "--jobs-dir", jobsDir.toString(), "--store", store)) {
            agent.awaitLine("] WriteChunks", Duration.ofSeconds(90));
            agent.awaitLine("MB/s", Duration.ofSeconds(30));
            agent.kill();
        }
        Job job = new JobJournal(jobsDir).running().get(0);
        assertThat(phone.flashingIncomplete()).isTrue();

        try (ChildJvm first = ChildJvm.start(Main.class, "resume", "--bus", served.uri(), "--jobs-dir", jobsDir.toString(), "--yes",
                "--store", store)) {
            first.awaitLine("] WriteChunks", Duration.ofSeconds(90)); // the first resume is writing the phone
            StringWriter out = new StringWriter();
            int code = Main.run(new String[] {"resume", "--bus", served.uri(), "--jobs-dir", jobsDir.toString(), "--yes", "--store",
                    store}, new PrintWriter(out, true), new PrintWriter(out, true));
            assertThat(code).as(out.toString()).isEqualTo(1);
            assertThat(out.toString()).contains("PHONE_BUSY: 1-4 is being flashed by job " + job.id)
                    .doesNotContain("Resuming job");
            first.awaitLine("Resume: 1 phone — Succeeded 1", Duration.ofSeconds(120));
        }

        assertThat(phone.flashesCompleted()).as("flashed once").isEqualTo(1);
        assertThat(phone.flashingIncomplete()).isFalse();
        assertThat(phone.violations()).isEmpty();
        Job after = new JobJournal(jobsDir).load(job.id).orElseThrow();
        assertThat(after.state).isEqualTo(JobState.DONE);
        assertThat(after.runs).as("the killed run and the first resume's; nothing from the refused one").hasSize(2);
        assertThat(after.runs.get(0).state).isEqualTo(RunState.INTERRUPTED);
        assertThat(after.runs.get(1).state).isEqualTo(RunState.DONE);
        try (RecordStore records = RecordStores.open(store)) {
            List<AuditEntry> resumed = records.audit().entries().stream()
                    .filter(e -> e.jobId() != null && e.jobId().equals(job.id) && e.event().equals("resumed")).toList();
            assertThat(resumed).hasSize(1);
            assertThat(records.job(job.id).orElseThrow().attempts).isEqualTo(2);
        }
    }
}
