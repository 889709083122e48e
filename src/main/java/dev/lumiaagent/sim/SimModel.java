package dev.lumiaagent.sim;

import java.util.List;
import java.util.Objects;

/**
 * One simulated Lumia model: what the model table in {@code models.json} says about it.
 * USB identities are {@code VID:PID} strings per mode.
 */
public record SimModel(String productType, String name, String manufacturer, String soc, String platformId,
                       String spec, UsbId normal, UsbId uefi, UsbId label, List<String> productCodes,
                       long emmcSectors, String msmHwId, int writeLimitKiBs, String firmwareVersion,
                       String osVersion, String swVersion) {
    public SimModel {
        Objects.requireNonNull(productType, "productType");
        Objects.requireNonNull(name, "name");
        productCodes = List.copyOf(productCodes);
        if (productCodes.isEmpty()) {
            throw new IllegalArgumentException(productType + ": a model needs at least one product code");
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
