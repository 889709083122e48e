package dev.lumiaagent.sim;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One simulated Lumia model: what the model table in {@code models.json} says about it.
 * USB identities are {@code VID:PID} strings per mode. Every value carries a source in
 * {@link #sources()} (a capture file under {@code src/test/resources/traces} or a URL), or the word
 * {@code "assumed"} when no public source exists (docs/personalities.md lists those).
 *
 * @param firmwareVersion the flash app's {@code NOKXFR FVER}; real phones report a different build
 *                        than normal mode's {@code ReadSwVersion} (735: …36000 vs …36004, nok/106 and ncsd/001)
 * @param swVersion       normal mode's {@code ReadSwVersion}
 * @param manufacturerModelName normal mode's {@code ReadManufacturerModelName} ({@code RM-1038_1012}, ncsd/001)
 * @param hwVersion       normal mode's {@code ReadHwVersion} ({@code HWVersion}: 1000, 2003, 2140 in ncsd/001, 002, 004)
 * @param simlockActive   normal mode's {@code ReadSimlockActive} (an AT&amp;T 640 LTE: true, ncsd/004)
 * @param securityFlags   the flash app's {@code NOKXFR FCS} fuse flags (0x7BFF on 735 and 930: nok/106, nok/108)
 * @param chargeCurrentMa the flash app's {@code NOKXFR CS} current while on USB (735: 39 mA charging, nok/106)
 */
public record SimModel(String productType, String name, String manufacturer, String soc, String platformId,
                       String spec, UsbId normal, UsbId uefi, UsbId label, List<String> productCodes,
                       long emmcSectors, String msmHwId, int writeLimitKiBs, String firmwareVersion,
                       String osVersion, String swVersion, String manufacturerModelName, String hwVersion,
                       boolean simlockActive, AppVersion flashApp, AppVersion bootManager, long securityFlags,
                       int chargeCurrentMa, long transferSize, long writeBufferSize, Map<String, String> sources) {
    public SimModel {
        Objects.requireNonNull(productType, "productType");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(flashApp, "flashApp");
        Objects.requireNonNull(bootManager, "bootManager");
        productCodes = List.copyOf(productCodes);
        sources = Map.copyOf(sources);
        if (productCodes.isEmpty()) {
            throw new IllegalArgumentException(productType + ": a model needs at least one product code");
        }
    }

    /** Where {@code field}'s value comes from: a capture, a URL, or "assumed"; empty when unsourced. */
    public String source(String field) {
        return sources.getOrDefault(field, "");
    }

    /** {@code NOKV} bytes 6..9 of a UEFI app: protocol major.minor, app major.minor (nok/101, nok/103). */
    public record AppVersion(int protocolMajor, int protocolMinor, int appMajor, int appMinor) {
        /** Parses {@code "1.15/1.28"} (protocol / app, in WPinternals' print order reversed to the wire's). */
        public static AppVersion parse(String text) {
            String[] pa = text.split("/");
            if (pa.length != 2) {
                throw new IllegalArgumentException("not protocol/app: " + text);
            }
            String[] p = pa[0].trim().split("\\.");
            String[] a = pa[1].trim().split("\\.");
            return new AppVersion(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(a[0]), Integer.parseInt(a[1]));
        }

        @Override
        public String toString() {
            return protocolMajor + "." + protocolMinor + "/" + appMajor + "." + appMinor;
        }
    }

    /** A VID:PID pair. */
    public record UsbId(int vid, int pid) {
        public static UsbId parse(String text) {
            String[] parts = text.split(":");
            if (parts.length != 2) {
                throw new IllegalArgumentException("not a VID:PID: " + text);
            }
            return new UsbId(Integer.parseInt(parts[0], 16), Integer.parseInt(parts[1], 16));
        }

        @Override
        public String toString() {
            return String.format("%04X:%04X", vid, pid);
        }
    }
}
