package dev.lumiaagent.protocol.firehose;

import java.util.List;
import java.util.Locale;

/**
 * Why a programmer said NAK, recognised from the log lines it sent with it (edl-protocol.md §3.3,
 * §3.5, §5). Stable names for reports and flow decisions; {@link #OTHER} when no known text matched.
 */
public enum FirehoseNakReason {
    /** "Host's payload to target size is too large" (qdl issue #20): configure again with the device's size. */
    PAYLOAD_TOO_LARGE,
    /** "… must be equal to disk sector size N": the command used the wrong SECTOR_SIZE_IN_BYTES. */
    SECTOR_SIZE_MISMATCH,
    /** "Failed to authenticate Digital Signature." and other VIP / signature refusals (§3.6, §5). */
    AUTHENTICATION_REFUSED,
    /** "Not support configure MemoryName …": the storage type named is not this device's. */
    UNSUPPORTED_MEMORY,
    OTHER;

    static FirehoseNakReason of(List<FirehoseLog> logs) {
        for (FirehoseLog l : logs) {
            String t = l.text().toLowerCase(Locale.ROOT);
            if (t.contains("payload to target size is too large")) {
                return PAYLOAD_TOO_LARGE;
            }
            if (t.contains("disk sector size") || t.contains("device sector size")
                    || (t.contains("sector_size_in_bytes") && t.contains("sector size"))) {
                return SECTOR_SIZE_MISMATCH;
            }
            // "ERROR: Verifying signature failed with 3" + "Authentication of signed hash failed 0" (a VIP
            // programmer refusing configure, traces/firehose/008)
            if (t.contains("authenticat") || t.contains("digital signature") || t.contains("signature verification")
                    || t.contains("verifying signature") || t.contains("signature failed") || t.contains("vip")) {
                return AUTHENTICATION_REFUSED;
            }
            if (t.contains("not support configure memoryname")) {
                return UNSUPPORTED_MEMORY;
            }
        }
        return OTHER;
    }
}
