package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code batch emergency} with neither files nor a product type: each 9008 phone's files from the library, as a technician runs it. */
class BatchEmergencyFromLibraryTest {
    @TempDir
    Path dir;

    @Test
    void aTrayOfMixedModelsIn9008IsFlashedFromTheLibrary() throws Exception {
        Path library = dir.resolve("firmware");
        CliRunner.Result lib = CliRunner.run("simulate", "firmware", "--dir", library.toString(), "--size-mib", "4");
        assertThat(lib.exitCode()).as(lib.err()).isZero();
        Path bench = dir.resolve("tray.json");
        Files.writeString(bench, "{\"phones\": [{\"port\": \"1-1\", \"model\": \"RM-1073\", \"mode\": \"edl\"},"
                + " {\"port\": \"1-2\", \"model\": \"RM-1104\", \"mode\": \"edl\"},"
                + " {\"port\": \"1-3\", \"model\": \"RM-914\", \"mode\": \"edl\"}]}");
        String store = "jdbc:sqlite:" + dir.resolve("records.db");

        CliRunner.Result r = CliRunner.run("batch", "emergency", "--bench", bench.toString(), "--sim-speed", "200", "--firmware-dir",
                library.toString(), "--yes", "--store", store, "--jobs-dir", dir.resolve("jobs").toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("chosen per phone by its root-key hash", "Succeeded 3 · Failed 0 · Skipped 0");
        try (RecordStore s = RecordStores.open(store)) {
            List<JobRecord> jobs = s.jobs(null);
            assertThat(jobs).hasSize(3);
            assertThat(jobs).filteredOn(j -> j.port.equals("1-1")).singleElement()
                    .satisfies(j -> assertThat(j.summary).contains("RM-1073_demo.ffu"));
            assertThat(jobs).filteredOn(j -> j.port.equals("1-2")).singleElement()
                    .satisfies(j -> assertThat(j.summary).contains("RM-1104_demo.ffu"));
            assertThat(jobs).filteredOn(j -> j.port.equals("1-3")).singleElement()
                    .satisfies(j -> assertThat(j.summary).contains("RM-914_demo.ffu"));
        }
    }

    /**
     * Issue #14: `emergency` on one phone needed --product-type, which a phone in 9008 cannot tell, while
     * `batch emergency` chose by root-key hash. Now both choose the same way; the record names the chosen
     * FFU and carries its SHA-256.
     */
    @Test
    void oneSingle9008PhoneIsFlashedFromTheLibraryByItsRootKeyHash() throws Exception {
        Path library = dir.resolve("firmware");
        CliRunner.Result lib = CliRunner.run("simulate", "firmware", "--dir", library.toString(), "--size-mib", "4");
        assertThat(lib.exitCode()).as(lib.err()).isZero();
        Path bench = dir.resolve("one.json");
        Files.writeString(bench, "{\"phones\": [{\"port\": \"1-1\", \"model\": \"RM-1104\", \"mode\": \"edl\"}]}");
        String store = "jdbc:sqlite:" + dir.resolve("records.db");

        CliRunner.Result r = CliRunner.run("emergency", "--bench", bench.toString(), "--sim-speed", "200", "--firmware-dir",
                library.toString(), "--yes", "--store", store, "--jobs-dir", dir.resolve("jobs").toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("by the phone's root-key hash").contains("RM-1104_demo.ffu");
        try (RecordStore s = RecordStores.open(store)) {
            assertThat(s.jobs(null)).singleElement().satisfies(j -> {
                assertThat(j.outcome).isEqualTo("DONE");
                assertThat(j.summary).contains("RM-1104_demo.ffu");
                assertThat(j.firmwareSha256).as("the chosen FFU's SHA-256").isNotBlank();
            });
        }
    }

    @Test
    void aProgrammerWithoutAnFfuIsAUsageErrorThatNamesTheThreeForms() throws Exception {
        Path ede = dir.resolve("RM-1073.ede");
        assertThat(CliRunner.run("simulate", "programmer", "--model", "RM-1073", "-o", ede.toString()).exitCode()).isZero();
        CliRunner.Result r = CliRunner.run("batch", "emergency", "--simulate", "2", "--programmer", ede.toString(), "--yes",
                "--store", "jdbc:sqlite:" + dir.resolve("records.db"));
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("--programmer and --ffu", "--product-type", "per phone from the library");
    }

    @Test
    void anInterruptedLibraryChosenEmergencyJobIsResumedByChoosingAgain() throws Exception {
        Path library = dir.resolve("firmware");
        assertThat(CliRunner.run("simulate", "firmware", "--dir", library.toString(), "--size-mib", "4").exitCode()).isZero();
        Path bench = dir.resolve("one.json");
        Files.writeString(bench, "{\"phones\": [{\"port\": \"1-2\", \"model\": \"RM-1104\", \"mode\": \"edl\", \"usbSerial\": \"EDL42\"}]}");
        // The job file a bench leaves when it is killed before the job ends: RUNNING, files to be chosen from the library.
        dev.lumiaagent.job.JobJournal journal = new dev.lumiaagent.job.JobJournal(dir.resolve("jobs"));
        dev.lumiaagent.job.Checkpoint.start(journal, "emergency", java.util.Map.of("consent", List.of("--yes"),
                "firmwareDir", List.of(library.toString())), dev.lumiaagent.transport.PortPath.parse("1-2"),
                new dev.lumiaagent.job.JobIdentity(null, null, "EDL42"), "EDL_PBL");
        assertThat(journal.running()).hasSize(1);

        CliRunner.Result r = CliRunner.run("resume", "--bench", bench.toString(), "--sim-speed", "200", "--yes",
                "--jobs-dir", dir.resolve("jobs").toString(), "--store", "jdbc:sqlite:" + dir.resolve("records.db"));
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("RM-1104_demo.ffu");
        assertThat(journal.running()).isEmpty();
    }
}
