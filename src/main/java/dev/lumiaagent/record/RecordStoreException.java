package dev.lumiaagent.record;

/**
 * The record store could not be opened, read or written: the message names the store and what failed,
 * {@link #nextStep()} says what a person can do about it.
 */
public final class RecordStoreException extends RuntimeException {
    private final String nextStep;

    public RecordStoreException(String message, String nextStep, Throwable cause) {
        super(message, cause);
        this.nextStep = nextStep;
    }

    public String nextStep() {
        return nextStep;
    }
}
