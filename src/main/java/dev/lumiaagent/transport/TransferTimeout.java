package dev.lumiaagent.transport;

import java.time.Duration;

/** A bulk transfer did not complete within its bound; {@link #bytesMoved()} says how far it got. */
public final class TransferTimeout extends TransportException {
    private final int bytesMoved;
    private final Duration timeout;
    private final Direction direction;

    public enum Direction { IN, OUT }

    public TransferTimeout(Direction direction, Duration timeout, int bytesMoved) {
        super(direction + " transfer timed out after " + timeout.toMillis() + " ms with " + bytesMoved + " bytes moved");
        this.direction = direction;
        this.timeout = timeout;
        this.bytesMoved = bytesMoved;
    }

    public int bytesMoved() {
        return bytesMoved;
    }

    public Duration timeout() {
        return timeout;
    }

    public Direction direction() {
        return direction;
    }

    @Override
    public String nextStep() {
        return "The phone stopped answering. Unplug and replug it, then run the command again.";
    }
}
