package dev.lumiaagent.host;

/** How much a {@link Finding} matters, least first: the worst one decides {@code doctor}'s exit code. */
public enum Severity {
    /** The check passed. */
    OK,
    /** Worth knowing, nothing to fix (an optional feature is off, a check does not apply here). */
    INFO,
    /** The agent works, but something will bite (a probe can race it, disk space is short). */
    WARNING,
    /** The agent cannot do its work here until this is fixed. */
    PROBLEM;

    public boolean worseThan(Severity other) {
        return compareTo(other) > 0;
    }
}
