package dev.lumiaagent.protocol.sahara;

/**
 * Sahara command ids with their whole-packet lengths (edl-protocol.md §2.2). WRITE_DATA (0x14) is
 * listed by qdl only, with no layout: it is not decoded.
 */
public enum SaharaCommand {
    HELLO(0x01, 0x30, true),
    HELLO_RESP(0x02, 0x30, false),
    READ_DATA(0x03, 0x14, true),
    END_OF_IMAGE_TRANSFER(0x04, 0x10, true),
    DONE(0x05, 0x08, false),
    DONE_RESP(0x06, 0x0C, true),
    RESET(0x07, 0x08, false),
    RESET_RESP(0x08, 0x08, true),
    MEMORY_DEBUG(0x09, 0x10, true),
    MEMORY_READ(0x0A, 0x10, false),
    CMD_READY(0x0B, 0x08, true),
    SWITCH_MODE(0x0C, 0x0C, false),
    EXECUTE(0x0D, 0x0C, false),
    EXECUTE_RESP(0x0E, 0x10, true),
    EXECUTE_DATA(0x0F, 0x0C, false),
    MEMORY_DEBUG_64(0x10, 0x18, true),
    MEMORY_READ_64(0x11, 0x18, false),
    READ_DATA_64(0x12, 0x20, true),
    RESET_STATE_MACHINE(0x13, 0x08, false);

    /** The longest Sahara packet (HELLO / HELLO_RESP); anything longer in a length field is desync. */
    public static final int MAX_PACKET = 0x30;

    private final int id;
    private final int length;
    private final boolean fromTarget;

    SaharaCommand(int id, int length, boolean fromTarget) {
        this.id = id;
        this.length = length;
        this.fromTarget = fromTarget;
    }

    public int id() {
        return id;
    }

    /** Whole packet length including the 8-byte header. */
    public int length() {
        return length;
    }

    /** True for target→host packets. */
    public boolean fromTarget() {
        return fromTarget;
    }

    /** The command with this id, or null. */
    public static SaharaCommand byId(long id) {
        for (SaharaCommand c : values()) {
            if (c.id == id) {
                return c;
            }
        }
        return null;
    }

    /**
     * Whether {@code length} is acceptable for this command. CMD_READY may carry one extra u32
     * (image_tx_status) per libopenpst's struct (§2.2 [conflict]): 0x08 and 0x0C are both accepted.
     */
    public boolean acceptsLength(long length) {
        return length == this.length || (this == CMD_READY && length == 0x0C);
    }
}
