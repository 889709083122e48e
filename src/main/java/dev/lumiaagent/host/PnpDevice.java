package dev.lumiaagent.host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One device of {@code pnputil /enum-devices}: blocks of {@code Field:   value} lines separated by blank lines, the
 * first line "Microsoft PnP Utility" (notes-18 §7, the real output quoted from
 * https://github.com/johnstevenson/pl2303-legacy/issues/5).
 */
public record PnpDevice(String instanceId, String description, String className, String status, String driverName) {

    /** Every device block in {@code output}; lines that are not {@code Field: value} (the banner) are skipped. */
    public static List<PnpDevice> parse(String output) {
        List<PnpDevice> devices = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        for (String raw : (output + "\n").split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                add(fields, devices);
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            if (key.equals("instance id") && fields.containsKey("instance id")) {
                add(fields, devices); // a block without its blank line: a new Instance ID starts the next device
            }
            fields.put(key, line.substring(colon + 1).strip());
        }
        add(fields, devices);
        return devices;
    }

    private static void add(Map<String, String> fields, List<PnpDevice> devices) {
        if (fields.containsKey("instance id")) {
            devices.add(new PnpDevice(fields.get("instance id"), fields.getOrDefault("device description", ""),
                    fields.getOrDefault("class name", ""), fields.getOrDefault("status", ""), fields.getOrDefault("driver name", "")));
        }
        fields.clear();
    }

    /** {@code USB\VID_0421&PID_0661&MI_02} of {@code USB\VID_0421&PID_0661&MI_02\6&2b4…}: the INF's hardware ID form. */
    public String hardwareId() {
        int first = instanceId.indexOf('\\');
        int second = first < 0 ? -1 : instanceId.indexOf('\\', first + 1);
        return (second < 0 ? instanceId : instanceId.substring(0, second)).toUpperCase(Locale.ROOT);
    }

    /** "Started" is an enabled device with its driver running (pnputil docs). */
    public boolean started() {
        return status.equalsIgnoreCase("Started");
    }

    /** The COM port in the description, e.g. "COM4" of "Qualcomm HS-USB QDLoader 9008 (COM4)"; empty if none. */
    public String comPort() {
        int open = description.lastIndexOf("(COM");
        int close = open < 0 ? -1 : description.indexOf(')', open);
        return close < 0 ? "" : description.substring(open + 1, close);
    }
}
