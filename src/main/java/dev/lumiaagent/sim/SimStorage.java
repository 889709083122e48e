package dev.lumiaagent.sim;

import java.util.Locale;

/**
 * What a simulated phone's eMMC keeps of what is flashed to it. Every mode still checks each block's
 * hash when the flash app does; they differ only in what stays in the simulator's memory. Only
 * {@link #CONTENT} can be read back: with the others a Firehose {@code <read>} returns zeros where the
 * phone was written, so an emergency write's read-back (EmergencyFlow's VerifyImage) ends in
 * READBACK_MISMATCH. Give a 9008 phone content storage.
 */
public enum SimStorage {
    /** The written bytes, in a sparse disk as large as the model's (tests that read the disk back). */
    CONTENT,
    /**
     * Only a digest: how many bytes were written and a CRC-32C over every write's offset and bytes, in
     * order. A few dozen bytes per phone, so a large simulated bench does not weigh on the heap of the
     * agent it runs next to, while two phones flashed with the same image still compare equal.
     */
    DIGEST,
    /** Nothing (host-side benchmarks). */
    DISCARD;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SimStorage parse(String key) {
        for (SimStorage s : values()) {
            if (s.key().equals(key.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("storage must be \"content\", \"digest\" or \"discard\", not \"" + key + "\"");
    }
}
