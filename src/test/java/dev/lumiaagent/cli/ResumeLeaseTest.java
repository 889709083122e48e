package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobIdentity;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.Checkpoint;
import dev.lumiaagent.job.JobState;
import dev.lumiaagent.job.PhoneLease;
import dev.lumiaagent.record.AuditEntry;
import dev.lumiaagent.record.PhoneLeases;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.sim.BenchSpec;
import dev.lumiaagent.transport.PortPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One phone, one job: resume refuses a phone another job holds, takes over a dead holder's lease, runs one job per phone. */
class ResumeLeaseTest {
    static final PortPath PORT = PortPath.parse("1-5");

    @TempDir
    Path dir;
    Path bench;
    Path jobs;
    String store;
    JobJournal journal;
    /** The IMEI the simulated RM-914 on 1-5 reports, which keys its lease row: the bench's own. */
    String imei;
    /** The start time of the last job made here: each next job starts a millisecond later, so its id sorts after. */
    Instant started = Instant.now();

    @BeforeEach
    void bench() throws Exception {
        bench = dir.resolve("bench.json");
        Files.writeString(bench, "{\"phones\": [{\"port\": \"1-5\", \"model\": \"RM-914\", \"mode\": \"normal\"}]}");
        jobs = dir.resolve("jobs");
        store = "jdbc:sqlite:" + dir.resolve("records.db");
        journal = new JobJournal(jobs);
        imei = BenchSpec.read(bench).phones().get(0).imei();
    }

    /** A RUNNING soft-reset job for the phone on 1-5, as an agent killed mid-job leaves it; ids strictly newer each call. */
    Job interruptedJob() {
        started = started.plusMillis(1); // ids are the start time to the millisecond, then random hex
        return Checkpoint.start(journal, JobJournal.newId(started), "soft-reset", Map.of(), PORT, new JobIdentity(imei, null, null),
                "NORMAL").job();
    }

    CliRunner.Result resume() {
        return CliRunner.run("resume", "--bench", bench.toString(), "--sim-speed", "200", "--yes", "--jobs-dir", jobs.toString(),
                "--store", store);
    }

