package dev.lumiaagent.flow.gate;

import java.util.Objects;

/** One gate's verdict with what was found and, when it blocks, what to do. */
public record GateResult(Gate gate, Verdict verdict, String detail, String nextStep, boolean blocks) {
    public GateResult {
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(detail, "detail");
        nextStep = nextStep == null ? "" : nextStep;
        if (verdict == Verdict.PASSED && blocks) {
            throw new IllegalArgumentException("a passed gate cannot block");
        }
    }

    public static GateResult passed(Gate gate, String detail) {
        return new GateResult(gate, Verdict.PASSED, detail, "", false);
    }

    public static GateResult warning(Gate gate, String detail) {
        return new GateResult(gate, Verdict.WARNING, detail, "", false);
    }

    public static GateResult unknown(Gate gate, String detail, boolean blocks, String nextStep) {
        return new GateResult(gate, Verdict.UNKNOWN, detail, nextStep, blocks);
    }

    public static GateResult failed(Gate gate, String detail, String nextStep) {
        return new GateResult(gate, Verdict.FAILED, detail, nextStep, true);
    }

    @Override
    public String toString() {
        return gate + " " + verdict + (blocks ? " (blocks)" : "") + ": " + detail;
    }
}
