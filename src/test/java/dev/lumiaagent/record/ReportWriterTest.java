package dev.lumiaagent.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportWriterTest {
    static final Instant NOW = Instant.parse("2025-05-08T12:00:00Z");

    static JobRecord job(String id, String command, String outcome, String summary) {
        JobRecord j = new JobRecord();
        j.jobId = id;
        j.command = command;
        j.station = "bench-a";
        j.operator = "kim";
        j.port = "1-2";
        j.productType = "RM-914";
        j.started = "2025-05-08T10:00:00Z";
        j.attempts = 1;
        j.outcome = outcome;
        j.summary = summary;
        return j;
    }

    static Report sample() {
        JobRecord done = job("j1", "reflash", "DONE", "reflashed, back in normal mode");
        done.firmwareSha256 = "ab".repeat(32);
        JobRecord failed = job("j2", "reflash", "FIRMWARE_MISMATCH", "the FFU is for \"RM-1045\", not RM-914, so nothing was written");
        failed.nextStep = "pick the FFU for RM-914";
        JobRecord skipped = job("j3", "soft-reset", "SKIPPED", "no phone answered on the port");
        JobRecord running = job("j4", "soft-reset", null, null);
        return Report.of(List.of(done, failed, skipped, running), "2025-05-07T12:00:00Z");
    }

    @Test
    void csvIsOneTableWithRfc4180Quoting() throws Exception {
        StringWriter out = new StringWriter();
        ReportWriter.write(sample(), ReportWriter.Format.CSV, out);

        String[] lines = out.toString().split("\n");
        assertThat(lines).hasSize(5);
        assertThat(lines[0]).isEqualTo("jobId,started,ended,station,operator,port,command,productType,productCode,imei,"
                + "publicId,usbSerial,platformId,firmwareFile,firmwareSha256,attempts,outcome,summary,nextStep");
        assertThat(lines[2]).isEqualTo("j2,2025-05-08T10:00:00Z,,bench-a,kim,1-2,reflash,RM-914,,,,,,,,1,FIRMWARE_MISMATCH,"
                + "\"the FFU is for \"\"RM-1045\"\", not RM-914, so nothing was written\",\"pick the FFU for RM-914\"");
        assertThat(lines[4]).startsWith("j4,").contains(",RUNNING,");
    }

    @Test
    void jsonHasTheSummaryAndEveryJob() throws Exception {
        StringWriter out = new StringWriter();
        ReportWriter.write(sample(), ReportWriter.Format.JSON, out);

        JsonNode doc = new ObjectMapper().readTree(out.toString());
        assertThat(doc.path("summary").path("totals").toString())
                .isEqualTo("{\"total\":4,\"succeeded\":1,\"failed\":1,\"skipped\":1,\"running\":1}");
        assertThat(doc.path("summary").path("since").asText()).isEqualTo("2025-05-07T12:00:00Z");
        assertThat(doc.path("summary").path("byOutcome").toString())
                .isEqualTo("{\"DONE\":1,\"FIRMWARE_MISMATCH\":1,\"RUNNING\":1,\"SKIPPED\":1}");
        assertThat(doc.path("summary").path("byCommand").path("soft-reset").path("skipped").asInt()).isEqualTo(1);
        assertThat(doc.path("jobs")).hasSize(4);
        assertThat(doc.path("jobs").get(1).path("summary").asText()).contains("\"RM-1045\", not");
        assertThat(doc.path("jobs").get(0).path("firmwareSha256").asText()).isEqualTo("ab".repeat(32));
        assertThat(doc.path("jobs").get(0).has("imei")).isTrue();
    }

    @Test
    void summaryLinesForPeople() {
        assertThat(ReportWriter.summaryLines(sample())).containsExactly(
                "4 job(s) since 2025-05-07T12:00:00Z: 1 succeeded, 1 failed, 1 skipped, 1 running",
                "by outcome: DONE 1, FIRMWARE_MISMATCH 1, RUNNING 1, SKIPPED 1",
                "  reflash: 2 job(s): 1 succeeded, 1 failed, 0 skipped",
                "  soft-reset: 2 job(s): 0 succeeded, 0 failed, 1 skipped, 1 running");
    }

    @Test
    void sinceTakesInstantsDatesAndDurations() {
        assertThat(Since.parse("24h", NOW)).isEqualTo(Instant.parse("2025-05-07T12:00:00Z"));
        assertThat(Since.parse("7d", NOW)).isEqualTo(Instant.parse("2025-05-01T12:00:00Z"));
        assertThat(Since.parse("90m", NOW)).isEqualTo(Instant.parse("2025-05-08T10:30:00Z"));
        assertThat(Since.parse("2w", NOW)).isEqualTo(Instant.parse("2025-04-24T12:00:00Z"));
        assertThat(Since.parse("PT12H", NOW)).isEqualTo(Instant.parse("2025-05-08T00:00:00Z"));
        assertThat(Since.parse("2025-05-01", NOW)).isEqualTo(Instant.parse("2025-05-01T00:00:00Z"));
        assertThat(Since.parse("2025-05-01T10:00:00+02:00", NOW)).isEqualTo(Instant.parse("2025-05-01T08:00:00Z"));
        assertThat(Since.parse("2025-05-01T08:00:00Z", NOW)).isEqualTo(Instant.parse("2025-05-01T08:00:00Z"));
    }

    @Test
    void aBadSinceIsNamed() {
        for (String bad : new String[] {"yesterday", "24", "-3d", "2025-13-01", "", "P-1D"}) {
            assertThatThrownBy(() -> Since.parse(bad, NOW)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("--since '" + bad + "' is ");
        }
    }
}
