package dev.lumiaagent.protocol.flashapp;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A UEFI app's status word (BE16 at bytes 6..7 of a status reply, lumia-protocols.md §3.5): a stable
 * name for reports, an English sentence and a next step a technician can follow. Codes not in the
 * table are named {@code UNKNOWN_0xNNNN}. A non-zero status is a device verdict, never an exception.
 */
public record NokStatus(int code, String name, String text, String nextStep) {
    public NokStatus {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("status is a BE16: " + code);
        }
    }

    public boolean isOk() {
        return code == 0;
    }

    /** The table entry for {@code code}, or an {@code UNKNOWN_0xNNNN} entry. */
    public static NokStatus of(int code) {
        NokStatus known = TABLE.get(code);
        if (known != null) {
            return known;
        }
        String hex = String.format(Locale.ROOT, "0x%04X", code);
        return new NokStatus(code, "UNKNOWN_" + hex, "the phone reported status " + hex + ", which no source documents",
                "Note the code, read the phone's info again and retry the step once; if it repeats, report it with the phone's product type.");
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "0x%04X %s", code, name);
    }

    private static final Map<Integer, NokStatus> TABLE = new HashMap<>();

    private static final String RETRY = "Reconnect the phone and run the step again; if it repeats, try another USB cable and port.";
    private static final String BAD_FFU = "The FFU file is damaged or not a stock image: download it again and verify it before flashing.";
    private static final String STEP_ORDER = "The agent sent the flash messages out of order: restart the flash from the beginning.";

    private static void put(int code, String name, String text, String nextStep) {
        TABLE.put(code, new NokStatus(code, name, text, nextStep));
    }

    // Texts restate WPinternals' messages and thor2's enum names as lumia-protocols.md §3.5 lists them;
    // names follow thor2's FaErr… where it has one.
    static {
        put(0x0000, "OK", "success", "None.");
        put(0x0001, "OUT_OF_MEMORY", "the phone could not allocate memory",
                "Reboot the phone into flash mode again (NOKR, then reconnect) and retry with default transfer sizes.");
        put(0x0002, "FLASH_READ_FAILED", "reading the phone's flash memory failed", RETRY);
        put(0x0003, "BUFFER_EMPTY", "the phone's receive buffer was empty", RETRY);
        put(0x0004, "FLASH_WRITE_FAILED", "writing the phone's flash memory failed",
                "Retry once; a repeated write failure points to worn eMMC — the phone needs a board repair.");
        put(0x0005, "ERASE_FAILED", "erasing a partition failed",
                "Retry once; a repeated erase failure points to worn eMMC — the phone needs a board repair.");
        put(0x0006, "PARTITION_NOT_FOUND", "the named partition does not exist on this phone",
                "Check the partition name against the phone's GPT (names are case-sensitive, e.g. \"Data\").");
        put(0x0007, "INVALID_PARTITION", "the partition may not be used for this operation",
                "Use a partition this operation allows; only \"Data\" can be erased without authentication.");
        put(0x0008, "INVALID_PARAMETER", "unsupported protocol or invalid options",
                "The phone's flash app does not support this protocol: read its info (NOKV) and let the agent choose a supported one.");
        put(0x0009, "LOCATE_PROTOCOL_FAILED", "the flash app could not locate a UEFI protocol it needs",
                "Reboot the phone into flash mode and retry; if it repeats, the phone needs an emergency (EDL) reflash.");
        put(0x000A, "NOT_FOUND", "an item the command names was not found", "Check the name the command used and retry.");
        put(0x000B, "NOT_SUPPORTED", "the command is not supported by this app or phone",
                "Use the path for this phone's generation (Spec A / Spec B) instead.");
        put(0x000C, "LOAD_FAILED", "loading an image or app failed", RETRY);
        put(0x000D, "FLASH_VERIFY_FAILED", "flash verification failed after writing",
                "Reflash once; a repeated verify failure points to worn eMMC — the phone needs a board repair.");
        put(0x000E, "INVALID_SUBBLOCK_TYPE", "the message carried an invalid sub-block type", STEP_ORDER);
        put(0x000F, "INVALID_SUBBLOCK_COUNT", "the message carried an invalid sub-block count", STEP_ORDER);
        put(0x0010, "INVALID_SUBBLOCK_LENGTH", "the message carried an invalid sub-block length", STEP_ORDER);
        put(0x0011, "NSS_FAILED", "the phone's security service failed", RETRY);
        put(0x0012, "AUTHENTICATION_REQUIRED", "the operation needs an authenticated (RDC) session",
                "This phone is locked: use the stock-FFU path, or erase only the \"Data\" partition.");
        put(0x0013, "ASYNC_MESSAGE_FAILED", "an asynchronous flash message failed",
                "Flash again with the synchronous protocol (the agent's default).");
        put(0x0014, "INVALID_MESSAGE_LENGTH", "the message length is invalid", STEP_ORDER);
        put(0x0015, "FILE_NOT_FOUND", "a file the command names was not found on the phone", "Check the name and retry.");

        put(0x1000, "INVALID_HEADER_TYPE", "invalid FFU header type", BAD_FFU);
        put(0x1001, "INVALID_HEADER_SIZE", "the FFU header has unknown extra data", BAD_FFU);
        put(0x1002, "HEADER_IMPORT_FAILED", "the phone could not import the FFU headers", BAD_FFU);
        put(0x1003, "HASH_MISMATCH", "a payload chunk does not match its hash in the FFU",
                "The FFU was altered or damaged in transfer: verify the file and flash again from the beginning.");
        put(0x1004, "HEADERS_MISSING", "the security header is missing or not all headers were imported", STEP_ORDER);
        put(0x1005, "WRONG_CHUNK_SIZE", "payload data is not aligned to the chunk size", STEP_ORDER);
        put(0x1006, "NO_HASH_FOR_INDEX", "the FFU has no hash for a payload chunk", BAD_FFU);
        put(0x1007, "PAYLOAD_INCOMPLETE", "a payload message did not contain all its data",
                "A message was cut short: check the cable and flash again from the beginning.");
        put(0x1008, "NULL_BLOCK_DATA_ENTRY", "internal flash-app error (null block data entry)", BAD_FFU);
        put(0x1009, "NULL_LOCATION_ENTRY", "internal flash-app error (null location entry)", BAD_FFU);
        put(0x100A, "FLASHING_NOT_COMPLETED", "the previous flash did not complete",
                "Flash the full stock FFU again; the phone keeps booting into flash mode until one completes.");
        put(0x100B, "TOO_MUCH_PAYLOAD", "more payload data arrived than the FFU describes", STEP_ORDER);

        put(0x1100, "SECURITY_HEADER_SIGNATURE", "invalid security-header signature", BAD_FFU);
        put(0x1101, "SECURITY_HEADER_STRUCT_SIZE", "invalid security-header structure size", BAD_FFU);
        put(0x1102, "SECURITY_HEADER_ALGORITHM", "unsupported security-header algorithm", BAD_FFU);
        put(0x1103, "SECURITY_HEADER_CHUNK_SIZE", "invalid security-header chunk size", BAD_FFU);
        put(0x1104, "SECURITY_HEADER_CATALOG_SIZE", "invalid catalog size", BAD_FFU);
        put(0x1105, "SECURITY_HEADER_HASH_TABLE_SIZE", "invalid hash-table size", BAD_FFU);
        put(0x1106, "SIGNATURE_VALIDATION_FAILED", "the FFU's signature did not validate on this phone",
                "This locked phone accepts only Microsoft-signed stock FFUs: use the official FFU for its product type.");

        put(0x1201, "IMAGE_HEADER_SIGNATURE", "invalid image-header signature", BAD_FFU);
        put(0x1202, "IMAGE_HEADER_STRUCT_SIZE", "invalid image-header structure size", BAD_FFU);
        // [conflict] §3.5: thor2 calls 0x1203 a manifest-size error, WPinternals "unsupported algorithm".
        put(0x1203, "IMAGE_HEADER_MANIFEST_SIZE", "invalid image-header manifest size (WPinternals: unsupported algorithm)", BAD_FFU);
        put(0x1204, "IMAGE_HEADER_CHUNK_SIZE", "invalid image-header chunk size", BAD_FFU);
        put(0x1205, "RESET_PROTECTION_NOT_IN_FFU", "reset protection is on in the phone but not supported by the FFU",
                "Use a newer FFU for this product type, or have the owner turn off reset protection first.");
        put(0x1206, "RESET_PROTECTION_FFU_TOO_OLD", "the FFU's reset-protection version is lower than the phone's",
                "Use a newer FFU for this product type.");

        put(0x1301, "STORE_HEADER_UPDATE_TYPE", "invalid store-header update type", BAD_FFU);
        put(0x1302, "STORE_HEADER_STRUCT_VERSION", "invalid store-header structure version", BAD_FFU);
        put(0x1303, "STORE_HEADER_FFU_VERSION", "unsupported FFU version", "Use an FFU made for this phone's generation.");
        put(0x1304, "PLATFORM_ID_MISMATCH", "platform ID mismatch: this FFU is for another model",
                "Use the FFU for the phone's product type (see the platform ID the phone reports).");
        put(0x1305, "STORE_HEADER_BLOCK_SIZE", "invalid store-header block size", BAD_FFU);
        put(0x1306, "STORE_HEADER_WRITE_DESCRIPTOR", "invalid write descriptor", BAD_FFU);
        put(0x1307, "STORE_HEADER_VALIDATE_DESCRIPTOR", "invalid validate-descriptor information", BAD_FFU);

        put(0x1401, "NSS_AUTH_INIT_FAILED", "security-service authentication could not start", RETRY);
        put(0x1402, "NSS_AUTH_FAILED", "security-service authentication failed", RETRY);
        put(0x1403, "NSS_VERIFY_FAILED", "security-service verification failed", RETRY);
        put(0x1404, "NSS_SD_TYPE_FAILED", "security-service SD-type check failed", RETRY);
    }

    /** Declared after the table: static initialisers run in text order. */
    public static final NokStatus OK = of(0);
}
