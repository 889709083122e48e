package dev.lumiaagent.transport.capture;

/**
 * A file that is not a usbmon pcap this agent can read, or is cut short: the message names the file,
 * the byte offset and what was expected. An IllegalArgumentException, so the CLI reports it as a bad
 * argument (exit 2) with its message, never a stack trace.
 */
public final class CaptureFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public CaptureFormatException(String message) {
        super(message);
    }
}
