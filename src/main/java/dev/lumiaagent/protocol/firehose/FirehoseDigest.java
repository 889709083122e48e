package dev.lumiaagent.protocol.firehose;

import java.util.HexFormat;
import java.util.Locale;

/** A SHA-256 the programmer computed over a sector range ({@code <getsha256digest>}, §3.4), as upper-case hex. */
public record FirehoseDigest(String hex) {
    public FirehoseDigest {
        if (hex == null || !hex.matches("[0-9A-Fa-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 in hex: " + hex);
        }
        hex = hex.toUpperCase(Locale.ROOT);
    }

    public static FirehoseDigest of(byte[] sha256) {
        return new FirehoseDigest(HexFormat.of().formatHex(sha256));
    }

    public byte[] bytes() {
        return HexFormat.of().parseHex(hex);
    }

    @Override
    public String toString() {
        return "sha256 " + hex;
    }
}
