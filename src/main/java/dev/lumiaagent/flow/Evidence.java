package dev.lumiaagent.flow;

import java.util.Objects;

/**
 * What a flow did to a phone's storage, and what it checked afterwards, as it happened: the facts an erasure
 * certificate is made of (nothing else may be claimed on one). A flow reports an {@link Kind#ERASURE} when the
 * phone accepted an erasing action (its own reset began, the Data partition was erased, an image was written)
 * and a {@link Kind#CHECK} for every verification it performed, passed or not. A check that could not be
 * performed is a {@code CHECK} with {@code ok == false} and a detail that says why.
 *
 * @param name one of the constants below (stable: certificates and records use them)
 * @param detail for people: what was observed, with the numbers (blocks, bytes, digests, times)
 */
public record Evidence(Kind kind, String name, boolean ok, String detail) {
    public enum Kind { ERASURE, CHECK }

    // ERASURE names: which erasing method ran.
    /** The phone's own factory reset, started by its owner from Settings → about → reset your phone. */
    public static final String SETTINGS_RESET = "settings-reset";
    /** The phone's own factory reset, started with the guided key sequence. */
    public static final String KEY_RESET = "key-reset";
    /** The flash app erased the Data partition (NOKXFP). */
    public static final String USB_WIPE = "usb-wipe";
    /** The flash app wrote a stock FFU. */
    public static final String REFLASH = "reflash";
    /** A Firehose programmer wrote the FFU's raw image (or a rawprogram set) from 9008. */
    public static final String EMERGENCY_REFLASH = "emergency-reflash";

    // CHECK names: verifications.
    /** The host checked every chunk of the FFU against its hash table before writing (and took its SHA-256). */
    public static final String FFU_VERIFIED = "ffu-verified";
    /** The flash app accepted every payload block (it checks each against the FFU's signed hash table). */
    public static final String FLASH_APP_ACCEPTED = "flash-app-accepted";
    /** The flash app acknowledged the Data partition erase. */
    public static final String ERASE_ACKNOWLEDGED = "erase-acknowledged";
    /** The written ranges were read back through Firehose and their SHA-256 equals the image's. */
    public static final String READBACK_DIGEST = "readback-digest";
    /** The phone left the bus for its reset and came back after it, watched over USB. */
    public static final String RESET_OBSERVED = "reset-observed";
    /** The phone booted its OS (normal mode) after the erase: a flash that did not complete boots the flash app again. */
    public static final String BOOTED_OS = "booted-os";
    /** The phone that came back is the same phone (IMEI / public ID / serial compared). */
    public static final String SAME_PHONE = "same-phone";

    public Evidence {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        detail = detail == null ? "" : detail;
    }

    public static Evidence erased(String method, String detail) {
        return new Evidence(Kind.ERASURE, method, true, detail);
    }

    public static Evidence passed(String check, String detail) {
        return new Evidence(Kind.CHECK, check, true, detail);
    }

    public static Evidence failed(String check, String detail) {
        return new Evidence(Kind.CHECK, check, false, detail);
    }
}
