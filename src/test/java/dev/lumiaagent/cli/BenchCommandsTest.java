package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.sim.SimModel;
import dev.lumiaagent.sim.SimModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code batch} and {@code station} end to end on in-process simulated benches, as a technician runs them. */
class BenchCommandsTest {
    @TempDir
    static Path library;

    @TempDir
    Path dir;

    @BeforeAll
    static void firmware() {
        for (SimModel m : SimModels.standard().all()) {
            CliRunner.Result built = CliRunner.run("ffu", "build", "--demo", "4M", "--model", m.productType(), "-o",
                    library.resolve(m.productType() + ".ffu").toString());
            assertThat(built.exitCode()).as(built.err()).isZero();
        }
    }

    private static String sha256(Path file) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(java.nio.file.Files.readAllBytes(file)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String store() {
        return "jdbc:sqlite:" + dir.resolve("records.db");
    }

    @Test
    void aBatchReflashOfAMixedBenchPrintsOneLinePerPortAndAnHonestTally() {
        // --simulate 8: normal, flash app, 9008, dead battery (F006), label, mass storage, normal, flash app.
        CliRunner.Result r = CliRunner.run("batch", "reflash", "--simulate", "8", "--sim-speed", "200", "--firmware-dir",
                library.toString(), "--yes", "--max-parallel", "4", "--store", store(), "--jobs-dir", dir.resolve("jobs").toString(),
                "--station", "bench-7", "--operator", "alice");
        assertThat(r.out()).contains("Succeeded 5 · Failed 1 · Skipped 2");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCode.FAILED.code());
        assertThat(r.out()).contains("<1-1.1> reflash started", "<1-1.3> SKIPPED", "<1-1.4> FAILED BATTERY_DEAD", "next step: Charge it");
        assertThat(r.out()).doesNotContain("\033"); // piped: no control codes
        try (RecordStore s = RecordStores.open(store())) {
            List<JobRecord> jobs = s.jobs(null);
            assertThat(jobs).hasSize(8);
            assertThat(jobs).allMatch(j -> j.station.equals("bench-7") && j.operator.equals("alice"));
            assertThat(s.audit().verify().ok()).isTrue();
        }
    }

