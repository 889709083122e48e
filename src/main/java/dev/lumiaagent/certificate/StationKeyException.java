package dev.lumiaagent.certificate;

import java.io.IOException;

/** A station key file that cannot be used; the message names the file and what to do (said as it is, no stack trace). */
public final class StationKeyException extends IOException {
    private static final long serialVersionUID = 1L;

    public StationKeyException(String message) {
        super(message);
    }
}
