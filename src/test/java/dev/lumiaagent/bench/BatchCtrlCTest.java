package dev.lumiaagent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.cli.Main;
import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobState;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.testing.ChildJvm;
import dev.lumiaagent.testing.ServedBench;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.transport.PortPath;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on a batch, in a real process (SIGTERM, as {@code ProcessHandle.destroy()} sends on Linux; the
 * agent's shutdown hook treats SIGINT the same): the running job ends INTERRUPTED with its checkpoint written,
 * the tally says so in one voice (interrupted: resumable with {@code resume --port}; queued: not started;
 * counted as Interrupted, not Failed), and the process ends with 130 right after — not 30 s later, as it
 * did when the hook joined a main thread that was itself inside {@code System.exit} (issue "Step 3 of 7").
 */
class BatchCtrlCTest {
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
    void ctrlCStopsTheRunningJobResumablyListsTheQueuedOnesAndExits130Promptly() throws Exception {
        // The Lumia 520 is paced at 5 MB/s in real time: its write lasts seconds, long enough to stop mid-write.
        SimPhone slow = TestPhones.normal("RM-914", "356938035641004");
        bus.attach(PortPath.parse("1-4"), slow);
        // With --max-parallel 1 these wait behind it: queued, never started.
        bus.attach(PortPath.parse("1-5"), TestPhones.normal("RM-1104", "356938035641005"));
        bus.attach(PortPath.parse("1-6"), TestPhones.normal("RM-1045", "356938035641006"));
        Path library = dir.resolve("firmware");
        ffu(library, "RM-914", 128L << 20);
        ffu(library, "RM-1104", 4L << 20);
        ffu(library, "RM-1045", 4L << 20);
        String store = "jdbc:sqlite:" + dir.resolve("records.db");
        Path jobs = dir.resolve("jobs");

        Instant signalled;
        Instant exited;
        try (ChildJvm agent = ChildJvm.start(Main.class, "batch", "reflash", "--bus", served.uri(), "--firmware-dir", library.toString(),
                "--yes", "--max-parallel", "1", "--store", store, "--jobs-dir", jobs.toString(), "--operator", "bob")) {
            agent.awaitLine("<1-4>     WriteChunks", Duration.ofSeconds(120));
            signalled = Instant.now();
            agent.terminate(); // SIGTERM
            // Before the fix the process hung 30 s here; 5 s leaves room for a loaded 2-core machine.
            boolean ended = agent.process().waitFor(5, TimeUnit.SECONDS);
            exited = Instant.now();
            assertThat(ended).as("the agent exited within 5 s of SIGTERM").isTrue();
            assertThat(agent.process().exitValue()).isEqualTo(130);
            agent.awaitAll(Duration.ofSeconds(10),
                    "Batch reflash stopped (Ctrl-C): interrupted jobs are resumable with lumia-agent resume --port P",
                    "3 phones — Succeeded 0 · Failed 0 · Skipped 0 · Interrupted 1 · Not started 2",
                    "INTERRUPTED — resumable: lumia-agent resume --port 1-4",
                    "1-5  not started (queued)",
                    "1-6  not started (queued)",
                    "Records: ");
        }
        assertThat(slow.flashingIncomplete()).isTrue();

        List<Job> running = new JobJournal(jobs).running();
        assertThat(running).as("the interrupted job stays RUNNING in its file, for resume").hasSize(1);
        assertThat(running.get(0).port).isEqualTo("1-4");
        Instant lastCheckpoint = Files.getLastModifiedTime(new JobJournal(jobs).file(running.get(0).id)).toInstant();
        System.out.println("BatchCtrlCTest: exit " + Duration.between(signalled, exited).toMillis() + " ms after SIGTERM, "
                + Duration.between(lastCheckpoint, exited).toMillis() + " ms after the last checkpoint");
        assertThat(Duration.between(lastCheckpoint, exited)).as("exit after the last checkpoint (signal at %s)", signalled)
                .isLessThan(Duration.ofSeconds(2));

        // The row's command is the one that finishes it.
        StringWriter out = new StringWriter();
        int code = Main.run(new String[] {"resume", "--port", "1-4", "--bus", served.uri(), "--jobs-dir", jobs.toString(), "--yes",
                "--store", store}, new PrintWriter(out, true), new PrintWriter(out, true));
        assertThat(code).as(out.toString()).isZero();
        assertThat(new JobJournal(jobs).load(running.get(0).id).orElseThrow().state).isEqualTo(JobState.DONE);
        assertThat(slow.flashingIncomplete()).isFalse();
    }
}
