package dev.lumiaagent.protocol.firehose;

import dev.lumiaagent.protocol.wire.ProtocolException;
import java.util.Map;
import java.util.Optional;

/** Reading typed attributes off a decoded element; every failure is a {@link ProtocolException} naming the attribute. */
final class FirehoseAttributes {
    private final String element;
    private final Map<String, String> attributes;

    FirehoseAttributes(String element, Map<String, String> attributes) {
        this.element = element;
        this.attributes = attributes;
    }

    String text(String name) {
        String v = FirehoseXml.attribute(attributes, name);
        if (v == null) {
            throw new ProtocolException("<" + element + "> lacks attribute " + name);
        }
        return v;
    }

    Optional<String> optional(String... names) {
        for (String n : names) {
            String v = FirehoseXml.attribute(attributes, n);
            if (v != null) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    long number(String name) {
        return parseNumber(name, text(name));
    }

    int integer(String name) {
        long v = number(name);
        if (v > Integer.MAX_VALUE) {
            throw new ProtocolException("<" + element + "> attribute " + name + " is too large: " + v);
        }
        return (int) v;
    }

    long numberOr(String name, long fallback) {
        String v = FirehoseXml.attribute(attributes, name);
        return v == null ? fallback : parseNumber(name, v);
    }

    boolean flag(String... names) {
        Optional<String> v = optional(names);
        if (v.isEmpty()) {
            return false;
        }
        String s = v.get().strip();
        if (s.equals("1") || s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equals("0") || s.equalsIgnoreCase("false")) {
            return false;
        }
        throw new ProtocolException("<" + element + "> attribute " + names[0] + " is not a flag: " + s);
    }

    FirehoseExpression expression(String name) {
        try {
            return FirehoseExpression.parse(text(name));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("<" + element + "> attribute " + name + ": " + e.getMessage());
        }
    }

    private long parseNumber(String name, String raw) {
        String s = raw.strip();
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1); // QFIL's decimal dot
        }
        try {
            long v = s.startsWith("0x") || s.startsWith("0X") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ProtocolException("<" + element + "> attribute " + name + " is not a number: '" + raw + "'");
        }
    }
}
