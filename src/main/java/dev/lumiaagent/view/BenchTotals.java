package dev.lumiaagent.view;

/** The counts over the bench's ports (every port once, by its latest job). */
public record BenchTotals(int succeeded, int failed, int skipped, int interrupted, int running, int waiting, int queued, int needsPerson) {

    /** The totals line: "Succeeded 3 · Failed 1 · Skipped 0 · Running 2 · Queued 1", with interrupted and "needs a person" when any. */
    public String line() {
        return "Succeeded " + succeeded + " · Failed " + failed + " · Skipped " + skipped + (interrupted > 0 ? " · Interrupted " + interrupted : "")
                + " · Running " + (running + waiting) + " · Queued " + queued + (needsPerson > 0 ? " · Needs a person " + needsPerson : "");
    }
}
