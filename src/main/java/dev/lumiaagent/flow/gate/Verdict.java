package dev.lumiaagent.flow.gate;

/** A gate's verdict. A gate that cannot be evaluated is UNKNOWN, never PASSED. */
public enum Verdict {
    PASSED,
    /** Passed, with something the technician must know (shown and recorded). */
    WARNING,
    /** Could not be evaluated (the phone's mode does not tell); whether that blocks depends on the gate. */
    UNKNOWN,
    FAILED
}
