package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.record.AuditEntry;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's recovery step end to end (issue 18): a phone with the simulator's {@code gone-until-power-cycle} fault
 * leaves the bus at its first mode change of a {@code batch reflash} and stays away; the bench cycles its port's power
 * once on the simulated hub and the job completes. (The reattach wait is 300 bench seconds, 1.5 s real: the simulated
 * boot manager's watchdog, which the bench waits out after the cycle, never fires sooner than 1 s real, SimBus.WATCHDOG_REAL_FLOOR.) On a hub that cannot switch (bench file {@code "hub": "ganged"}) the
 * job fails with the manual step named. The bench clock runs at 200x; every wait is the bench's own, on events.
 */
class PortPowerBenchTest {
    @TempDir
    static Path library;

    @TempDir
    Path dir;

    @BeforeAll
    static void firmware() {
        CliRunner.Result built = CliRunner.run("ffu", "build", "--demo", "4M", "--model", "RM-1104", "-o",
                library.resolve("RM-1104.ffu").toString());
        assertThat(built.exitCode()).as(built.err()).isZero();
    }

    private Path bench(String hub) throws IOException {
        Path f = dir.resolve("bench.json");
        Files.writeString(f, "{\"clockSpeed\": 200, \"phones\": [{\"port\": \"1-2.3\", \"model\": \"RM-1104\", \"mode\": \"normal\","
                + " \"faults\": [\"gone-until-power-cycle\"]" + (hub == null ? "" : ", \"hub\": \"" + hub + "\"") + "}]}");
        return f;
    }

    private CliRunner.Result reflash(Path bench) {
        return CliRunner.run("batch", "reflash", "--bench", bench.toString(), "--sim-speed", "200", "--retries", "1",
                "--reattach-wait", "300", "--firmware-dir", library.toString(), "--yes", "--store", store(), "--jobs-dir",
                dir.resolve("jobs").toString());
    }

    private String store() {
        return "jdbc:sqlite:" + dir.resolve("records.db");
    }

    private String jobLogs() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir.resolve("jobs"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                sb.append(Files.readString(p));
            }
        }
        return sb.toString();
    }

    @Test
    void aPhoneGoneUntilItsPortIsPowerCycledIsRecoveredByOneCycle() throws Exception {
        CliRunner.Result r = reflash(bench(null));
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("port-power-cycle 1-2.3");
        assertThat(jobLogs()).contains("port-power-cycle 1-2.3: the phone did not come back to 1-2.3", "port-power-cycle 1-2.3: CYCLED");
        try (RecordStore s = RecordStores.open(store())) {
            JobRecord job = s.jobs(null).get(0);
            assertThat(job.outcome).as(job.summary).isEqualTo("DONE");
            assertThat(job.attempts).isEqualTo(2);
            List<AuditEntry> cycles = s.audit().entries().stream().filter(e -> e.event().equals("port-power-cycle")).toList();
            assertThat(cycles).hasSize(1);
            assertThat(cycles.get(0).detail()).startsWith("CYCLED: port 1-2.3");
            assertThat(s.audit().verify().ok()).isTrue();
        }
    }

    @Test
    void onAHubThatCannotSwitchTheJobFailsWithTheManualStep() throws Exception {
        CliRunner.Result r = reflash(bench("ganged"));
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCode.FAILED.code());
        try (RecordStore s = RecordStores.open(store())) {
            JobRecord job = s.jobs(null).get(0);
            assertThat(job.outcome).isEqualTo("PHONE_DID_NOT_RETURN");
            assertThat(job.summary).contains("could not power-cycle its port: hub 1-2 cannot switch its ports' power (ganged)");
            assertThat(job.nextStep).startsWith("Unplug the phone from 1-2.3 and plug it in again, then run the job for it again")
                    .contains("hub 1-2 cannot switch its ports' power (ganged)");
            assertThat(s.audit().entries()).anyMatch(e -> e.event().equals("port-power-cycle") && e.detail().startsWith("not done: hub 1-2"));
        }
        assertThat(jobLogs()).contains("port-power-cycle 1-2.3: not possible: hub 1-2 cannot switch its ports' power (ganged)");
    }
}
