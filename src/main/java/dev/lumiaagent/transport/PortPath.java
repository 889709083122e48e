package dev.lumiaagent.transport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a phone is plugged in: Linux sysfs style {@code bus-port.port…} (e.g. {@code 1-1.4}). A job is
 * keyed by this, and the phone's serial/IMEI is re-confirmed after every re-enumeration (DESIGN §3).
 */
public record PortPath(int bus, List<Integer> ports) implements Comparable<PortPath> {
    private static final Pattern FORM = Pattern.compile("(\\d{1,3})-(\\d{1,3}(?:\\.\\d{1,3}){0,6})");

    public PortPath {
        if (bus < 0 || bus > 255) {
            throw new IllegalArgumentException("USB bus number out of range: " + bus);
        }
        if (ports == null || ports.isEmpty() || ports.size() > 7) {
            throw new IllegalArgumentException("a port path has 1 to 7 port numbers");
        }
        for (int p : ports) {
            if (p < 0 || p > 255) {
                throw new IllegalArgumentException("USB port number out of range: " + p);
            }
        }
        ports = List.copyOf(ports);
    }

    public static PortPath of(int bus, int... ports) {
        List<Integer> list = new ArrayList<>();
        for (int p : ports) {
            list.add(p);
        }
        return new PortPath(bus, list);
    }

    /** Parses {@code 1-1.4}; throws {@link IllegalArgumentException} with the expected form otherwise. */
    public static PortPath parse(String text) {
        if (text == null || !FORM.matcher(text.trim()).matches()) {
            throw new IllegalArgumentException("not a USB port path: '" + text + "' (expected bus-port.port…, e.g. 1-1.4)");
        }
        String t = text.trim();
        int dash = t.indexOf('-');
        int bus = Integer.parseInt(t.substring(0, dash));
        List<Integer> ports = new ArrayList<>();
        for (String p : t.substring(dash + 1).split("\\.")) {
            ports.add(Integer.parseInt(p));
        }
        return new PortPath(bus, ports);
    }

    public PortPath child(int port) {
        List<Integer> list = new ArrayList<>(ports);
        list.add(port);
        return new PortPath(bus, list);
    }

    public List<Integer> ports() {
        return Collections.unmodifiableList(ports);
    }

    @Override
    public int compareTo(PortPath o) {
        if (bus != o.bus) {
            return Integer.compare(bus, o.bus);
        }
        for (int i = 0; i < Math.min(ports.size(), o.ports.size()); i++) {
            int c = Integer.compare(ports.get(i), o.ports.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(ports.size(), o.ports.size());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(bus).append('-');
        for (int i = 0; i < ports.size(); i++) {
            if (i > 0) {
                sb.append('.');
            }
            sb.append(ports.get(i));
        }
        return sb.toString();
    }
}
