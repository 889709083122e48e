package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumiaagent.paths.PrivateFiles;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.testing.RequiredTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    @TempDir
    Path dir;
    String store;

    static JobRecord job(String id, Instant started, String outcome, String summary) {
        JobRecord j = new JobRecord();
        j.jobId = id;
        j.command = "reflash";
        j.station = "bench-a";
        j.port = "1-2";
        j.imei = "356000000000001";
        j.started = started.toString();
        j.attempts = 1;
        j.outcome = outcome;
        j.summary = summary;
        return j;
    }

    @BeforeEach
    void records() {
        store = "jdbc:sqlite:" + dir.resolve("records.db");
        Instant now = Instant.now();
        try (RecordStore s = RecordStores.open(store)) {
            s.save(job("old", now.minus(10, ChronoUnit.DAYS), "DONE", "reflashed"));
            s.save(job("new", now.minus(1, ChronoUnit.HOURS), "FIRMWARE_MISMATCH", "wrong FFU, \"RM-1045\", nothing written"));
        }
    }

    @Test
    void jsonOfTheLastDay() throws Exception {
        CliRunner.Result r = CliRunner.run("report", "--store", store, "--since", "24h", "--format", "json");

        assertThat(r.exitCode()).isZero();
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.path("jobs")).hasSize(1);
        assertThat(doc.path("jobs").get(0).path("jobId").asText()).isEqualTo("new");
        assertThat(doc.path("summary").path("totals").path("failed").asInt()).isEqualTo(1);
        assertThat(r.err()).isEmpty();
    }

    /** For a person at a terminal by default: a line per job and the totals, not a JSON document. */
    @Test
    void aTableByDefault() {
        CliRunner.Result r = CliRunner.run("report", "--store", store);

        assertThat(r.exitCode()).as(r.err()).isZero();
        java.util.List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).matches("STARTED +JOB +COMMAND +PORT +PHONE +OUTCOME +SUMMARY");
        assertThat(r.out()).doesNotContain("{\"").contains("IMEI 356000000000001").contains("FIRMWARE_MISMATCH")
                .contains("wrong FFU, \"RM-1045\", nothing written").contains("2 job(s): 1 succeeded, 1 failed, 0 skipped");
        int outcomeColumn = lines.get(0).indexOf("OUTCOME");
        assertThat(lines.get(1).indexOf("DONE") == outcomeColumn || lines.get(2).indexOf("DONE") == outcomeColumn).isTrue();
        assertThat(r.err()).isEmpty();
    }

    /** One phone's history by IMEI, newest first; another phone's jobs are left out. */
    @Test
    void onePhonesHistoryByImei() throws Exception {
        try (RecordStore s = RecordStores.open(store)) {
            JobRecord other = job("other", Instant.now(), "DONE", "another phone");
            other.imei = "356000000000099";
            s.save(other);
        }
        CliRunner.Result r = CliRunner.run("report", "--store", store, "--imei", "356000000000001", "--format", "json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.path("jobs")).hasSize(2);
        assertThat(doc.path("jobs").get(0).path("jobId").asText()).isEqualTo("new");
        assertThat(doc.path("jobs").get(1).path("jobId").asText()).isEqualTo("old");
    }

    /**
     * A 9008 phone tells no IMEI: its history is found by the chip serial its jobs recorded, and a phone by its USB
     * serial in either letter case; `--phone` and `--imei` are one option.
     */
    @Test
    void onePhonesHistoryByAnyNameItWasRecordedBy() throws Exception {
        try (RecordStore s = RecordStores.open(store)) {
            JobRecord edl = job("edl", Instant.now(), "DONE", "emergency flash");
            edl.command = "emergency";
            edl.imei = null;
            edl.deviceInfo.put("chipSerial", "7512103A");
            s.save(edl);
            JobRecord usb = job("usb", Instant.now().minusSeconds(60), "DONE", "a phone known by its USB serial");
            usb.imei = "356000000000077";
            usb.usbSerial = "a1b2c3d4e5";
            s.save(usb);
        }
        CliRunner.Result byChip = CliRunner.run("report", "--store", store, "--phone", "7512103a", "--format", "json");
        assertThat(byChip.exitCode()).as(byChip.err()).isZero();
        JsonNode chip = new ObjectMapper().readTree(byChip.out());
        assertThat(chip.path("jobs")).hasSize(1);
        assertThat(chip.path("jobs").get(0).path("jobId").asText()).isEqualTo("edl");

        CliRunner.Result bySerial = CliRunner.run("report", "--store", store, "--imei", "A1B2C3D4E5", "--format", "json");
        JsonNode serial = new ObjectMapper().readTree(bySerial.out());
        assertThat(serial.path("jobs")).hasSize(1);
        assertThat(serial.path("jobs").get(0).path("jobId").asText()).isEqualTo("usb");

        CliRunner.Result none = CliRunner.run("report", "--store", store, "--phone", "7512103", "--format", "json");
        assertThat(new ObjectMapper().readTree(none.out()).path("jobs")).as("a part of a serial is not the phone").isEmpty();
    }

    @Test
    void csvRowsOnStdoutAndTheTotalsOnStderr() {
        CliRunner.Result r = CliRunner.run("report", "--store", store, "--format", "csv");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().split("\n")).hasSize(3);
        assertThat(r.out()).contains("\"wrong FFU, \"\"RM-1045\"\", nothing written\"");
        assertThat(r.err()).contains("2 job(s): 1 succeeded, 1 failed, 0 skipped");
    }

    @Test
    void toAFile() throws Exception {
        Path file = dir.resolve("report.csv");
        CliRunner.Result r = CliRunner.run("report", "--store", store, "--format", "CSV", "-o", file.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("report (csv) written to " + file).contains("1 succeeded, 1 failed");
        assertThat(Files.readAllLines(file)).hasSize(3).first().asString().startsWith("jobId,started,");
    }

    /** A report names phones by IMEI: like the records and logs it comes from, the file is the user's alone. */
    @Test
    void aReportFileIsReadableByTheUserAlone() throws Exception {
        RequiredTool.require("a POSIX file system", PrivateFiles.posix(dir), "run on Linux or macOS");
        Path file = dir.resolve("reports").resolve("report.json");
        CliRunner.Result r = CliRunner.run("report", "--store", store, "-o", file.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readString(file)).contains("356000000000001");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    }

    @Test
    void aBadSinceIsAUsageErrorWithTheFormsItTakes() {
        CliRunner.Result r = CliRunner.run("report", "--store", store, "--since", "last week");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("error: --since 'last week' is not a time: give an instant")
                .contains("next step: e.g. --since 24h").doesNotContain("Exception");
    }

    @Test
    void aStoreThatCannotBeOpenedIsNamed() throws Exception {
        Path notADb = dir.resolve("text.db");
        Files.writeString(notADb, "not a database at all, only some text that is long enough to be read ".repeat(20));

        CliRunner.Result r = CliRunner.run("report", "--store", "jdbc:sqlite:" + notADb);

        assertThat(r.exitCode()).isEqualTo(ExitCode.STORE_UNAVAILABLE.code());
        assertThat(r.err()).startsWith("error: record store SQLite " + notADb.toAbsolutePath() + " is not an SQLite database: could not")
                .contains("next step: move it aside").doesNotContain("\tat ");
    }

    @Test
    void aStoreUrlOfAnotherKindIsAUsageError() {
        CliRunner.Result r = CliRunner.run("report", "--store", "mongodb://db/lumia");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("error: not a record store URL: 'mongodb://db/lumia'");
    }
}
