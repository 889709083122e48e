package dev.lumiaagent.protocol.flashapp;

import java.util.Objects;

/** A command the phone accepted, and what showed it: a zero status, an echo, or the documented silence. */
public record NokAck(String evidence) {
    public NokAck {
        Objects.requireNonNull(evidence, "evidence");
    }

    @Override
    public String toString() {
        return "accepted (" + evidence + ")";
    }
}
