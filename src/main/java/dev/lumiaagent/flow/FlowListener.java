package dev.lumiaagent.flow;

import dev.lumiaagent.transport.PortPath;
import java.time.Duration;
import java.util.List;

/**
 * Everything a flow reports while it runs. The CLI progress display, and later the reports, the
 * audit log and the dashboard, are listeners. Listeners must not block; one that throws is logged
 * and ignored (DESIGN §5).
 */
public interface FlowListener {

    /** The flow starts with this fixed plan of step names, chosen from the mode the phone is in. */
    default void planned(PortPath port, String flow, List<String> steps) {
    }

    default void stepStarted(PortPath port, String step, String description, Duration bound) {
    }

    /** A long step moved on: {@code fraction} 0..1 when known (else -1), and a line for people. */
    default void progress(PortPath port, String step, double fraction, String status) {
    }

    /**
     * A step waits for the phone (a reboot, a reset, a mode switch): {@code waited} so far of {@code bound} (zero: no
     * bound), and what is awaited, for people ({@code status} says nothing of the times). Nothing moves, so there is no
     * rate and no time left; by default it is reported as progress against the bound, the times added to the line:
     * "waiting for normal mode (phone off the bus): 37 s of 10 min".
     */
    default void waiting(PortPath port, String step, Duration waited, Duration bound, String status) {
        progress(port, step, bound.isZero() ? -1 : Math.min(1.0, (double) waited.toMillis() / Math.max(1, bound.toMillis())),
                status + ": " + PhoneWatcher.human(waited) + (bound.isZero() ? "" : " of " + PhoneWatcher.human(bound)));
    }

    /** A person must act (a guided key sequence): show the instructions. */
    default void actionRequired(PortPath port, String step, List<String> instructions) {
    }

    /** A pre-flight gate was decided (recorded with the job whatever the outcome). */
    default void gate(PortPath port, dev.lumiaagent.flow.gate.GateResult result) {
    }

    default void stepFinished(PortPath port, String step, boolean ok, String detail) {
    }

    /** What the flow erased, or a verification it performed (passed or not): the facts of an erasure certificate. */
    default void evidence(PortPath port, Evidence evidence) {
    }

    default void finished(PortPath port, String flow, Outcome outcome) {
    }
}
