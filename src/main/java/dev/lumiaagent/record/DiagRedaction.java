package dev.lumiaagent.record;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a diagnostics bundle hides in its text entries before it leaves the station.
 *
 * <p>Always ({@link #homeOnly}): the user's home directory, as {@code ~} (an absolute home path names the
 * user). With {@code diag --redact} ({@link #identities}): also every IMEI, USB serial and public ID, as
 * stable placeholders ({@code IMEI-1}, {@code SERIAL-1}, {@code PUBLICID-1}): the same value is the same
 * placeholder in every entry, so a maintainer can still follow one phone through the log, the trace
 * and the record. Known values (the job's identity, its record) are replaced in the forms a trace shows
 * them: as text (any case), as the trace's hex dump of their ASCII and UTF-16LE bytes (a USB string
 * descriptor) and that dump's text column, a public ID also as its raw bytes (hex and text column) and
 * as a JSON-RPC byte array. Any other
 * 15-digit number with a valid Luhn check digit is taken for an IMEI too.
 *
 * <p>Not caught: a value cut in two by the trace's 64-byte head, or inside binary entries; binary
 * entries (a pcap) are left out of a redacted bundle instead ({@link DiagBundle}).
 */
public final class DiagRedaction {
    private static final Pattern ANY_IMEI = Pattern.compile("(?<![0-9])[0-9]{15}(?![0-9])");

    private final List<String> homes;
    private final boolean identities;
    private final List<Rule> rules = new ArrayList<>();
    private final Map<String, String> placeholders = new HashMap<>(); // kind + normalised value -> placeholder
    private final Map<String, Integer> counters = new HashMap<>();

    private record Rule(Pattern pattern, String placeholder) {
    }

    private DiagRedaction(String home, boolean identities) {
        this.homes = homeForms(home);
        this.identities = identities;
    }

    /** The home directory as {@code ~}; nothing else ({@code home} null or "/" : nothing at all). */
    public static DiagRedaction homeOnly(String home) {
        return new DiagRedaction(home, false);
    }

    /** The home directory, and every IMEI, USB serial and public ID ({@code diag --redact}). */
    public static DiagRedaction identities(String home) {
        return new DiagRedaction(home, true);
    }

    /** True when phone identities are removed (and binary entries left out). */
    public boolean removesIdentities() {
        return identities;
    }

    /** A known IMEI (ignored when blank or when identities are not removed). */
    public DiagRedaction imei(String imei) {
        if (identities && imei != null && !imei.isBlank()) {
            String v = imei.strip();
            String p = placeholder("IMEI", v);
            addText(v, p, false);
            addBytes(v, p);
        }
        return this;
    }

    public DiagRedaction usbSerial(String serial) {
        if (identities && serial != null && !serial.isBlank()) {
            String v = serial.strip();
            String p = placeholder("SERIAL", v.toUpperCase(Locale.ROOT));
            addText(v, p, true);
            addBytes(v, p);
        }
        return this;
    }

    /** A public ID as the agent shows it: hex. */
    public DiagRedaction publicId(String publicId) {
        if (identities && publicId != null && !publicId.isBlank()) {
            String v = publicId.strip();
            String p = placeholder("PUBLICID", v.toUpperCase(Locale.ROOT));
            addText(v, p, true);
            addBytes(v, p);
            if (v.matches("(?:[0-9A-Fa-f]{2})+")) {
                byte[] raw = java.util.HexFormat.of().parseHex(v);
                rules.add(new Rule(Pattern.compile(spacedHex(raw), Pattern.CASE_INSENSITIVE), p));
                rules.add(new Rule(Pattern.compile(Pattern.quote(asciiColumn(raw))), p));
                StringBuilder array = new StringBuilder("\\[\\s*");
                for (int i = 0; i < raw.length; i++) {
                    array.append(i == 0 ? "" : "\\s*,\\s*").append(raw[i] & 0xFF);
                }
                rules.add(new Rule(Pattern.compile(array.append("\\s*\\]").toString()), "[\"" + p + "\"]"));
            }
        }
        return this;
    }

    /** {@code text} with what this redaction hides replaced. */
    public String apply(String text) {
        String out = text;
        if (identities) {
            for (Rule r : rules) {
                out = r.pattern().matcher(out).replaceAll(Matcher.quoteReplacement(r.placeholder()));
            }
            Matcher m = ANY_IMEI.matcher(out);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String v = m.group();
                m.appendReplacement(sb, Matcher.quoteReplacement(luhnValid(v) ? placeholder("IMEI", v) : v));
            }
            m.appendTail(sb);
            out = sb.toString();
        }
        for (String home : homes) {
            out = homePattern(home).matcher(out).replaceAll("~");
        }
        return out;
    }

    /** What a manifest says about this redaction. */
    String describe() {
        return identities ? "IMEIs, USB serials and public IDs replaced by placeholders (IMEI-1, SERIAL-1, PUBLICID-1), the home "
                + "directory by ~, binary entries left out" : "the home directory shown as ~";
    }

    private String placeholder(String kind, String value) {
        return placeholders.computeIfAbsent(kind + ":" + value, k -> kind + "-" + counters.merge(kind, 1, Integer::sum));
    }

    private void addText(String value, String placeholder, boolean anyCase) {
        String boundary = value.chars().allMatch(Character::isLetterOrDigit) ? "(?<![0-9A-Za-z])" : "";
        String end = boundary.isEmpty() ? "" : "(?![0-9A-Za-z])";
        rules.add(new Rule(Pattern.compile(boundary + Pattern.quote(value) + end, anyCase ? Pattern.CASE_INSENSITIVE : 0), placeholder));
    }

    /** The value's ASCII and UTF-16LE bytes as the protocol trace's hex dump shows them ("33 35 36 …"). */
    private void addBytes(String value, String placeholder) {
        rules.add(new Rule(Pattern.compile(spacedHex(value.getBytes(StandardCharsets.US_ASCII)), Pattern.CASE_INSENSITIVE), placeholder));
        rules.add(new Rule(Pattern.compile(spacedHex(value.getBytes(StandardCharsets.UTF_16LE)), Pattern.CASE_INSENSITIVE), placeholder));
        rules.add(new Rule(Pattern.compile(Pattern.quote(asciiColumn(value.getBytes(StandardCharsets.UTF_16LE)))), placeholder));
    }

    private static String spacedHex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bytes.length; i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02X", bytes[i] & 0xFF));
        }
        return sb.toString();
    }

    /** The bytes as the trace's text column of a binary transfer shows them: printable ASCII, else '.'. */
    private static String asciiColumn(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int v = b & 0xFF;
            sb.append(v >= 0x20 && v < 0x7F ? (char) v : '.');
        }
        return sb.toString();
    }

    private static boolean luhnValid(String digits) {
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(digits.length() - 1 - i) - '0';
            if (i % 2 == 1) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    /** The home directory as written in text and in JSON (backslashes escaped), and with forward slashes. */
    private static List<String> homeForms(String home) {
        List<String> forms = new ArrayList<>();
        if (home == null) {
            return forms;
        }
        String h = home.strip();
        while (h.length() > 1 && (h.endsWith("/") || h.endsWith("\\"))) {
            h = h.substring(0, h.length() - 1);
        }
        // "/" or "C:\" is no one's home in particular: replacing it would rewrite every path.
        if (h.length() < 2 || h.equals("/") || h.matches("[A-Za-z]:")) {
            return forms;
        }
        forms.add(h);
        if (h.contains("\\")) {
            forms.add(h.replace("\\", "\\\\"));
            forms.add(h.replace('\\', '/'));
        }
        return forms;
    }

    /** The home path as a whole path prefix: not the tail of a longer path, not the head of a longer name. */
    private static Pattern homePattern(String home) {
        return Pattern.compile("(?<![A-Za-z0-9_.~/\\\\-])" + Pattern.quote(home) + "(?![A-Za-z0-9_-])");
    }
}
