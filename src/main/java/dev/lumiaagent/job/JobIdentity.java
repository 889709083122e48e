package dev.lumiaagent.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.device.InfoField;
import dev.lumiaagent.device.InfoReader;
import dev.lumiaagent.device.PhoneIdentity;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which phone a job is for: IMEI and public ID (the keys {@link PhoneIdentity} compares) and the USB
 * serial when the bus shows one. Any of them may be unknown.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobIdentity(String imei, String publicId, String usbSerial) {
    private static final Logger LOG = LoggerFactory.getLogger(JobIdentity.class);

    /** Whether {@code id} is this phone's IMEI, public ID or USB serial (letter case aside), as {@code JobRecord.isPhone} for records. */
    public boolean isPhone(String id) {
        String wanted = id == null ? "" : id.strip();
        return !wanted.isEmpty() && java.util.stream.Stream.of(imei, publicId, usbSerial).anyMatch(v -> v != null && v.strip().equalsIgnoreCase(wanted));
    }

    public PhoneIdentity phone() {
        return new PhoneIdentity(imei, publicId, usbSerial);
    }

    @JsonIgnore
    public boolean isKnown() {
        return imei != null || publicId != null || usbSerial != null;
    }

    /** {@link PhoneIdentity#compare}: the one rule of "same phone". */
    public PhoneIdentity.Match compare(JobIdentity other) {
        return phone().compare(other.phone());
    }

    /** This identity with the keys it lacks taken from {@code learned}. */
    public JobIdentity fillFrom(JobIdentity learned) {
        return new JobIdentity(imei != null ? imei : learned.imei, publicId != null ? publicId : learned.publicId,
                usbSerial != null ? usbSerial : learned.usbSerial);
    }

    /** Modes whose identity can be read without disturbing the phone (an EDL phone's Sahara hello is left to the flow). */
    public static boolean readableIn(Mode mode) {
        return mode == Mode.NORMAL || mode == Mode.LABEL || mode == Mode.UEFI;
    }

    /** The identity in what was read from the phone, with the USB serial the bus shows. */
    public static JobIdentity of(DeviceInfo info, UsbDevice d) {
        String serial = d.serial() == null || d.serial().isBlank() ? null : d.serial();
        return new JobIdentity(info.text(InfoField.IMEI).orElse(null), info.text(InfoField.PUBLIC_ID).orElse(null), serial);
    }

    /**
     * What the phone is, read where its mode allows without disturbing it ({@link InfoReader}); elsewhere,
     * or when the read fails, what the bus shows. Never throws for a phone that does not answer.
     */
    public static DeviceInfo readInfo(Bus bus, UsbDevice d) {
        if (readableIn(d.personality().mode())) {
            try {
                return InfoReader.read(bus, d);
            } catch (RuntimeException e) {
                LOG.debug("could not read the phone on {}", d.port(), e);
            }
        }
        return InfoReader.fromBus(d);
    }

    /** The phone's identity from {@link #readInfo}. */
    public static JobIdentity read(Bus bus, UsbDevice d) {
        return of(readInfo(bus, d), d);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (imei != null) {
            parts.add("IMEI " + imei);
        }
        if (publicId != null) {
            parts.add("public ID " + publicId);
        }
        if (usbSerial != null) {
            parts.add("USB serial " + usbSerial);
        }
        return parts.isEmpty() ? "unknown identity" : String.join(", ", parts);
    }
}
