package dev.lumiaagent.protocol.sahara;

import java.util.Map;
import java.util.TreeMap;

/**
 * A Sahara status code with its name, meaning and the next step for a technician (edl-protocol.md
 * §2.3; values per bkerler/edl {@code status_t} and libopenpst, not bkerler's shifted ErrorDesc strings).
 * Codes outside the table keep their number and read "unknown status".
 */
public record SaharaStatus(long code, String name, String text, String nextStep) {
    private static final String RETRY = "Power the phone off (hold Power about 10 s), reconnect it in emergency mode and run the step again.";
    private static final String WRONG_KEY = "The programmer is signed for another root key: use the emergency files "
            + "(.ede/.edp) for this phone's product type, then reconnect the phone in emergency mode.";
    private static final String WRONG_FILE = "The programmer file does not suit this phone's loader: use the emergency "
            + "files for this phone's product type.";
    private static final Map<Long, SaharaStatus> TABLE = new TreeMap<>();

    public static final SaharaStatus SUCCESS = add(0x00, "SUCCESS", "success", "Nothing to do.");

    static {
        add(0x01, "INVALID_CMD", "invalid command in the current state", RETRY);
        add(0x02, "PROTOCOL_MISMATCH", "protocol mismatch between host and target", RETRY);
        add(0x03, "INVALID_TARGET_PROTOCOL", "invalid target protocol version", RETRY);
        add(0x04, "INVALID_HOST_PROTOCOL", "invalid host protocol version", RETRY);
        add(0x05, "INVALID_PACKET_SIZE", "invalid packet size", RETRY);
        add(0x06, "UNEXPECTED_IMAGE_ID", "unexpected image id", WRONG_FILE);
        add(0x07, "INVALID_HEADER_SIZE", "invalid header size", WRONG_FILE);
        add(0x08, "INVALID_DATA_SIZE", "invalid data size", WRONG_FILE);
        add(0x09, "INVALID_IMAGE_TYPE", "invalid image type", WRONG_FILE);
        add(0x0A, "INVALID_TX_LENGTH", "invalid transmit length", RETRY);
        add(0x0B, "INVALID_RX_LENGTH", "invalid receive length", RETRY);
        add(0x0C, "GENERAL_TX_RX_ERROR", "general transmit/receive error", RETRY);
        add(0x0D, "READ_DATA_ERROR", "error while the target read image data", RETRY);
        add(0x0E, "UNSUPPORTED_NUM_PHDRS", "unsupported number of program headers", WRONG_FILE);
        add(0x0F, "INVALID_PHDR_SIZE", "invalid program-header size", WRONG_FILE);
        add(0x10, "MULTIPLE_SHARED_SEG", "multiple shared segments", WRONG_FILE);
        add(0x11, "UNINIT_PHDR_LOC", "uninitialised program-header location", WRONG_FILE);
        add(0x12, "INVALID_DEST_ADDR", "invalid destination address", WRONG_FILE);
        add(0x13, "INVALID_IMG_HDR_DATA_SIZE", "invalid image-header data size", WRONG_FILE);
        add(0x14, "INVALID_ELF_HDR", "invalid ELF header", WRONG_FILE);
        add(0x15, "UNKNOWN_HOST_ERROR", "unknown host error (reported in HELLO_RESP)", RETRY);
        add(0x16, "TIMEOUT_RX", "timeout while receiving", RETRY);
        add(0x17, "TIMEOUT_TX", "timeout while transmitting", RETRY);
        add(0x18, "INVALID_HOST_MODE", "invalid host mode", RETRY);
        add(0x19, "INVALID_MEMORY_READ", "invalid memory read", RETRY);
        add(0x1A, "INVALID_DATA_SIZE_REQUEST", "invalid data size request", RETRY);
        add(0x1B, "MEMORY_DEBUG_NOT_SUPPORTED", "memory debug not supported", "This loader has no memory-debug mode; reset the phone.");
        add(0x1C, "INVALID_MODE_SWITCH", "invalid mode switch", RETRY);
        add(0x1D, "CMD_EXEC_FAILURE", "command execution failure", RETRY);
        add(0x1E, "EXEC_CMD_INVALID_PARAM", "invalid parameter for EXECUTE", RETRY);
        add(0x1F, "EXEC_CMD_UNSUPPORTED", "unsupported client command",
                "This loader does not answer that command-mode query (Sahara v3 loaders answer chip id v3 instead); reset the phone.");
        add(0x20, "EXEC_DATA_INVALID_CLIENT_CMD", "invalid client command for EXECUTE_DATA", RETRY);
        add(0x21, "HASH_TABLE_AUTH_FAILURE", "hash table authentication failure", WRONG_KEY);
        add(0x22, "HASH_VERIFICATION_FAILURE", "hash verification failure for an image segment", WRONG_KEY);
        add(0x23, "HASH_TABLE_NOT_FOUND", "hash table not found", WRONG_KEY);
        add(0x24, "TARGET_INIT_FAILURE", "target initialisation failure", WRONG_KEY);
        add(0x25, "IMAGE_AUTH_FAILURE", "image authentication failure", WRONG_KEY);
        add(0x26, "INVALID_IMG_HASH_TABLE_SIZE", "invalid image hash-table size", WRONG_KEY);
        add(0x27, "ENUMERATION_FAILURE", "USB enumeration failure (bkerler/edl only)", RETRY);
        add(0x28, "HW_BULK_TRANSFER_ERROR", "hardware bulk transfer error (bkerler/edl only)", RETRY);
    }

    public SaharaStatus {
        if (code < 0 || code > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("status is a u32: " + code);
        }
    }

    private static SaharaStatus add(long code, String name, String text, String next) {
        SaharaStatus s = new SaharaStatus(code, name, text, next);
        TABLE.put(code, s);
        return s;
    }

    /** The named status for {@code code}, or an "unknown" entry that keeps the number. */
    public static SaharaStatus of(long code) {
        SaharaStatus s = TABLE.get(code);
        return s != null ? s : new SaharaStatus(code, "UNKNOWN_0x" + Long.toHexString(code).toUpperCase(),
                "unknown status", RETRY);
    }

    public boolean isSuccess() {
        return code == 0;
    }

    /** 0x21–0x26: the programmer's signature chain did not authenticate against the phone's root key (§5). */
    public boolean isAuthenticationFailure() {
        return code >= 0x21 && code <= 0x26;
    }

    @Override
    public String toString() {
        return String.format("0x%02X %s", code, name);
    }
}
