package dev.lumiaagent.transport;

/** The bus itself cannot be reached: no USB subsystem, or no simulator at the given address. */
public final class BusUnavailable extends TransportException {
    private final String nextStep;

    public BusUnavailable(String message, String nextStep) {
        super(message);
        this.nextStep = nextStep;
    }

    @Override
    public String nextStep() {
        return nextStep;
    }
}
