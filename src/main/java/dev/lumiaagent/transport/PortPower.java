package dev.lumiaagent.transport;

import java.util.Objects;

/**
 * Switching a port's power off and on again: what a technician does by pulling the cable and plugging it back,
 * done by the hub (issue 18). A property of the bus ({@link Bus#portPower()}): the real USB bus switches through
 * uhubctl where the hub can, the simulated bench through its simulated hub, any other bus not at all. Every answer
 * is named, with the reason in words and, where the agent could not, what a person does instead.
 */
public interface PortPower {

    /** Whether {@code port}'s power can be cycled, and if not why, in words ("hub 1-2 cannot switch its ports' power (ganged)"). */
    Capability capability(PortPath port);

    /** Switches {@code port}'s power off and on again and waits until that is done (not until the phone is back). */
    CycleResult cycle(PortPath port);

    /** A port power that can switch nothing, for buses with no hub control (serial ports, a replay, a remote bench). */
    static PortPower none(String why) {
        Objects.requireNonNull(why, "why");
        return new PortPower() {
            @Override
            public Capability capability(PortPath port) {
                return Capability.no(why);
            }

            @Override
            public CycleResult cycle(PortPath port) {
                return new CycleResult(CycleOutcome.NOT_SWITCHABLE, port, why, CycleResult.manual(port));
            }
        };
    }

    /** What {@link Bus#portPower()} gives by default. */
    String NO_CONTROL = "this bus has no port power control";

    record Capability(boolean canCycle, String why) {
        public Capability {
            Objects.requireNonNull(why, "why");
        }

        public static Capability yes(String how) {
            return new Capability(true, how);
        }

        public static Capability no(String why) {
            return new Capability(false, why);
        }
    }

    /** How a cycle ended. Names are stable: the audit log and {@code ports cycle}'s output use them. */
    enum CycleOutcome {
        /** The port was switched off and on again. */
        CYCLED,
        /** No hub at that location can switch that port (ganged or no power switching), or there is no such hub. */
        NOT_SWITCHABLE,
        /** The hub is there but this user may not switch it (udev rule or root needed). */
        PERMISSION,
        /** The tool that switches ports (uhubctl) is not installed. */
        MISSING,
        /** The tool ran and something else went wrong (its own words are in the detail). */
        FAILED,
        /** The tool was still running at its bound and was stopped. */
        TIMED_OUT
    }

    /**
     * One cycle's end: its outcome, the port, what happened in words (the reason the agent could not, where it could
     * not) and the next step for a person (empty when {@link #cycled()}).
     */
    record CycleResult(CycleOutcome outcome, PortPath port, String detail, String nextStep) {
        public CycleResult {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(port, "port");
            detail = detail == null ? "" : detail;
            nextStep = nextStep == null ? "" : nextStep;
        }

        public boolean cycled() {
            return outcome == CycleOutcome.CYCLED;
        }

        /** What a person does where the agent cannot: the cable, by hand. */
        public static String manual(PortPath port) {
            return "Unplug the phone from " + port + " and plug it in again.";
        }

        /** "CYCLED: port 1-2.3 …" for logs and the audit. */
        public String describe() {
            return outcome + ": port " + port + (detail.isEmpty() ? "" : ": " + detail);
        }
    }
}
