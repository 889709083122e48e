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

    public enum Format { JSON, CSV }

    private ReportWriter() {
    }

    public static void write(Report report, Format format, Writer out) throws IOException {
        if (format == Format.CSV) {
            CSV.writer(ROWS).writeValues(out).writeAll(report.jobs()).close();
        } else {
            JSON.writeValue(out, report);
            out.write(System.lineSeparator());
        }
        out.flush();
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
