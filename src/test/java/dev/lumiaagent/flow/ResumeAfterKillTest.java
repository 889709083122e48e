package dev.lumiaagent.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.cli.Main;
import dev.lumiaagent.testing.ServedBench;
import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobState;
import dev.lumiaagent.job.RunState;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.image.ffu.SparseDisk;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.testing.ChildJvm;
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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent is killed (SIGKILL, a real process) in the middle of writing an FFU to a simulated
 * Lumia 520 served on loopback (its 5 MB/s write limit, which the agent paces to in real time, makes
 * the ~26 MiB write last about five seconds: long enough to kill it mid-write on any machine); the phone stays on the bench, stuck in its flash app. {@code resume}
 * finds the RUNNING job, recognises the phone by its public ID, and finishes the job from the flash app.
 */
class ResumeAfterKillTest {
    private static final PortPath PORT = PortPath.parse("1-4");

    @TempDir
    Path dir;

    @RegisterExtension
    final ServedBench served = new ServedBench();
    private final SimBus bus = served.bus();

    @Test
    @Timeout(240)
    void killedMidFlashThenResumeFinishesTheJob() throws Exception {
        SimPhone phone = phone("RM-914", "356938035643809", "USB4");
        bus.attach(PORT, phone);
        Path ffu = ffuFor(phone, 128L << 20);
        Path jobsDir = dir.resolve("jobs");
        JobJournal journal = new JobJournal(jobsDir);

        String store = "jdbc:sqlite:" + dir.resolve("records.db");
        try (ChildJvm agent = ChildJvm.start(Main.class, "reflash", "--bus", served.uri(), "--ffu", ffu.toString(), "--yes",
                "--jobs-dir", jobsDir.toString(), "--store", store)) {
            agent.awaitLine("] WriteChunks", Duration.ofSeconds(90)); // the step starts (not the plan line)
            agent.awaitLine("MB/s", Duration.ofSeconds(30)); // a chunk is in: the write is under way
            agent.kill();
            assertThat(agent.process().isAlive()).isFalse();
        }

        assertThat(phone.flashingIncomplete()).as("killed mid-write: the phone's flash is incomplete").isTrue();
        assertThat(phone.flashesCompleted()).isZero();
        List<Job> interrupted = journal.running();
        assertThat(interrupted).hasSize(1);
        Job before = interrupted.get(0);
        assertThat(before.command).isEqualTo("reflash");
        assertThat(before.state).isEqualTo(JobState.RUNNING);
        assertThat(before.identity.imei()).isEqualTo("356938035643809");
        assertThat(before.lastStep()).contains(ReflashFlow.WRITE_CHUNKS);
        assertThat(before.runs).hasSize(1);

        Run resume = cli("resume", "--bus", served.uri(), "--jobs-dir", jobsDir.toString(), "--yes", "--store", store);
        assertThat(resume.code).as(resume.out).isZero();
        assertThat(resume.out).contains("Resuming job " + before.id).contains("same phone")
                .contains("DONE: The phone on " + PORT);

        Job after = journal.load(before.id).orElseThrow();
        assertThat(after.state).isEqualTo(JobState.DONE);
        try (dev.lumiaagent.record.RecordStore records = dev.lumiaagent.record.RecordStores.open(store)) {
            dev.lumiaagent.record.JobRecord r = records.job(before.id).orElseThrow();
            assertThat(r.outcome).isEqualTo("DONE");
            assertThat(r.attempts).isEqualTo(2);
            // the killed run never reached its end, where the SHA-256 was taken: the resumed record has it (issue #14)
            assertThat(r.firmwareSha256).as("the resumed record's firmware SHA-256").matches("[0-9a-f]{64}");
        }
        assertThat(after.runs).hasSize(2);
        assertThat(after.runs.get(0).state).isEqualTo(RunState.INTERRUPTED);
        assertThat(after.runs.get(1).state).isEqualTo(RunState.DONE);
        assertThat(after.runs.get(1).startMode).isEqualTo(Mode.UEFI.name());
        assertThat(after.runs.get(1).plan).doesNotContain(ReflashFlow.AWAIT_FLASH_APP).contains(ReflashFlow.WRITE_CHUNKS);

        assertThat(phone.flashingIncomplete()).isFalse();
        assertThat(phone.flashesCompleted()).isEqualTo(1);
        assertThat(phone.mode()).isEqualTo(Mode.NORMAL);
        SparseDisk expected = new SparseDisk(phone.disk().sizeBytes());
        try (FfuFile file = FfuFile.open(ffu)) {
            file.reconstruct(expected.blockCount(), expected, true, (a, b) -> { });
        }
        assertThat(phone.disk().sameContentAs(expected)).as("phone eMMC equals the FFU's raw image").isTrue();
        assertThat(phone.violations()).isEmpty();

        Run jobs = cli("jobs", "--jobs-dir", jobsDir.toString());
        assertThat(jobs.code).isZero();
        assertThat(jobs.out).contains(before.id).contains("DONE").doesNotContain("RUNNING");

        Run again = cli("resume", "--bus", served.uri(), "--jobs-dir", jobsDir.toString(), "--yes");
        assertThat(again.code).isZero();
        assertThat(again.out).contains("Nothing to resume");
    }

