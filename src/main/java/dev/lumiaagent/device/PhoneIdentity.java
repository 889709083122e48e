package dev.lumiaagent.device;

import java.util.Locale;

/**
 * What makes a phone this phone: its IMEI (normal and label modes) and its public ID (normal mode
 * via JSON, UEFI via {@code NOKXFR "PID"}). After a re-enumeration the phone on the port is compared
 * with the one before on every key both sides know (DESIGN §3).
 */
public record PhoneIdentity(String imei, String publicId, String usbSerial) {

    public enum Match { SAME, DIFFERENT, UNKNOWN }

    public PhoneIdentity {
        publicId = publicId == null ? null : publicId.toUpperCase(Locale.ROOT);
        usbSerial = usbSerial == null || usbSerial.isBlank() ? null : usbSerial;
    }

    /** The keys a phone's own answers give (the USB serial unknown). */
    public PhoneIdentity(String imei, String publicId) {
        this(imei, publicId, null);
    }

    public boolean isKnown() {
        return imei != null || publicId != null;
    }

    /**
     * The one rule of "same phone", for flows (after a re-enumeration) and jobs (resume, station, retries):
     * SAME when a shared key (IMEI, public ID) matches and none differs; DIFFERENT when a shared key differs;
     * when those cannot decide, an equal USB serial counts as SAME (a differing one proves nothing: some modes
     * report another serial); else UNKNOWN.
     */
    public Match compare(PhoneIdentity other) {
        Match m = compareKeys(other);
        if (m == Match.UNKNOWN && usbSerial != null && usbSerial.equals(other.usbSerial)) {
            return Match.SAME;
        }
        return m;
    }

    private Match compareKeys(PhoneIdentity other) {
        boolean shared = false;
        if (imei != null && other.imei != null) {
            if (!imei.equals(other.imei)) {
                return Match.DIFFERENT;
            }
            shared = true;
        }
        if (publicId != null && other.publicId != null) {
            if (!publicId.equals(other.publicId)) {
                return Match.DIFFERENT;
            }
            shared = true;
        }
        return shared ? Match.SAME : Match.UNKNOWN;
    }

    @Override
    public String toString() {
        if (imei != null) {
            return "IMEI " + imei;
        }
        return publicId != null ? "public ID " + publicId : "unknown identity";
    }
}
