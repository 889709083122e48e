package dev.lumiaagent.host;

import java.util.Objects;

/**
 * One line of {@code doctor}: which check, how bad, what was found and the command (or step) that fixes it.
 *
 * @param check    a short stable name scripts can match on ({@code udev-rules}, {@code qcserial}, …)
 * @param severity how much it matters
 * @param message  what was found, in a person's words
 * @param fix      the command or step that fixes it; empty when there is nothing to do
 */
public record Finding(String check, Severity severity, String message, String fix) {
    public Finding {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        fix = fix == null ? "" : fix;
    }

    public static Finding ok(String check, String message) {
        return new Finding(check, Severity.OK, message, "");
    }

    public static Finding info(String check, String message, String fix) {
        return new Finding(check, Severity.INFO, message, fix);
    }

    public static Finding warning(String check, String message, String fix) {
        return new Finding(check, Severity.WARNING, message, fix);
    }

    public static Finding problem(String check, String message, String fix) {
        return new Finding(check, Severity.PROBLEM, message, fix);
    }

    /** {@code WARNING  qcserial     … — fix: …}: one line, the way {@code doctor} prints it. */
    public String line() {
        return String.format("%-7s  %-12s  %s%s", severity, check, message, fix.isEmpty() ? "" : " — fix: " + fix);
    }
}
