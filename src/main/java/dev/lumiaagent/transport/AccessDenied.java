package dev.lumiaagent.transport;

/** The OS refused to open or claim the device: permissions, or another driver owns the interface. */
public final class AccessDenied extends TransportException {
    private final String hint;

    public AccessDenied(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    public AccessDenied(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint;
    }

    /** Platform-specific advice: the udev rule, the driver to bind, the service to stop. */
    public String hint() {
        return hint;
    }

    @Override
    public String nextStep() {
        return hint;
    }
}
