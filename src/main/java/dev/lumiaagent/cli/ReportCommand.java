package dev.lumiaagent.cli;

import dev.lumiaagent.paths.PrivateFiles;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStoreException;
import dev.lumiaagent.record.Report;
import dev.lumiaagent.record.ReportWriter;
import dev.lumiaagent.record.Since;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumia-agent report}: what was done to which phone, from the record store. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"A report of the recorded jobs: one row per job (phone) — id, start and end, station, operator, "
                + "port, command, product type and code, IMEI, platform ID, firmware file and SHA-256, attempts, outcome, "
                + "summary, next step — and totals by outcome and by command.",
                "Table (the default): one aligned line per job, then the totals. JSON: one document {\"summary\":{…},\"jobs\":[…]}. CSV: a header and one row per job (RFC 4180 quoting); "
                        + "the totals are printed for people on stderr (on stdout with -o)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "2:the command line was wrong (e.g. --since)",
                "6:the record store could not be opened or read"})
final class ReportCommand implements Callable<Integer> {

    @Mixin
    StoreOptions store;

    @Option(names = "--since", paramLabel = "WHEN",
            description = "Only jobs started at or after WHEN: an instant (2025-05-01T08:00:00Z), a date (2025-05-01, UTC) "
                    + "or how long back (90m, 24h, 7d, 2w, PT12H). Default: every job.")
    String since;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "table (for people: one line per job, then the totals), json or csv (default: table).")
    ReportWriter.Format format = ReportWriter.Format.TABLE;

    @Option(names = {"--phone", "--imei"}, paramLabel = "ID",
            description = "One phone's history: only its jobs, newest first. ID is any name the phone was recorded by: its IMEI, "
                    + "public ID, USB serial, or (a 9008 phone, which tells no IMEI) its chip serial.")
    String phone;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report to FILE instead of stdout.")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Instant from = null;
        if (since != null) {
            try {
                from = Since.parse(since, Instant.now());
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                err.println("next step: e.g. --since 24h");
                err.flush();
                return ExitCode.USAGE.code();
            }
        }
        Report report;
        try (RecordStore s = store.open()) {
            List<dev.lumiaagent.record.JobRecord> jobs = s.jobs(from == null ? null : from.toString());
            if (phone != null) {
                jobs = jobs.stream().filter(j -> j.isPhone(phone))
                        .sorted(java.util.Comparator.comparing((dev.lumiaagent.record.JobRecord j) -> j.started == null ? "" : j.started)
                                .reversed())
                        .collect(java.util.stream.Collectors.toList());
            }
            report = Report.of(jobs, from == null ? null : from.toString());
        } catch (RecordStoreException e) {
            return StoreOptions.fail(e, err);
        }
        List<String> summary = ReportWriter.summaryLines(report);
        try {
            if (output == null) {
                ReportWriter.write(report, format, out);
                if (format == ReportWriter.Format.CSV) {
                    summary.forEach(err::println);
                    err.flush();
                }
                return ExitCode.OK.code();
            }
            // a report names phones by IMEI: readable by the user alone, as the records it comes from
            try (Writer w = new BufferedWriter(new OutputStreamWriter(PrivateFiles.newOutputStream(output, false),
                    StandardCharsets.UTF_8))) {
                ReportWriter.write(report, format, w);
            }
        } catch (IOException e) {
            err.println("error: could not write the report to " + output + ": " + e.getMessage());
            err.println("next step: give -o a file in a writable directory, or leave -o out to print the report");
            err.flush();
            return ExitCode.FAILED.code();
        }
        out.println("report (" + format.name().toLowerCase(java.util.Locale.ROOT) + ") written to " + output);
        summary.forEach(out::println);
        out.flush();
        return ExitCode.OK.code();
    }
}
