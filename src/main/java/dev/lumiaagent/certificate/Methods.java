package dev.lumiaagent.certificate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The erasing methods the agent has, with their names (the same strings as {@code flow.Evidence}, which this package
 * must not import), how NIST SP 800-88 Rev. 1 classes each (our reading: docs/certificates.md), what each erases and
 * leaves, and which checks a certificate needs for it.
 *
 * <p>Every method is {@value #CLEAR}. None is Purge: Purge on eMMC needs the device's Sanitize command (or a
 * cryptographic erase of an encrypted volume) issued and verified, and no method here issues one.
 */
final class Methods {
    static final String CLEAR = "Clear";

    // ERASURE names (flow.Evidence)
    static final String SETTINGS_RESET = "settings-reset";
    static final String KEY_RESET = "key-reset";
    static final String USB_WIPE = "usb-wipe";
    static final String REFLASH = "reflash";
    static final String EMERGENCY_REFLASH = "emergency-reflash";

    // CHECK names (flow.Evidence)
    static final String FFU_VERIFIED = "ffu-verified";
    static final String FLASH_APP_ACCEPTED = "flash-app-accepted";
    static final String ERASE_ACKNOWLEDGED = "erase-acknowledged";
    static final String READBACK_DIGEST = "readback-digest";
    static final String RESET_OBSERVED = "reset-observed";
    static final String BOOTED_OS = "booted-os";
    static final String SAME_PHONE = "same-phone";

    static final String TABLE_A3 = "NIST SP 800-88 Rev. 1, Appendix A, Table A-3 (mobile devices), Windows Phone row; §2.5 Clear";
    static final String TABLE_A8 = "NIST SP 800-88 Rev. 1, Appendix A, Table A-8 (flash memory: embedded eMMC), Clear";

    private static final String NO_SD = "an SD card, if the phone has one, is not covered by this certificate";
    private static final String RESET_KEEPS = "the OS partitions and provisioning are kept; Microsoft: a factory reset does not "
            + "return a Windows 10 Mobile phone to its factory state (a reflash with the Recovery Tool does); " + NO_SD;
    private static final String FFU_KEEPS = "blocks the FFU does not cover are not written; the SD card (if any) is not touched";

    /**
     * One method.
     *
     * @param required the checks a certificate needs, each passed
     * @param optional checks stated when present, passed or failed, and never required (booted-os after an emergency
     *        reflash: over serial the agent may not see the OS boot)
     */
    record Method(String name, String words, String classifiedBy, String erased, String notErased, List<String> required,
                  List<String> optional) {
        boolean usesImage() {
            return name.equals(REFLASH) || name.equals(EMERGENCY_REFLASH);
        }
    }

    private static final Map<String, Method> METHODS = new LinkedHashMap<>();

    static {
        String resetErased = "the user data partition (apps, accounts, messages, pictures, settings), by the phone's own reset";
        add(new Method(SETTINGS_RESET, "Clear: the phone's own factory reset (manufacturer's reset to factory state), started from "
                + "Settings", TABLE_A3, resetErased, RESET_KEEPS, List.of(RESET_OBSERVED, SAME_PHONE), List.of(BOOTED_OS)));
        add(new Method(KEY_RESET, "Clear: the phone's own factory reset (manufacturer's reset to factory state), started with the "
                + "key sequence", TABLE_A3, resetErased, RESET_KEEPS, List.of(RESET_OBSERVED, SAME_PHONE), List.of(BOOTED_OS)));
        add(new Method(USB_WIPE, "Clear: erase of the user Data partition by the phone's flash app over USB (NOKXFP \"Data\")",
                TABLE_A8, "the user Data partition (apps, messages, pictures, settings)",
                "the modem NV, the OS version and reset protection are not reset (the flash app erases the Data partition "
                        + "only); the OS partitions are not written; " + NO_SD,
                List.of(ERASE_ACKNOWLEDGED, BOOTED_OS, SAME_PHONE), List.of(RESET_OBSERVED)));
        add(new Method(REFLASH, "Clear: overwrite with the stock image (reflash)", TABLE_A8,
                "every block the stock image (FFU) covers, written with that image through the phone's flash app", FFU_KEEPS,
                List.of(FFU_VERIFIED, FLASH_APP_ACCEPTED, BOOTED_OS, SAME_PHONE), List.of()));
        add(new Method(EMERGENCY_REFLASH, "Clear: overwrite with the stock image (emergency reflash from Qualcomm emergency "
                + "download mode, Firehose)", TABLE_A8,
                "every block the stock image covers, written with that image through the Firehose programmer",
                FFU_KEEPS, List.of(READBACK_DIGEST), List.of(BOOTED_OS, SAME_PHONE, FFU_VERIFIED)));
    }

    private static void add(Method m) {
        METHODS.put(m.name(), m);
    }

    private Methods() {
    }

    static Optional<Method> of(String name) {
        return Optional.ofNullable(name == null ? null : METHODS.get(name));
    }

    /** A check's name in the words a refusal uses ("the read-back check"). */
    static String checkWords(String check) {
        switch (check) {
            case FFU_VERIFIED:
                return "the FFU check before writing (ffu-verified)";
            case FLASH_APP_ACCEPTED:
                return "the flash app's acceptance of every block (flash-app-accepted)";
            case ERASE_ACKNOWLEDGED:
                return "the flash app's acknowledgement of the erase (erase-acknowledged)";
            case READBACK_DIGEST:
                return "the read-back check (readback-digest)";
            case RESET_OBSERVED:
                return "the watch of the phone's reset over USB (reset-observed)";
            case BOOTED_OS:
                return "the check that the phone booted its OS (booted-os)";
            case SAME_PHONE:
                return "the same-phone check (same-phone)";
            default:
                return "the check " + check;
        }
    }

    /** What a check establishes, for the certificate's verification table. */
    static String checkMeaning(String check) {
        switch (check) {
            case FFU_VERIFIED:
                return "every chunk of the FFU matched its hash table before writing";
            case FLASH_APP_ACCEPTED:
                return "the flash app accepted every payload block (it checks each against the FFU's signed hash table)";
            case ERASE_ACKNOWLEDGED:
                return "the flash app acknowledged the Data partition erase";
            case READBACK_DIGEST:
                return "the written ranges were read back and their SHA-256 equals the image's";
            case RESET_OBSERVED:
                return "the phone left the bus for its reset and came back, watched over USB";
            case BOOTED_OS:
                return "the phone booted its OS (normal mode) after the erase";
            case SAME_PHONE:
                return "the phone that came back is the same phone (IMEI / public ID / serial compared)";
            default:
                return "";
        }
    }
}
