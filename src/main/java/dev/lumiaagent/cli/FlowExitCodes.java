package dev.lumiaagent.cli;

import dev.lumiaagent.flow.Outcome;

/** A flow's outcome as the process exit code. */
final class FlowExitCodes {
    private FlowExitCodes() {
    }

    static int of(Outcome outcome) {
        switch (outcome.reason()) {
            case DONE:
                return ExitCode.OK.code();
            case NO_PHONE:
                return ExitCode.NO_PHONE.code();
            case ACCESS_DENIED:
                return ExitCode.ACCESS_DENIED.code();
            case PHONE_BUSY:
                // Said by name in the message; for scripts it is a failure of this run like any other (exit 1).
                return ExitCode.FAILED.code();
            case READBACK_MISMATCH:
                // Named in the message; for scripts a write that did not verify is a failed run (exit 1), as a refused write is.
                return ExitCode.FAILED.code();
            case INTERRUPTED:
                return ExitCode.INTERRUPTED.code();
            default:
                return ExitCode.FAILED.code();
        }
    }
}
