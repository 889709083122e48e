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

    public boolean succeeded() {
        return reason == Reason.DONE;
    }

    @Override
    public String toString() {
        return reason + ": " + summary + (nextStep.isEmpty() ? "" : " Next step: " + nextStep);
    }
}
