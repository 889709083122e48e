package dev.lumiaagent.cli;

/** The agent's exit codes, stable for scripts. */
public enum ExitCode {
    OK(0, "success"),
    FAILED(1, "the operation failed; the message says why and what to do next"),
    USAGE(2, "the command line was wrong"),
    NO_PHONE(3, "no phone was found"),
    BUS_UNAVAILABLE(4, "the USB bus or the simulator could not be reached"),
    ACCESS_DENIED(5, "the operating system refused access to the phone"),
    STORE_UNAVAILABLE(6, "the record store could not be opened, read or written"),
    AUDIT_BROKEN(7, "the audit log's hash chain is broken: an entry was changed, deleted or inserted"),
    INCOMPLETE(8, "a bench run had no failures but skipped some phones (the tally says which and why)"),
    NOT_VERIFIED(9, "a certificate did not verify (the output names what does not match)"),
    WARNINGS(10, "doctor found warnings, or setup finished but a step did not take effect (each is named with its fix)"),
    PROBLEMS(11, "doctor found problems: the agent cannot work on this host until they are fixed (each is named with its fix)"),
    INTERRUPTED(130, "stopped by the user (Ctrl-C)");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
