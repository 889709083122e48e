package dev.lumiaagent.job;

import dev.lumiaagent.flow.Reason;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which failures a bench tries again. Only faults of the link, never a verdict: a phone that stopped
 * answering, bytes that did not parse, a phone that dropped off the bus. A refused gate (battery,
 * consent, firmware), a device's own rejection or a reset that never finished would fail the same way
 * again. Even then a retry never repeats a write, erase or reset blindly (DESIGN §4): the phone must be
 * back on its port, is identified again, and the flow plans anew from the mode it is in. A step past its
 * bound is retried like a phone that stopped answering: it is mostly one (its last wait ran out).
 */
public final class RetryPolicy {
    private static final Set<Reason> RETRYABLE = EnumSet.of(Reason.PHONE_NOT_ANSWERING, Reason.PROTOCOL_DESYNC, Reason.PHONE_LEFT,
            Reason.STEP_TIMEOUT);

    private RetryPolicy() {
    }

    public static boolean retryable(Reason reason) {
        return RETRYABLE.contains(reason);
    }

    /**
     * Failures where cycling the phone's port power may bring it back (issue 18): it stopped answering, left, or did not
     * return from a restart. Cycling is what a person does by pulling the cable and plugging it back; it happens only
     * after the attempt ended (never while a write is known to be in progress), at most once per job, and the retry
     * after it re-reads the phone and plans from the mode it is in, as every retry does. A phone that did not return
     * is tried again only this way: after its port was cycled and it came back.
     */
    public static boolean portCycleMayHelp(Reason reason) {
        return CYCLE_MAY_HELP.contains(reason);
    }

    private static final Set<Reason> CYCLE_MAY_HELP = EnumSet.of(Reason.PHONE_NOT_ANSWERING, Reason.PHONE_LEFT, Reason.PHONE_DID_NOT_RETURN);
}
