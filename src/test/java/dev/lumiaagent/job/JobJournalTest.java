package dev.lumiaagent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.Reason;
import dev.lumiaagent.flow.gate.Gate;
import dev.lumiaagent.flow.gate.GateResult;
import dev.lumiaagent.device.PhoneIdentity;
import dev.lumiaagent.transport.PortPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobJournalTest {
    private static final PortPath PORT = PortPath.parse("1-4");
    private static final JobIdentity PHONE = new JobIdentity("356938035643809", "ABCD", "USB4");

    @TempDir
    Path dir;

    private Checkpoint start(JobJournal journal, Instant at) {
        return Checkpoint.start(journal, Clock.fixed(at, ZoneOffset.UTC), "reflash",
                Map.of("ffu", List.of("/x/rm1104.ffu"), "consent", List.of("--yes")), PORT, PHONE, "NORMAL");
    }

    @Test
    void everyStepIsACheckpointAndAKilledRunStaysRunning() throws Exception {
        JobJournal journal = new JobJournal(dir.resolve("jobs"));
        Checkpoint r = start(journal, Instant.parse("2025-03-01T10:00:00Z"));
        String id = r.job().id;
        assertThat(journal.load(id).orElseThrow().state).isEqualTo(JobState.RUNNING);

        r.planned(PORT, "reflash", List.of("VerifyFfu", "WriteChunks"));
        r.stepStarted(PORT, "VerifyFfu", "verify", Duration.ofSeconds(1));
        r.gate(PORT, GateResult.passed(Gate.FFU_INTEGRITY, "4 chunks verified"));
        r.stepFinished(PORT, "VerifyFfu", true, "");
        r.stepStarted(PORT, "WriteChunks", "write", Duration.ofSeconds(1));
        // No finished event: the agent "dies" here. A fresh journal reads what is on disk.
        Job onDisk = new JobJournal(dir.resolve("jobs")).load(id).orElseThrow();
        assertThat(onDisk.state).isEqualTo(JobState.RUNNING);
        assertThat(onDisk.command).isEqualTo("reflash");
        assertThat(onDisk.param("ffu")).contains("/x/rm1104.ffu");
        assertThat(onDisk.identity).isEqualTo(PHONE);
        assertThat(onDisk.runs).hasSize(1);
        assertThat(onDisk.runs.get(0).plan).containsExactly("VerifyFfu", "WriteChunks");
        assertThat(onDisk.runs.get(0).steps).extracting(JobStep::name).containsExactly("VerifyFfu");
        assertThat(onDisk.runs.get(0).gates).extracting(JobGate::gate).containsExactly("FFU_INTEGRITY");
        assertThat(onDisk.lastStep()).contains("WriteChunks");
        assertThat(journal.running()).extracting(j -> j.id).containsExactly(id);

        // resume: the old run is INTERRUPTED, a new one runs in the same job and ends it.
        Checkpoint again = Checkpoint.resume(journal, onDisk, PORT, new JobIdentity(null, null, null), "UEFI");
        again.planned(PORT, "reflash", List.of("WriteChunks"));
        again.stepStarted(PORT, "WriteChunks", "write", Duration.ofSeconds(1));
        again.stepFinished(PORT, "WriteChunks", false, "the phone left");
        again.finished(PORT, "reflash", new Outcome(Reason.PHONE_LEFT, "WriteChunks: the phone left.", "Replug it."));
        Job done = journal.load(id).orElseThrow();
        assertThat(done.state).isEqualTo(JobState.FAILED);
        assertThat(done.reason).isEqualTo("PHONE_LEFT");
        assertThat(done.nextStep).isEqualTo("Replug it.");
        assertThat(done.runs).extracting(run -> run.state).containsExactly(RunState.INTERRUPTED, RunState.FAILED);
        assertThat(done.runs.get(1).startMode).isEqualTo("UEFI");
        assertThat(journal.running()).isEmpty();
    }

    @Test
    void writesLeaveNoTempFilesAndReplaceTheJobFileWhole() throws Exception {
        JobJournal journal = new JobJournal(dir);
        Checkpoint r = start(journal, Instant.now());
        for (int i = 0; i < 50; i++) {
            r.stepFinished(PORT, "Step" + i, true, "x".repeat(i * 10));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(r.job().id + ".json");
        }
        assertThat(journal.load(r.job().id).orElseThrow().runs.get(0).steps).hasSize(50);
    }

    @Test
    void listsOldestFirstAndSkipsDamagedFiles() throws Exception {
        JobJournal journal = new JobJournal(dir);
        String later = start(journal, Instant.parse("2025-03-02T10:00:00Z")).job().id;
        Checkpoint first = start(journal, Instant.parse("2025-03-01T10:00:00Z"));
        first.finished(PORT, "reflash", Outcome.done("ok"));
        Files.writeString(dir.resolve("20250303-000000-000-abcdef.json"), "{ half a file");
        Files.writeString(dir.resolve("notes.json"), "{}");
        assertThat(journal.list()).extracting(j -> j.id).containsExactly(first.job().id, later);
        assertThat(journal.running()).extracting(j -> j.id).containsExactly(later);
        assertThat(journal.list().get(0).state).isEqualTo(JobState.DONE);
    }

    @Test
    void idsSortByTimeAndForeignNamesAreRefused() {
        String a = JobJournal.newId(Instant.parse("2025-03-01T10:00:00.001Z"));
        String b = JobJournal.newId(Instant.parse("2025-03-01T10:00:00.002Z"));
        assertThat(a).startsWith("20250301-100000-001-").isLessThan(b);
        assertThatThrownBy(() -> new JobJournal(dir).file("../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void identityComparesOnImeiAndPublicIdAndUsesAnEqualSerialOnlyAsEvidenceOfSameness() {
        assertThat(PHONE.compare(new JobIdentity(null, "abcd", null))).isEqualTo(PhoneIdentity.Match.SAME);
        assertThat(PHONE.compare(new JobIdentity("111111111111111", null, "USB4"))).isEqualTo(PhoneIdentity.Match.DIFFERENT);
        assertThat(PHONE.compare(new JobIdentity(null, null, "USB4"))).isEqualTo(PhoneIdentity.Match.SAME);
        assertThat(PHONE.compare(new JobIdentity(null, null, "OTHER"))).isEqualTo(PhoneIdentity.Match.UNKNOWN);
        assertThat(new JobIdentity(null, null, null).fillFrom(PHONE)).isEqualTo(PHONE);
    }
}
