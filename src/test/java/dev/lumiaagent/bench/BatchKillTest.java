package dev.lumiaagent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.cli.Main;
import dev.lumiaagent.testing.ServedBench;
import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobState;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.testing.ChildJvm;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.transport.PortPath;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing is lost when a batch is killed (SIGKILL, a real process): the jobs that finished are in the
 * record store with their outcomes, the one still writing is RUNNING in its job file, and {@code resume}
 * finishes it and records its outcome in the same store.
 */
class BatchKillTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final ServedBench served = new ServedBench();
    private final SimBus bus = served.bus();


    private void ffu(Path library, String model, long size) throws Exception {
        TestPhones.libraryFfu(library, model, size);
    }

    @Test
    @Timeout(240)
    void killedMidBatchTheFinishedJobsAreRecordedAndTheRunningOneIsResumed() throws Exception {
        bus.attach(PortPath.parse("1-1"), TestPhones.normal("RM-1104", "356938035641001"));
        bus.attach(PortPath.parse("1-2"), TestPhones.normal("RM-1045", "356938035641002"));
        // The Lumia 520 is paced at 5 MB/s in real time: its ~26 MiB write lasts seconds, long enough to kill mid-write.
        SimPhone slow = TestPhones.normal("RM-914", "356938035641004");
        bus.attach(PortPath.parse("1-4"), slow);
        Path library = dir.resolve("firmware");
        ffu(library, "RM-1104", 4L << 20);
        ffu(library, "RM-1045", 4L << 20);
        ffu(library, "RM-914", 128L << 20);
        String store = "jdbc:sqlite:" + dir.resolve("records.db");
        Path jobs = dir.resolve("jobs");

        try (ChildJvm agent = ChildJvm.start(Main.class, "batch", "reflash", "--bus", served.uri(), "--firmware-dir", library.toString(),
                "--yes", "--max-parallel", "3", "--store", store, "--jobs-dir", jobs.toString(), "--operator", "bob")) {
            // the 520 writing and the two small ones done and recorded, in whichever order the machine's load gives
            agent.awaitAll(Duration.ofSeconds(120), "<1-4>     WriteChunks", "Succeeded 2");
            agent.kill();
        }
        assertThat(slow.flashingIncomplete()).isTrue();

        try (RecordStore s = RecordStores.open(store)) {
            Map<String, JobRecord> byPort = s.jobs(null).stream().collect(Collectors.toMap(r -> r.port, Function.identity()));
            assertThat(byPort.get("1-1").outcome).isEqualTo("DONE");
            assertThat(byPort.get("1-2").outcome).isEqualTo("DONE");
            assertThat(byPort.get("1-4").outcome).as("still running when killed").isNull();
            assertThat(byPort.get("1-4").steps).extracting(JobRecord.StepRecord::name).contains("SendFfuHeader");
        }
        List<Job> running = new JobJournal(jobs).running();
        assertThat(running).hasSize(1);
        assertThat(running.get(0).port).isEqualTo("1-4");

        StringWriter out = new StringWriter();
        int code = Main.run(new String[] {"resume", "--bus", served.uri(), "--jobs-dir", jobs.toString(), "--yes", "--store", store},
                new PrintWriter(out, true), new PrintWriter(out, true));
        assertThat(code).as(out.toString()).isZero();
        assertThat(new JobJournal(jobs).load(running.get(0).id).orElseThrow().state).isEqualTo(JobState.DONE);
        assertThat(slow.flashingIncomplete()).isFalse();
        try (RecordStore s = RecordStores.open(store)) {
            JobRecord resumed = s.job(running.get(0).id).orElseThrow();
            assertThat(resumed.outcome).isEqualTo("DONE");
            assertThat(resumed.attempts).isEqualTo(2);
            // the record names the firmware the phone now carries, by its SHA-256 (issue #14: resumed records had none)
            assertThat(resumed.firmwareFile).endsWith("RM-914.ffu");
            assertThat(resumed.firmwareSha256).matches("[0-9a-f]{64}");
            assertThat(s.audit().entries()).extracting(e -> e.event()).contains("resumed");
            assertThat(s.audit().verify().ok()).isTrue();
        }
    }
}