    @Test
    void aPhoneAnotherAgentIsDrivingIsRefusedByNameAndNotTouched() throws Exception {
        Job job = interruptedJob();
        // Another agent on this machine holds the phone (its job's lock on 1-5), e.g. a first `resume` mid-flash.
        try (PhoneLease other = PhoneLease.acquire(jobs, PORT, job.identity, job.id, "reflash", "bench-7", null, Clock.systemUTC(),
                line -> { })) {
            CliRunner.Result r = resume();
            assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED.code());
            // resume is a bench of the unfinished jobs: the refusal is a row of its tally, with its next step
            assertThat(r.out()).contains("PHONE_BUSY: 1-5 is being flashed by job " + job.id + " (pid " + ProcessHandle.current().pid()
                    + " on station bench-7").contains("Wait for job " + job.id);
            assertThat(r.out()).doesNotContain("Resuming");
        }
        Job after = journal.load(job.id).orElseThrow();
        assertThat(after.runs).as("no run added by the refused resume").hasSize(1);
        assertThat(after.state).isEqualTo(JobState.RUNNING);
    }

    @Test
    void aPhoneAnotherStationHoldsInTheStoreIsRefusedByName() {
        Job job = interruptedJob();
        Instant now = Instant.now();
        try (RecordStore s = RecordStores.open(store)) {
            assertThat(s.leases().claim(new PhoneLeases.Lease("imei:" + imei, "1-1", null, "20250101-000000-000-abcdef", "station-b",
                    77, "host-b", now, now.plus(PhoneLease.BOUND))).acquired()).isTrue();
        }
        CliRunner.Result r = resume();
        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED.code());
        assertThat(r.out()).contains("PHONE_BUSY: 1-5 is busy with job 20250101-000000-000-abcdef (pid 77 on station station-b");
        assertThat(journal.load(job.id).orElseThrow().runs).hasSize(1);
    }

    @Test
    void anExpiredLeaseIsTakenOverAndAudited() {
        Job job = interruptedJob();
        Instant then = Instant.now().minus(PhoneLease.BOUND.multipliedBy(3));
        try (RecordStore s = RecordStores.open(store)) {
            s.leases().claim(new PhoneLeases.Lease("imei:" + imei, "1-5", null, "20250101-000000-000-dead00", "station-b", 77, "host-b",
                    then, then.plus(PhoneLease.BOUND)));
        }
        CliRunner.Result r = resume();
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(journal.load(job.id).orElseThrow().state).isEqualTo(JobState.DONE);
        try (RecordStore s = RecordStores.open(store)) {
            List<AuditEntry> audit = s.audit().entries();
            assertThat(audit).anySatisfy(e -> {
                assertThat(e.event()).isEqualTo("LEASE_TAKEN_OVER");
                assertThat(e.detail()).contains("20250101-000000-000-dead00").contains("taken over by job " + job.id);
            });
            assertThat(s.leases().holder("imei:" + imei)).as("released at the end").isEmpty();
        }
    }

    /**
     * An agent on this machine killed mid-job leaves its lease row unexpired for up to two minutes; its
     * process is gone, so the row is taken over at once (audited) instead of blocking the phone.
     */
    @Test
    void aLeaseOfAKilledAgentOnThisHostIsTakenOverAtOnce() throws Exception {
        Job job = interruptedJob();
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Instant now = Instant.now();
        try (RecordStore s = RecordStores.open(store)) {
            s.leases().claim(new PhoneLeases.Lease("imei:" + imei, "1-5", null, "20250101-000000-000-killed", "station-a", dead.pid(),
                    java.net.InetAddress.getLocalHost().getHostName(),
                    now, now.plus(PhoneLease.BOUND)));
        }
        CliRunner.Result r = resume();
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(journal.load(job.id).orElseThrow().state).isEqualTo(JobState.DONE);
        try (RecordStore s = RecordStores.open(store)) {
            assertThat(s.audit().entries()).anySatisfy(e -> {
                assertThat(e.event()).isEqualTo("LEASE_TAKEN_OVER");
                assertThat(e.detail()).contains("20250101-000000-000-killed").contains("is gone");
            });
        }
    }

    @Test
    void threeUnfinishedJobsForOnePhoneRunOnceTheNewest() {
        Job oldest = interruptedJob();
        Job middle = interruptedJob();
        Job newest = interruptedJob();
        CliRunner.Result r = resume();
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).containsOnlyOnce("Resuming job").contains("Resuming job " + newest.id)
                .contains("job " + oldest.id + " (soft-reset on 1-5): superseded by the newer job " + newest.id)
                .contains("job " + middle.id + " (soft-reset on 1-5): superseded by the newer job " + newest.id);
        assertThat(journal.load(newest.id).orElseThrow().state).isEqualTo(JobState.DONE);
        for (Job old : List.of(oldest, middle)) {
            Job after = journal.load(old.id).orElseThrow();
            assertThat(after.state).isEqualTo(JobState.SUPERSEDED);
            assertThat(after.runs).hasSize(1);
            assertThat(after.summary).contains(newest.id);
        }
        try (RecordStore s = RecordStores.open(store)) {
            assertThat(s.audit().entries().stream().filter(e -> e.event().equals("superseded")).map(AuditEntry::jobId))
                    .containsExactlyInAnyOrder(oldest.id, middle.id);
        }
        assertThat(CliRunner.run("resume", "--bench", bench.toString(), "--jobs-dir", jobs.toString(), "--store", store).out())
                .contains("Nothing to resume");
    }

    /**
     * Issue #14: phones were resumed one at a time with no tally. Now resume is a bench of the unfinished jobs:
     * each phone in its own worker under --max-parallel, with the bench view and a tally.
     */
    @Test
    void unfinishedJobsOfSeveralPhonesResumeAsABenchWithATally() throws Exception {
        Files.writeString(bench, "{\"phones\": [{\"port\": \"1-5\", \"model\": \"RM-914\", \"mode\": \"normal\"},"
                + "{\"port\": \"1-6\", \"model\": \"RM-1104\", \"mode\": \"normal\"},"
                + "{\"port\": \"1-7\", \"model\": \"RM-1045\", \"mode\": \"normal\"}]}");
        List<Job> jobsLeft = List.of(
                Checkpoint.start(journal, "soft-reset", Map.of(), PORT, new JobIdentity(imei, null, null), "NORMAL").job(),
                Checkpoint.start(journal, "soft-reset", Map.of(), PortPath.parse("1-6"), new JobIdentity(null, null, null), "NORMAL").job(),
                Checkpoint.start(journal, "info", Map.of(), PortPath.parse("1-7"), new JobIdentity(null, null, null), "NORMAL").job());
        CliRunner.Result r = CliRunner.run("resume", "--bench", bench.toString(), "--sim-speed", "200", "--yes", "--jobs-dir",
                jobs.toString(), "--store", store, "--max-parallel", "3");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("resume 3 unfinished jobs on").contains("at most 3 phones at once")
                .contains("<1-5> soft-reset started").contains("<1-6> soft-reset started").contains("<1-7> info started")
                .contains("Resume: 3 phones — Succeeded 3 · Failed 0 · Skipped 0");
        for (Job j : jobsLeft) {
            Job after = journal.load(j.id).orElseThrow();
            assertThat(after.state).as(j.port).isEqualTo(JobState.DONE);
            assertThat(after.runs).as(j.port).hasSize(2);
            assertThat(Files.exists(jobs.resolve(j.id + ".log"))).as("each resumed job has its own log").isTrue();
        }
        try (RecordStore s = RecordStores.open(store)) {
            assertThat(s.audit().entries().stream().filter(e -> e.event().equals("resumed")).map(AuditEntry::jobId))
                    .containsExactlyInAnyOrderElementsOf(jobsLeft.stream().map(j -> j.id).toList());
        }
    }
}
