package dev.lumiaagent.cli;

import dev.lumiaagent.view.BenchSnapshot;
import dev.lumiaagent.view.PortState;
import dev.lumiaagent.view.PortView;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bench drawn as text for a terminal of {@code width} × {@code height} cells, from the one view model. Rules:
 * <ul>
 *   <li>no line is wider than {@code width - 1} (so the terminal never wraps a line and the redraw never leaves
 *   rows behind); words are wrapped, with the row's indent, never cut: a reason or a next step is shown whole;</li>
 *   <li>a phone's description may be abbreviated (model, then IMEI), never a reason;</li>
 *   <li>rows that need a person come first (a key sequence, a battery to charge, a failure to follow up), then the
 *   others by port;</li>
 *   <li>when the ports do not fit the height, finished rows collapse into one line per state, and the rest is
 *   counted ("… 12 more ports") — a person's rows are never the ones dropped;</li>
 *   <li>a waiting step shows how long it has waited and its bound, not a bar; a moving step shows a bar, its
 *   rate line and its time left (ETA) from the measured rate.</li>
 * </ul>
 */
final class BenchScreen {
    static final int MIN_WIDTH = 30;
    private static final int INDENT = 4;

    private BenchScreen() {
    }

    /** The block for one snapshot: the title and totals, then the ports. */
    static List<String> render(BenchSnapshot s, int width, int height) {
        int w = Math.max(MIN_WIDTH, width) - 1;
        List<String> out = new ArrayList<>();
        out.addAll(wrap(s.title() + " — " + s.totals().line(), w, 0, 2));
        List<List<String>> rows = new ArrayList<>();
        for (PortView p : s.ports()) {
            rows.add(row(p, w));
        }
        int budget = Math.max(4, height - 1) - out.size();
        int needed = rows.stream().mapToInt(List::size).sum();
        if (needed <= budget) {
            rows.forEach(out::addAll);
            return out;
        }
        // Too many to show: keep the rows that are not finished (a person's first), collapse the finished ones by state.
        List<String> done = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int shown = 0;
        int left = 0;
        List<String> body = new ArrayList<>();
        for (int i = 0; i < s.ports().size(); i++) {
            PortView p = s.ports().get(i);
            if (p.state() == PortState.DONE) {
                done.add(p.port());
                continue;
            }
            if (p.state() == PortState.SKIPPED || p.state() == PortState.LEFT_ALONE) {
                skipped.add(p.port());
                continue;
            }
            List<String> r = rows.get(i);
            if (p.needsPerson() || body.size() + r.size() <= budget - 3) {
                body.addAll(r);
                shown++;
            } else {
                left++;
            }
        }
        out.addAll(body);
        if (!done.isEmpty()) {
            out.addAll(wrap("done: " + String.join(" ", done), w, 0, INDENT));
        }
        if (!skipped.isEmpty()) {
            out.addAll(wrap("skipped: " + String.join(" ", skipped), w, 0, INDENT));
        }
        if (left > 0) {
            out.add(fit("… " + left + " more port" + (left == 1 ? "" : "s") + " running or queued (" + shown + " shown; a taller terminal or "
                    + "the web dashboard shows all)", w));
        }
        int max = Math.max(4, height - 1);
        if (out.size() > max) {
            // more rows need a person than the terminal has lines: the first of them, and how many lines are not shown
            int hidden = out.size() - (max - 1);
            List<String> cut = new ArrayList<>(out.subList(0, max - 1));
            cut.add(fit("… " + hidden + " more lines (a taller terminal or the web dashboard shows all)", w));
            return cut;
        }
        return out;
    }

    /** One port: a head line (port, state, phone), then the step or the outcome, wrapped under an indent. */
    static List<String> row(PortView p, int w) {
        List<String> lines = new ArrayList<>();
        String head = String.format(Locale.ROOT, "%-8s %s", p.port(), mark(p));
        String phone = p.phone();
        int room = w - head.length() - 2;
        if (phone.length() > room) {
            phone = abbreviate(p, room);
        }
        lines.add(fit(head + "  " + phone, w));
        String indent = " ".repeat(INDENT);
        switch (p.state()) {
            case DONE, SKIPPED, LEFT_ALONE -> {
                if (p.summary() != null) {
                    lines.addAll(wrap(p.summary(), w, INDENT, INDENT));
                }
            }
            case FAILED, INTERRUPTED -> {
                lines.addAll(wrap((p.outcome() != null ? p.outcome() + ": " : "") + (p.summary() == null ? "" : p.summary()), w, INDENT, INDENT));
                if (p.nextStep() != null && !p.nextStep().isBlank()) {
                    lines.addAll(wrap("next step: " + p.nextStep(), w, INDENT, INDENT + 2));
                }
            }
            case ATTENTION -> {
                lines.addAll(wrap(stepWords(p), w, INDENT, INDENT));
                for (String i : p.instructions()) {
                    lines.addAll(wrap(">>> " + i, w, INDENT, INDENT + 4));
                }
            }
            case QUEUED -> lines.addAll(wrap("waiting for a free worker", w, INDENT, INDENT));
            default -> {
                lines.addAll(wrap(stepWords(p), w, INDENT, INDENT));
                String detail = detail(p, w - INDENT);
                if (!detail.isEmpty()) {
                    lines.addAll(wrap(detail, w, INDENT, INDENT + 2));
                }
            }
        }
        return lines.stream().map(l -> l.isEmpty() ? indent : l).toList();
    }

