package dev.lumiaagent.flow;

import java.util.Objects;

/**
 * How a flow ended: a named reason, one sentence of what happened, and the next step for a
 * technician (empty on success when there is nothing to do).
 */
public record Outcome(Reason reason, String summary, String nextStep) {
    public Outcome {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(summary, "summary");
        nextStep = nextStep == null ? "" : nextStep;
    }

    public static Outcome done(String summary) {
        return new Outcome(Reason.DONE, summary, "");
    }

    /**
     * The one outcome of a blocking gate, wherever it was decided (a bench before the flow, the flow in the
     * flash app): a firmware mismatch is FIRMWARE_MISMATCH on every path.
     */
    public static Outcome blockedBy(dev.lumiaagent.flow.gate.GateResult gate) {
        Reason reason;
        switch (gate.gate()) {
            case FFU_INTEGRITY:
                reason = Reason.FFU_INVALID;
                break;
            case FIRMWARE_MATCH:
                reason = Reason.FIRMWARE_MISMATCH;
                break;
            case BATTERY:
                reason = gate.detail().contains("F006") ? Reason.BATTERY_DEAD : Reason.BATTERY_LOW;
                break;
            case CONSENT:
                reason = Reason.NO_CONSENT;
                break;
            default:
                reason = Reason.INTERNAL_ERROR;
        }
        return new Outcome(reason, gate.gate().label() + ": " + gate.detail() + ".", gate.nextStep());
    }

    public boolean succeeded() {
        return reason == Reason.DONE;
    }

    @Override
    public String toString() {
        return reason + ": " + summary + (nextStep.isEmpty() ? "" : " Next step: " + nextStep);
    }
}
