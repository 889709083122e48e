package dev.lumiaagent.protocol.flashapp;

import dev.lumiaagent.protocol.wire.ProtocolException;
import java.util.Objects;

/**
 * A {@code NOKXFS} message in a layout the agent recognises but does not speak (header v2, payload
 * v3; see {@link NokFlashLayout}). A {@link ProtocolException} because the codec cannot give it a
 * record, but a named one: a simulated flash app can answer it as a phone without that protocol
 * would (§4.2: "a phone without v2 answers a 4-byte reply") instead of treating it as garbage.
 */
public final class NokFlashUnsupported extends ProtocolException {
    private final NokFlashLayout layout;

    public NokFlashUnsupported(NokFlashLayout layout) {
        super("NOKXFS " + Objects.requireNonNull(layout, "layout").label() + " (protocol "
                + String.format("0x%04X", layout.protocol()) + ", sub-block type "
                + String.format("0x%02X", layout.subblockType()) + ") is recognised but not supported by the agent");
        if (layout.supported()) {
            throw new IllegalArgumentException(layout + " is supported");
        }
        this.layout = layout;
    }

    public NokFlashLayout layout() {
        return layout;
    }
}
