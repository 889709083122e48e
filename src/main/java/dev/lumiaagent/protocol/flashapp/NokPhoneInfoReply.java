package dev.lumiaagent.protocol.flashapp;

import java.util.Objects;

/** {@code NOKXPH} answer of the phone-info app v2: BE16 length at [6..7], ASCII text from [8] (§3.2). */
public record NokPhoneInfoReply(String value) implements NokReply {
    public NokPhoneInfoReply {
        Objects.requireNonNull(value, "value");
        if (value.length() > 0xFFFF) {
            throw new IllegalArgumentException("phone-info value longer than a BE16 length");
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0x7E || value.charAt(i) < 0x20) {
                throw new IllegalArgumentException("phone-info value must be printable ASCII: " + value);
            }
        }
    }

    public String signature() {
        return "NOKXPH";
    }

    @Override
    public String toString() {
        return "NOKXPH \"" + value + "\"";
    }
}
