package dev.lumiaagent.protocol.sahara;

import dev.lumiaagent.protocol.wire.ProtocolException;

/** HELLO / HELLO_RESP / SWITCH_MODE modes (edl-protocol.md §2.2). */
public enum SaharaMode {
    IMAGE_TX_PENDING(0),
    IMAGE_TX_COMPLETE(1),
    MEMORY_DEBUG(2),
    COMMAND(3);

    private final int code;

    SaharaMode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static SaharaMode of(long code) {
        for (SaharaMode m : values()) {
            if (m.code == code) {
                return m;
            }
        }
        throw new ProtocolException("Sahara mode " + code + " is not one of 0 (image transfer pending), "
                + "1 (image transfer complete), 2 (memory debug), 3 (command)");
    }
}
