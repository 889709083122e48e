package dev.lumiaagent.flow.gate;

import java.util.List;
import java.util.Optional;

/** Every gate's verdict for one job, in order; recorded with the job whatever the outcome. */
public record GateReport(List<GateResult> results) {
    public GateReport {
        results = List.copyOf(results);
    }

    /** The first gate that stops the job, if any. */
    public Optional<GateResult> firstBlocking() {
        return results.stream().filter(GateResult::blocks).findFirst();
    }

    public boolean allowsWriting() {
        return firstBlocking().isEmpty();
    }

    public Optional<GateResult> get(Gate gate) {
        return results.stream().filter(r -> r.gate() == gate).findFirst();
    }
}
