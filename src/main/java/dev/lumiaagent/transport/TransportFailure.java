package dev.lumiaagent.transport;

/**
 * Any other transport fault, with the backend's name for it (e.g. libusb {@code LIBUSB_ERROR_PIPE},
 * jSerialComm errno). Still typed: callers do not parse the code.
 */
public final class TransportFailure extends TransportException {
    private final String code;

    public TransportFailure(String code, String message) {
        super(message + " (" + code + ")");
        this.code = code;
    }

    public TransportFailure(String code, String message, Throwable cause) {
        super(message + " (" + code + ")", cause);
        this.code = code;
    }

    public String code() {
        return code;
    }

    @Override
    public String nextStep() {
        return "USB error " + code + ". Unplug the phone, plug it into another port (not a hub), and run the command again.";
    }
}
