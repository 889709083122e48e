package dev.lumiaagent.protocol.flashapp;

import java.util.Objects;

/**
 * An 8-byte status reply: signature (6 characters {@code NOKX??}, or 4 characters followed by two
 * zero bytes), then the BE16 status at bytes 6..7 (lumia-protocols.md §3.1, §3.5). Used for
 * {@code NOKXCB}, {@code NOKXFW}, {@code NOKXFP}, a failed {@code NOKXFR}, {@code NOKM}, ….
 */
public record NokStatusReply(String signature, int code) implements NokReply {
    public NokStatusReply {
        Objects.requireNonNull(signature, "signature");
        boolean six = signature.length() == 6 && signature.startsWith("NOKX");
        boolean four = signature.length() == 4 && signature.startsWith("NOK") && !signature.equals("NOKX");
        if (!(six || four)) {
            throw new IllegalArgumentException("status replies carry NOK? or NOKX?? signatures: " + signature);
        }
        if (signature.equals(NokFlashReply.SIGNATURE)) {
            // One record per reply shape: NOKXFS replies may carry bytes after the status (§4.2).
            throw new IllegalArgumentException("NOKXFS replies are NokFlashReply records");
        }
        NokFields.requireAsciiName("signature", signature, 6);
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("status is a BE16: " + code);
        }
    }

    public NokStatus status() {
        return NokStatus.of(code);
    }

    public boolean ok() {
        return code == 0;
    }

    @Override
    public String toString() {
        return signature + " status " + status();
    }
}
