package dev.lumiaagent.record;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run report: one row per job (per device) and totals. Built from job records, written by
 * {@link ReportWriter}.
 */
public record Report(Summary summary, List<Row> jobs) {
    /** The outcome of a job that succeeded ({@code flow.Reason.DONE}). */
    public static final String DONE = JobRecord.DONE;
    /** The outcome of a phone the job could not start on. */
    public static final String SKIPPED = JobRecord.SKIPPED;
    /** Shown as the outcome of a job that has none yet. */
    public static final String RUNNING = "RUNNING";

    /** One job. {@code outcome} is {@value #RUNNING} for a job that has not ended. */
    @JsonPropertyOrder({"jobId", "started", "ended", "station", "operator", "port", "command", "productType",
            "productCode", "imei", "publicId", "usbSerial", "platformId", "firmwareFile", "firmwareSha256", "attempts", "outcome", "summary",
            "nextStep"})
    public record Row(String jobId, String started, String ended, String station, String operator, String port,
                      String command, String productType, String productCode, String imei, String publicId, String usbSerial,
                      String platformId,
                      String firmwareFile, String firmwareSha256, int attempts, String outcome, String summary,
                      String nextStep) {
        static Row of(JobRecord j) {
            return new Row(j.jobId, j.started, j.ended, j.station, j.operator, j.port, j.command, j.productType,
                    j.productCode, j.imei, j.publicId, j.usbSerial, j.platformId, j.firmwareFile, j.firmwareSha256, j.attempts,
                    j.outcome == null ? RUNNING : j.outcome, j.summary, j.nextStep);
        }
    }

    /** Counts of one group of jobs. {@code failed} is every ended job that is neither DONE nor SKIPPED. */
    @JsonPropertyOrder({"total", "succeeded", "failed", "skipped", "running"})
    public record Counts(int total, int succeeded, int failed, int skipped, int running) {
        Counts plus(String outcome) {
            return new Counts(total + 1, succeeded + (DONE.equals(outcome) ? 1 : 0),
                    failed + (outcome != null && !DONE.equals(outcome) && !SKIPPED.equals(outcome) ? 1 : 0),
                    skipped + (SKIPPED.equals(outcome) ? 1 : 0), running + (outcome == null ? 1 : 0));
        }
    }

    /** Totals; {@code since} is the report's lower bound (null: every job), maps are sorted by key. */
    @JsonPropertyOrder({"since", "totals", "byOutcome", "byCommand"})
    public record Summary(String since, Counts totals, Map<String, Integer> byOutcome, Map<String, Counts> byCommand) {
    }

    public static Report of(List<JobRecord> records, String since) {
        Counts totals = new Counts(0, 0, 0, 0, 0);
        Map<String, Integer> byOutcome = new TreeMap<>();
        Map<String, Counts> byCommand = new TreeMap<>();
        List<Row> rows = records.stream().map(Row::of).toList();
        for (JobRecord j : records) {
            totals = totals.plus(j.outcome);
            byOutcome.merge(j.outcome == null ? RUNNING : j.outcome, 1, Integer::sum);
            String command = j.command == null ? "(unknown)" : j.command;
            byCommand.put(command, byCommand.getOrDefault(command, new Counts(0, 0, 0, 0, 0)).plus(j.outcome));
        }
        return new Report(new Summary(since, totals, byOutcome, byCommand), rows);
    }
}
