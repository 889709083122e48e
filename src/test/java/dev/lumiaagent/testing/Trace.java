package dev.lumiaagent.testing;

import dev.lumiaagent.protocol.wire.Bytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One capture of the corpus in {@code src/test/resources/traces/<protocol>/NNN-name.trace}: a public
 * capture from a real device (or derived from one, said so), with its source. The format:
 * <pre>
 * # source: URL          # kind: real capture | derived from a real capture (how)
 * # device: …            # host: …        # protocol: sahara | firehose | nok | ncsd
 * # shows: the fact it demonstrates      (# note: …, and any other # line, are comments)
 * &gt; 02000000 30000000 …   host → device, hex        &lt; …   device → host, hex
 * &gt;" &lt;?xml …           host → device, text        &lt;" …  device → host, text (\n \r \t \\ escapes)
 * | a log line as the tool printed it (decoded values, when the source has no bytes)
 * # file| a line of a host input file (rawprogram/patch XML) as the source shows it
 * A hex line may end in a remark in parentheses; {@code (raw …)} marks data without a packet header.
 * </pre>
 */
public record Trace(Path file, Map<String, String> header, List<Entry> entries, String fileContent) {
    public static final Path ROOT = Path.of("src/test/resources/traces");

    public enum Direction { HOST_TO_DEVICE, DEVICE_TO_HOST, LOG }

    /** One transfer (hex or text) or one log line, with its line number in the file. */
    public record Entry(int line, Direction direction, boolean text, byte[] bytes, String remark) {
        public String asText() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public boolean fromHost() {
            return direction == Direction.HOST_TO_DEVICE;
        }

        public boolean fromDevice() {
            return direction == Direction.DEVICE_TO_HOST;
        }

        /** A transfer the file marks {@code (raw …)}: data with no packet header, e.g. the reply to EXECUTE_DATA. */
        public boolean raw() {
            return remark.startsWith("raw");
        }
    }

    public String source() {
        return header.getOrDefault("source", "");
    }

    public String kind() {
        return header.getOrDefault("kind", "");
    }

    public String protocol() {
        return header.getOrDefault("protocol", "");
    }

    public boolean realCapture() {
        return kind().startsWith("real capture");
    }

    public String name() {
        return ROOT.relativize(file).toString().replace('\\', '/');
    }

    public List<Entry> transfers() {
        return entries.stream().filter(e -> e.direction() != Direction.LOG).collect(Collectors.toList());
    }

    public List<String> logLines() {
        return entries.stream().filter(e -> e.direction() == Direction.LOG).map(Entry::asText).collect(Collectors.toList());
    }

    /** The whole text of the log lines and text transfers, for searching a value the tool printed. */
    public String text() {
        return entries.stream().filter(e -> e.text() || e.direction() == Direction.LOG).map(Entry::asText)
                .collect(Collectors.joining("\n"));
    }

    /** Loads {@code traces/<name>} (e.g. "sahara/004-cmdmode-hwid-24bytes-nokia-xl-msm8926.trace", or a unique prefix of it). */
    public static Trace load(String name) {
        Path p = ROOT.resolve(name);
        if (!Files.exists(p)) {
            List<Trace> matches = all().stream().filter(t -> t.name().startsWith(name)).collect(Collectors.toList());
            if (matches.size() != 1) {
                throw new IllegalArgumentException("no single trace named " + name + ": " + matches);
            }
            return matches.get(0);
        }
        return parse(p);
    }

    public static List<Trace> all() {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".trace")).sorted().map(Trace::parse).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Trace> of(String protocol) {
        return all().stream().filter(t -> t.protocol().equals(protocol)).collect(Collectors.toList());
    }

    public static Trace parse(Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> header = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        List<String> file = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            int n = i + 1;
            if (l.isBlank()) {
                continue;
            }
            if (l.startsWith("# file|")) {
                file.add(l.substring("# file|".length()).replaceFirst("^ ", ""));
                continue;
            }
            if (l.startsWith("#")) {
                int colon = l.indexOf(':');
                if (entries.isEmpty() && colon > 2) {
                    String key = l.substring(1, colon).trim().toLowerCase(Locale.ROOT);
                    if (key.matches("[a-z]+")) {
                        header.merge(key, l.substring(colon + 1).trim(), (a, b) -> a + "\n" + b);
                    }
                }
                continue;
            }
            if (l.startsWith("|")) {
                entries.add(new Entry(n, Direction.LOG, true, l.substring(1).strip().getBytes(StandardCharsets.UTF_8), ""));
                continue;
            }
            Direction d = l.startsWith(">") ? Direction.HOST_TO_DEVICE : l.startsWith("<") ? Direction.DEVICE_TO_HOST : null;
            if (d == null) {
                throw new IllegalArgumentException(path + ":" + n + ": a line must start with #, |, > or <: " + l);
            }
            if (l.length() > 1 && l.charAt(1) == '"') {
                String body = l.length() > 2 ? l.substring(2) : "";
                if (body.startsWith(" ")) {
                    body = body.substring(1);
                }
                entries.add(new Entry(n, d, true, unescape(body), ""));
            } else {
                String hex = l.substring(1);
                String remark = "";
                int comment = hex.indexOf('(');
                if (comment >= 0) {
                    remark = hex.substring(comment + 1).replaceFirst("\\)\\s*$", "").strip(); // "(raw: …)" after the bytes
                    hex = hex.substring(0, comment);
                }
                try {
                    entries.add(new Entry(n, d, false, Bytes.fromHex(hex.strip()), remark));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(path + ":" + n + ": not hex: " + l, e);
                }
            }
        }
        return new Trace(path, header, entries, String.join("\n", file));
    }

    private static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(i + 1);
                String r = e == 'n' ? "\n" : e == 'r' ? "\r" : e == 't' ? "\t" : e == '\\' ? "\\" : null;
                if (r != null) {
                    out.writeBytes(r.getBytes(StandardCharsets.UTF_8));
                    i++;
                    continue;
                }
            }
            out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return name() + " (" + source() + ")";
    }
}
