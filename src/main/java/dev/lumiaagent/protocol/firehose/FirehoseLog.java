package dev.lumiaagent.protocol.firehose;

import java.util.Objects;

/** {@code <log value="…"/>}: one line of the programmer's log. */
public record FirehoseLog(String text) implements FirehoseDeviceMessage {
    public FirehoseLog {
        Objects.requireNonNull(text, "text");
    }

    @Override
    public String toString() {
        return "log \"" + text + "\"";
    }
}
