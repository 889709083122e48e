package dev.lumiaagent.record;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Report}.
 *
 * <ul>
 *   <li>JSON: one document {@code {"summary":{…},"jobs":[…]}}; absent fields are {@code null}.</li>
 *   <li>CSV (RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled): a
 *       header line and one row per job, nothing else, so the file loads as one table; the summary is
 *       for people and goes elsewhere ({@link #summaryLines}: the CLI prints it on stderr). Absent
 *       fields are empty.</li>
 * </ul>
 */
public final class ReportWriter {
    // the caller owns the writer (it may be stdout): flushed, never closed here
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    private static final CsvMapper CSV = CsvMapper.builder().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).build();
    private static final CsvSchema ROWS = CSV.schemaFor(Report.Row.class).withHeader();

    /** TABLE: for a person at a terminal (one aligned line per job, then the totals); JSON and CSV for programs. */
    public enum Format { TABLE, JSON, CSV }

    private ReportWriter() {
    }

    public static void write(Report report, Format format, Writer out) throws IOException {
        if (format == Format.CSV) {
            CSV.writer(ROWS).writeValues(out).writeAll(report.jobs()).close();
        } else if (format == Format.TABLE) {
            table(report, out);
        } else {
            JSON.writeValue(out, report);
            out.write(System.lineSeparator());
        }
        out.flush();
    }

    /** One aligned line per job (started, job, command, port, phone, outcome, summary), a blank line, the totals. */
    static void table(Report report, Writer out) throws IOException {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"STARTED", "JOB", "COMMAND", "PORT", "PHONE", "OUTCOME", "SUMMARY"});
        for (Report.Row r : report.jobs()) {
            rows.add(new String[] {cell(r.started()), cell(r.jobId()), cell(r.command()), cell(r.port()), phone(r), cell(r.outcome()),
                    r.summary() == null ? "" : r.summary().replace('\n', ' ')});
        }
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        String nl = System.lineSeparator();
        if (report.jobs().isEmpty()) {
            out.write("No jobs recorded" + (report.summary().since() == null ? "" : " since " + report.summary().since()) + "." + nl);
        } else {
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(i == row.length - 1 ? row[i] : String.format("%-" + width[i] + "s  ", row[i]));
                }
                out.write(line.toString().stripTrailing() + nl);
            }
        }
        out.write(nl);
        for (String l : summaryLines(report)) {
            out.write(l + nl);
        }
    }

    private static String cell(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }

    /** What the record knows of the phone: product type and IMEI, else public ID, else USB serial. */
    private static String phone(Report.Row r) {
        List<String> said = new ArrayList<>();
        if (r.productType() != null) {
            said.add(r.productType());
        }
        if (r.imei() != null) {
            said.add("IMEI " + r.imei());
        } else if (r.publicId() != null) {
            said.add("public ID " + r.publicId());
        } else if (r.usbSerial() != null) {
            said.add("serial " + r.usbSerial());
        }
        return said.isEmpty() ? "-" : String.join(" ", said);
    }

    /** The summary for people, a line each: totals, then per outcome, then per command. */
    public static List<String> summaryLines(Report report) {
        Report.Summary s = report.summary();
        List<String> lines = new ArrayList<>();
        lines.add(s.totals().total() + " job(s)" + (s.since() == null ? "" : " since " + s.since()) + ": "
                + counts(s.totals()));
        if (!s.byOutcome().isEmpty()) {
            StringBuilder b = new StringBuilder("by outcome:");
            for (Map.Entry<String, Integer> e : s.byOutcome().entrySet()) {
                b.append(' ').append(e.getKey()).append(' ').append(e.getValue()).append(',');
            }
            lines.add(b.substring(0, b.length() - 1));
        }
        for (Map.Entry<String, Report.Counts> e : s.byCommand().entrySet()) {
            lines.add("  " + e.getKey() + ": " + e.getValue().total() + " job(s): " + counts(e.getValue()));
        }
        return lines;
    }

    private static String counts(Report.Counts c) {
        return c.succeeded() + " succeeded, " + c.failed() + " failed, " + c.skipped() + " skipped"
                + (c.running() > 0 ? ", " + c.running() + " running" : "");
    }
}
