package dev.lumiaagent.transport;

/**
 * A fault below the protocols: the phone left, a transfer timed out, the OS refused access.
 * Every libusb / jSerialComm error code is mapped once, at the edge, to one of the subclasses;
 * nothing above {@code transport} sees an integer code (DESIGN §3).
 */
public abstract class TransportException extends RuntimeException {
    protected TransportException(String message) {
        super(message);
    }

    protected TransportException(String message, Throwable cause) {
        super(message, cause);
    }

    /** One English sentence a technician can act on. */
    public abstract String nextStep();
}