    @Test
    void aBatchInfoOfEveryPersonalitySucceeds() {
        CliRunner.Result r = CliRunner.run("batch", "info", "--simulate", "6", "--sim-speed", "200", "--store", store(),
                "--jobs-dir", dir.resolve("jobs").toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Succeeded 6 · Failed 0 · Skipped 0");
    }

    /** Issue #14: a batch refused to run when its store could not be opened, while a single phone ran with its job file. */
    @Test
    void aBatchWhoseStoreCannotBeOpenedRunsWithItsJobFilesAndSaysSo() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("not-a-dir"), "a file where the store's directory should be");
        Path jobs = dir.resolve("jobs");
        CliRunner.Result r = CliRunner.run("batch", "info", "--simulate", "2", "--sim-speed", "200", "--store",
                "jdbc:sqlite:" + dir.resolve("not-a-dir").resolve("records.db"), "--jobs-dir", jobs.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).contains("warning: the record store cannot be opened").contains("next step:");
        assertThat(r.out()).contains("records in job files only").contains("Succeeded 2 · Failed 0 · Skipped 0");
        java.util.List<dev.lumiaagent.job.Job> done = new dev.lumiaagent.job.JobJournal(jobs).list();
        assertThat(done).hasSize(2).allMatch(j -> j.state == dev.lumiaagent.job.JobState.DONE);
    }

    @Test
    void onlyTheChosenPortsAndAnEmptyPortIsNamed() {
        CliRunner.Result r = CliRunner.run("batch", "info", "--simulate", "4", "--sim-speed", "200", "--ports", "1-2,1-9",
                "--store", store(), "--jobs-dir", dir.resolve("jobs").toString());
        assertThat(r.out()).contains("Succeeded 1 · Failed 0 · Skipped 1", "1-9  no phone on this port");
        assertThat(r.exitCode()).isEqualTo(ExitCode.INCOMPLETE.code());
    }

    @Test
    void anErasingBatchNeedsConsentUpFrontAndOptionsMustFitTheJob() {
        CliRunner.Result noConsent = CliRunner.run("batch", "reflash", "--simulate", "2", "--firmware-dir", library.toString(),
                "--store", store(), "--jobs-dir", dir.resolve("jobs").toString());
        assertThat(noConsent.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(noConsent.err()).contains("--yes", "nothing was done");

        CliRunner.Result wrong = CliRunner.run("batch", "reflash", "--simulate", "2", "--method", "keys", "--yes", "--store", store());
        assertThat(wrong.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(wrong.err()).contains("--method is for hard-reset");

        CliRunner.Result job = CliRunner.run("batch", "flash-everything", "--simulate", "2");
        assertThat(job.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(job.err()).contains("info, soft-reset, hard-reset, reflash, emergency");
    }

    @Test
    void aStationTakesThePhonesOnTheBusAndStopsAfterN() {
        CliRunner.Result r = CliRunner.run("station", "info", "--simulate", "3", "--sim-speed", "200", "--stop-after", "3",
                "--store", store(), "--jobs-dir", dir.resolve("jobs").toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Station info: 3 phones — Succeeded 3 · Failed 0 · Skipped 0");
    }

    @Test
    void diagBundlesAJobsRecordLogTraceAndDeviceInfoByPortOrId() throws Exception {
        Path jobsDir = dir.resolve("jobs");
        CliRunner.Result r = CliRunner.run("batch", "reflash", "--simulate", "2", "--sim-speed", "200", "--firmware-dir",
                library.toString(), "--yes", "--store", store(), "--jobs-dir", jobsDir.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();

        Path zip = dir.resolve("diag.zip");
        CliRunner.Result d = CliRunner.run("diag", "1-2", "-o", zip.toString(), "--store", store(), "--jobs-dir", jobsDir.toString());
        assertThat(d.exitCode()).as(d.out() + d.err()).isZero();
        java.util.Map<String, String> entries = new java.util.HashMap<>();
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(z.entries())) {
                entries.put(e.getName(), new String(z.getInputStream(e).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        assertThat(entries).containsKeys("job.json", "record.json", "job.log", "protocol.trace", "device-info.json", "audit.txt",
                "environment.txt", "MANIFEST.txt");
        assertThat(entries.get("record.json")).contains("\"outcome\" : \"DONE\"");
        assertThat(entries.get("job.log")).contains("WriteChunks").contains("OUTCOME");
        assertThat(entries.get("protocol.trace")).contains("NOKV").contains("NOKXFS"); // the flash app's own bytes, both ways
        assertThat(entries.get("audit.txt")).contains("started").contains("finished");
        assertThat(entries.get("MANIFEST.txt")).contains("protocol.trace");

        CliRunner.Result none = CliRunner.run("diag", "20200101-000000-000-abcdef", "--store", store(), "--jobs-dir", jobsDir.toString());
        assertThat(none.exitCode()).isEqualTo(ExitCode.FAILED.code());
        assertThat(none.err()).contains("no job 20200101-000000-000-abcdef").contains("next step");
    }

    @Test
    void aSinglePhoneReflashIsRecordedAndAuditedToo() {
        Path ffu = library.resolve("RM-914.ffu");
        CliRunner.Result r = CliRunner.run("reflash", "--simulate", "1", "--sim-speed", "200", "--ffu", ffu.toString(), "--yes",
                "--store", store(), "--jobs-dir", dir.resolve("jobs").toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        try (RecordStore s = RecordStores.open(store())) {
            List<JobRecord> jobs = s.jobs(null);
            assertThat(jobs).hasSize(1);
            JobRecord j = jobs.get(0);
            assertThat(j.command).isEqualTo("reflash");
            assertThat(j.outcome).isEqualTo("DONE");
            assertThat(j.imei).isNotNull();
            // taken from the flow's own verification pass over the file, not from a second read
            assertThat(j.firmwareSha256).isEqualTo(sha256(ffu));
            assertThat(j.steps).extracting(JobRecord.StepRecord::name).contains("WriteChunks");
            assertThat(s.audit().entries()).extracting(e -> e.event()).contains("started", "gate", "finished");
            assertThat(s.audit().verify().ok()).isTrue();
        }
    }
}