    /** The state in a few capitals, marked when a person must act. */
    private static String mark(PortView p) {
        return switch (p.state()) {
            case ATTENTION -> "!! ACT NOW";
            case FAILED -> "!! FAILED";
            case INTERRUPTED -> "!! STOPPED";
            case RUNNING -> "running";
            case WAITING -> "waiting";
            case RETRYING -> "retrying";
            case QUEUED -> "queued";
            case DONE -> "DONE";
            case SKIPPED -> "skipped";
            case LEFT_ALONE -> "left alone";
        };
    }

    /** "[8/12] WriteChunks — write the FFU's payload": where the job is. */
    private static String stepWords(PortView p) {
        String where = p.stepIndex() > 0 ? "[" + p.stepIndex() + "/" + p.steps() + "] " : "";
        String cmd = p.command() != null ? p.command() + " " : "";
        return cmd + where + p.step() + (p.activity() == null || p.activity().isEmpty() ? "" : " — " + p.activity())
                + (p.attempt() > 1 ? " (attempt " + p.attempt() + ")" : "");
    }

    /** The moving part: a bar and ETA, or the time waited of the bound, and the status line. */
    private static String detail(PortView p, int room) {
        StringBuilder b = new StringBuilder();
        if (p.fraction() >= 0) {
            int barWidth = Math.max(10, Math.min(30, room / 4));
            b.append(bar(p.fraction(), barWidth)).append(' ');
        }
        if (p.waitedSeconds() >= 0) {
            b.append("waited ").append(clock(p.waitedSeconds())).append(p.boundSeconds() > 0 ? " of up to " + clock(p.boundSeconds()) : "").append(' ');
        }
        if (p.etaSeconds() >= 0 && p.fraction() >= 0 && p.fraction() < 1) {
            b.append("ETA ").append(clock(p.etaSeconds())).append(' ');
        }
        if (p.status() != null && !p.status().isEmpty()) {
            b.append(b.length() > 0 ? "· " : "").append(p.status());
        }
        return b.toString().trim();
    }

    static String bar(double fraction, int width) {
        double f = Math.max(0, Math.min(1, fraction));
        int filled = (int) Math.round(f * width);
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + String.format(Locale.ROOT, "%3d%%", Math.round(f * 100));
    }

    /** 42 s → "0:42", 3725 s → "1:02:05". */
    static String clock(long seconds) {
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }

    /**
     * The phone in {@code room} characters by rule: model and IMEI; then the IMEI (or serial) alone; then the IMEI's
     * last 6 digits after "…" (what a technician matches against a label).
     */
    static String abbreviate(PortView p, int room) {
        String id = p.imei() != null ? "IMEI " + p.imei() : p.serial() != null ? p.serial() : null;
        String model = p.model() != null ? p.model().split(" ")[0] : null;
        for (String c : new String[] {model != null && id != null ? model + ", " + id : null, id,
                id != null && id.length() > 8 ? "…" + id.substring(id.length() - 6) : null, model}) {
            if (c != null && c.length() <= room) {
                return c;
            }
        }
        return fit(p.phone(), Math.max(2, room));
    }

    /** Cuts a line that is not a reason (a phone's words, a count) to {@code w}, marking the cut. */
    static String fit(String s, int w) {
        return s.length() <= w ? s : s.substring(0, Math.max(0, w - 1)) + "…";
    }

    /**
     * Word-wraps {@code text} to {@code w} columns: the first line indented by {@code first}, the rest by {@code rest}.
     * A word longer than a line (a path, a command) is broken across lines, never dropped.
     */
    static List<String> wrap(String text, int w, int first, int rest) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(" ".repeat(first));
        int indent = first;
        for (String word : text.trim().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            boolean lineEmpty = line.length() == indent;
            if (!lineEmpty && line.length() + 1 + word.length() > w) {
                lines.add(line.toString());
                indent = rest;
                line = new StringBuilder(" ".repeat(indent));
                lineEmpty = true;
            }
            String wd = word;
            while (line.length() + (lineEmpty ? 0 : 1) + wd.length() > w) {
                int room = w - line.length() - (lineEmpty ? 0 : 1);
                if (room <= 0) {
                    lines.add(line.toString());
                    indent = rest;
                    line = new StringBuilder(" ".repeat(indent));
                    lineEmpty = true;
                    continue;
                }
                line.append(lineEmpty ? "" : " ").append(wd, 0, room);
                lines.add(line.toString());
                wd = wd.substring(room);
                indent = rest;
                line = new StringBuilder(" ".repeat(indent));
                lineEmpty = true;
            }
            line.append(lineEmpty ? "" : " ").append(wd);
        }
        if (line.length() > indent || lines.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }
}
