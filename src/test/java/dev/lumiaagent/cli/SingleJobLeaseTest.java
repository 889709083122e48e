package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.flow.job.JobIdentity;
import dev.lumiaagent.flow.job.JobJournal;
import dev.lumiaagent.flow.job.PhoneLease;
import dev.lumiaagent.transport.PortPath;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One phone, one job, for the single-phone verbs too (issue #14): a `reflash` of a phone another job
 * drives is refused by name before anything is done to it, and a job gives its phone back when it ends.
 */
class SingleJobLeaseTest {
    private static final PortPath PORT = PortPath.parse("1-1");

    @TempDir
    Path dir;
    Path ffu;
    Path jobs;
    String store;

    @BeforeEach
    void ffu() {
        ffu = dir.resolve("rm914.ffu"); // --simulate 1 is a Lumia 520
        assertThat(CliRunner.run("ffu", "build", "--demo", "8M", "--model", "RM-914", "-o", ffu.toString()).exitCode()).isZero();
        jobs = dir.resolve("jobs");
        store = "jdbc:sqlite:" + dir.resolve("records.db");
    }

    private CliRunner.Result reflash() {
        return CliRunner.run("reflash", "--simulate", "1", "--sim-speed", "200", "--ffu", ffu.toString(), "--yes",
                "--jobs-dir", jobs.toString(), "--store", store);
    }

    @Test
    void aReflashOfAPhoneAnotherJobDrivesIsRefusedByName() throws Exception {
        try (PhoneLease other = PhoneLease.acquire(jobs, PORT, new JobIdentity(null, null, null), "J-OTHER", "hard-reset", "bench-3",
                null, Clock.systemUTC(), line -> { })) {
            CliRunner.Result r = reflash();
            assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCode.FAILED.code());
            assertThat(r.err()).contains("PHONE_BUSY: 1-1 is").contains("job J-OTHER").contains("Nothing was done to the phone")
                    .contains("next step:");
            assertThat(r.out()).doesNotContain("WriteChunks");
        }
        assertThat(new JobJournal(jobs).running()).as("a refused job leaves no RUNNING job file").isEmpty();
    }

    @Test
    void aJobGivesItsPhoneBackWhenItEnds() {
        CliRunner.Result first = reflash();
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(PhoneLease.heldBy(jobs, PORT)).isEmpty();
        CliRunner.Result second = reflash();
        assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
    }
}
