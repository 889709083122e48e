package dev.lumiaagent.view;

import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.util.ArrayList;
import java.util.List;

/**
 * A phone in words, from what its record holds: model and IMEI for a phone that tells them; for one that does not
 * (a 9008 phone tells only its chip serial and MSM HW ID; a mass-storage or dead-battery phone only its USB
 * identity) what it does tell, and the mode it is in. Never "unknown phone" when anything is known.
 */
public final class PhoneWords {
    private PhoneWords() {
    }

    /** The model: product type and model name ("RM-1104 Lumia 550"), or null. */
    public static String model(JobRecord r) {
        String name = r.deviceInfo.get("manufacturerModelName");
        if (r.productType == null) {
            return name;
        }
        return name == null || name.contains(r.productType) ? r.productType : r.productType + " " + name;
    }

    /** What identifies a phone without IMEI: public ID, USB serial, or a 9008 phone's chip serial. */
    public static String serial(JobRecord r) {
        if (r.publicId != null) {
            return r.publicId;
        }
        if (r.usbSerial != null) {
            return r.usbSerial;
        }
        return r.deviceInfo.get("chipSerial");
    }

    /** The phone in a short phrase: "RM-1104, IMEI 3569…", "9008 phone, chip serial 1A2B3C4D, MSM HW ID 0x009600E1". */
    public static String of(JobRecord r) {
        List<String> parts = new ArrayList<>();
        String model = r.productType;
        if (model != null) {
            parts.add(model);
        }
        if (r.imei != null) {
            parts.add("IMEI " + r.imei);
        } else if (r.publicId != null) {
            parts.add("public ID " + r.publicId);
        } else if (r.usbSerial != null) {
            parts.add("USB serial " + r.usbSerial);
        }
        if (r.imei == null) {
            String chip = r.deviceInfo.get("chipSerial");
            String hwid = r.deviceInfo.get("msmHwId");
            if (chip != null) {
                parts.add("chip serial " + chip);
            }
            if (hwid != null) {
                parts.add("MSM HW ID " + hwid);
            }
        }
        if (model == null && r.startMode != null) {
            parts.add(0, modeWords(r.startMode));
        }
        String vidPid = r.deviceInfo.get("vidPid");
        if (model == null && r.imei == null && r.publicId == null && r.usbSerial == null && !r.deviceInfo.containsKey("chipSerial")
                && vidPid != null) {
            // a phone that was not opened (a skipped 9008 or mass-storage phone) tells only its USB identity
            parts.add("USB " + vidPid);
        }
        return parts.isEmpty() ? "a phone (it told nothing yet)" : String.join(", ", parts);
    }

    /** The phone as found on the bus before any job read it: its mode, and its USB serial when it has one. */
    public static String of(UsbDevice d) {
        String mode = "phone in " + d.personality().mode().label();
        return d.serial() == null || d.serial().isBlank() ? mode : mode + ", USB serial " + d.serial();
    }

    /** A record's start mode (an enum name) in words. */
    public static String modeWords(String startMode) {
        try {
            return "phone in " + Mode.valueOf(startMode).label();
        } catch (IllegalArgumentException e) {
            return "phone in " + startMode;
        }
    }

    /** A mode name in words ("normal OS"), null stays null. */
    public static String mode(String startMode) {
        if (startMode == null) {
            return null;
        }
        try {
            return Mode.valueOf(startMode).label();
        } catch (IllegalArgumentException e) {
            return startMode;
        }
    }
}
