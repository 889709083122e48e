package dev.lumiaagent.protocol.sahara;

/** EXECUTE client commands of command mode (edl-protocol.md §2.5). */
public enum SaharaClientCommand {
    NOP(0x00),
    SERIAL_NUM_READ(0x01),
    MSM_HW_ID_READ(0x02),
    OEM_PK_HASH_READ(0x03),
    SWITCH_TO_DMSS_DLOAD(0x04),
    SWITCH_TO_STREAM_DLOAD(0x05),
    READ_DEBUG_DATA(0x06),
    GET_SOFTWARE_VERSION_SBL(0x07),
    GET_COMMAND_ID_LIST(0x08),
    GET_TRAINING_DATA(0x09),
    READ_CHIP_ID_V3(0x0A);

    private final int id;

    SaharaClientCommand(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** The command with this id, or null for ids outside the table. */
    public static SaharaClientCommand byId(long id) {
        for (SaharaClientCommand c : values()) {
            if (c.id == id) {
                return c;
            }
        }
        return null;
    }
}
