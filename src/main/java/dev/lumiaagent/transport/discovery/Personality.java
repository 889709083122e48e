package dev.lumiaagent.transport.discovery;

import java.util.Objects;

/**
 * What a USB identity means: the mode, the protocol its bulk channel speaks, a name for people, and
 * the interface to claim (-1 = the first vendor-specific interface with a bulk IN/OUT pair).
 */
public record Personality(Mode mode, WireProtocol protocol, String name, int interfaceNumber, String note) {
    public Personality {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(name, "name");
        note = note == null ? "" : note;
    }

    public static Personality unknown() {
        return new Personality(Mode.UNKNOWN, WireProtocol.NONE, "unknown", -1, "");
    }

    @Override
    public String toString() {
        return name;
    }
}
