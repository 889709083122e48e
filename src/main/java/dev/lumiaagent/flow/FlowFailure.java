package dev.lumiaagent.flow;

/** Thrown inside a flow's steps to end it with a named outcome; the runner turns it into an {@link Outcome}. */
public final class FlowFailure extends RuntimeException {
    private final Outcome outcome;

    public FlowFailure(Outcome outcome) {
        this(outcome.reason(), outcome.summary(), outcome.nextStep());
    }

    public FlowFailure(Reason reason, String summary, String nextStep) {
        super(summary);
        this.outcome = new Outcome(reason, summary, nextStep);
    }

    public Outcome outcome() {
        return outcome;
    }
}
