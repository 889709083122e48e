package dev.lumiaagent.record;

/** A diagnostics bundle could not be written; {@link #nextStep()} says what to do. */
public final class DiagBundleException extends RuntimeException {
    private final String nextStep;

    public DiagBundleException(String message, String nextStep) {
        super(message);
        this.nextStep = nextStep;
    }

    public DiagBundleException(String message, String nextStep, Throwable cause) {
        super(message, cause);
        this.nextStep = nextStep;
    }

    /** One English sentence a technician can act on. */
    public String nextStep() {
        return nextStep;
    }
}