    private record Run(int code, String out) {
    }

    /**
     * Issue #14: `resume` right after a kill during a reboot said "its phone is not on the bus; left as it
     * is" instead of waiting for the phone it knows is restarting. Here the agent is killed while the phone
     * restarts after its flash (the phone is taken off the bus, as it is while it boots), resume starts, says
     * it waits, and goes on once the phone is back.
     */
    @Test
    @Timeout(240)
    void resumeWaitsForAPhoneThatWasRestartingWhenTheAgentWasKilled() throws Exception {
        SimPhone phone = phone("RM-1104", "356938035643817", "USB5");
        bus.attach(PORT, phone);
        Path ffu = ffuFor(phone, 8L << 20);
        Path jobsDir = dir.resolve("jobs");
        try (ChildJvm agent = ChildJvm.start(Main.class, "reflash", "--bus", served.uri(), "--ffu", ffu.toString(), "--yes",
                "--jobs-dir", jobsDir.toString())) {
            agent.awaitLine("] AwaitReturn", Duration.ofSeconds(90)); // written; the phone restarts into its new OS
            agent.kill();
        }
        Job before = new JobJournal(jobsDir).running().get(0);
        assertThat(before.lastStep()).contains(ReflashFlow.AWAIT_RETURN);
        bus.detach(PORT); // still booting: off the bus

        try (ChildJvm resume = ChildJvm.start(Main.class, "resume", "--bus", served.uri(), "--jobs-dir", jobsDir.toString(), "--yes")) {
            resume.awaitLine("waiting up to 10 min for it to come back", Duration.ofSeconds(60));
            // it has booted: the same phone (IMEI, serial) back in normal mode
            bus.attach(PORT, phone("RM-1104", "356938035643817", "USB5"));
            resume.awaitLine("Resuming job " + before.id, Duration.ofSeconds(60));
            assertThat(resume.awaitLine("DONE: ", Duration.ofSeconds(120))).contains("nothing was written again");
        }
        Job after = new JobJournal(jobsDir).load(before.id).orElseThrow();
        assertThat(after.state).isEqualTo(JobState.DONE);
        // Killed after its write finished (issue #14: such a job was flashed again): the resumed run only waits for
        // the phone and confirms it; it writes nothing.
        assertThat(after.runs).hasSize(2);
        assertThat(after.runs.get(1).plan).containsExactly("AwaitReturn", "ConfirmIdentity");
        assertThat(after.runs.get(1).steps).noneMatch(s -> s.name().equals(ReflashFlow.WRITE_CHUNKS)
                || s.name().equals(ReflashFlow.SEND_HEADER));
    }

    private static SimPhone phone(String model, String imei, String usbSerial) {
        return new SimPhone(SimModels.standard().require(model), imei, usbSerial, Mode.NORMAL, 80, LinkKind.PACKET,
                EnumSet.noneOf(SimFault.class));
    }

    /** A demo FFU of {@code size} bytes of disk for the phone's platform. */
    private Path ffuFor(SimPhone phone, long size) throws java.io.IOException {
        return TestPhones.libraryFfu(dir, phone.model().productType(), size);
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(out, true));
        return new Run(code, out.toString());
    }
}
