package dev.lumiaagent.protocol.flashapp;

import java.util.Set;

/**
 * A bare 4-byte echo of the command: {@code NOKD}, {@code NOKG}, {@code NOKI}; and the {@code NOKR}
 * echo some phones send before (or instead of) resetting (lumia-protocols.md §3.1).
 */
public record NokEcho(String signature) implements NokReply {
    /** Plain signatures whose answer, when there is one, is a bare echo. */
    public static final Set<String> SIGNATURES = Set.of("NOKD", "NOKG", "NOKI", "NOKR", "NOKS", "NOKP", "NOKA", "NOKZ");

    public NokEcho {
        if (!SIGNATURES.contains(signature)) {
            throw new IllegalArgumentException("not an echo signature: " + signature + " (echoes: " + SIGNATURES + ")");
        }
    }

    @Override
    public String toString() {
        return signature + " (echo)";
    }
}
