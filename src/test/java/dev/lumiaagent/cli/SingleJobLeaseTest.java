package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.job.JobIdentity;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.PhoneLease;
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

    /** Issue #14: a single-phone job's diag had no log and no protocol trace (only bench jobs had them). */
    @Test
    void aSinglePhoneJobsDiagHasItsLogAndProtocolTrace() throws Exception {
        CliRunner.Result r = reflash();
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        String jobId = new JobJournal(jobs).list().get(0).id;
        Path zip = dir.resolve("diag.zip");
        CliRunner.Result d = CliRunner.run("diag", jobId, "-o", zip.toString(), "--store", store, "--jobs-dir", jobs.toString());
        assertThat(d.exitCode()).as(d.out() + d.err()).isZero();
        java.util.Map<String, String> entries = new java.util.HashMap<>();
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(z.entries())) {
                entries.put(e.getName(), new String(z.getInputStream(e).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        assertThat(entries).containsKeys("job.json", "record.json", "job.log", "protocol.trace");
        assertThat(entries.get("job.log")).contains("WriteChunks").contains("OUTCOME");
        assertThat(entries.get("protocol.trace")).contains("NOKV").contains("NOKXFS"); // the flash app's bytes, both ways
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
