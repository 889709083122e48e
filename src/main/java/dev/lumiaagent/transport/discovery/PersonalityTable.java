package dev.lumiaagent.transport.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The VID:PID / iProduct / interface-class → personality table, loaded from
 * {@code personalities.json} (data, not code). First matching rule wins; a device no rule matches
 * is not a phone.
 */
public final class PersonalityTable {
    private static final String RESOURCE = "personalities.json";
    private static volatile PersonalityTable standard;

    private final List<Rule> rules;

    /** One row of the table. {@code pid == -1} matches any PID; {@code interfaceClass == -1} any class. */
    public record Rule(int vid, int pid, Pattern product, int interfaceClass, Personality personality) {
        boolean matches(int vid, int pid, String product, Collection<Integer> interfaceClasses) {
            if (this.vid != vid || (this.pid != -1 && this.pid != pid)) {
                return false;
            }
            if (this.product != null && (product == null || !this.product.matcher(product).matches())) {
                return false;
            }
            return interfaceClass == -1 || interfaceClasses.contains(interfaceClass);
        }
    }

    private PersonalityTable(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The table shipped in the jar. */
    public static PersonalityTable standard() {
        PersonalityTable t = standard;
        if (t == null) {
            try (InputStream in = PersonalityTable.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " missing from the build");
                }
                t = parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            standard = t;
        }
        return t;
    }

    static PersonalityTable parse(InputStream in) throws IOException {
        JsonNode root = new ObjectMapper().readTree(in);
        List<Rule> rules = new ArrayList<>();
        for (JsonNode r : root.path("rules")) {
            int vid = Integer.parseInt(r.path("vid").asText(), 16);
            String pidText = r.path("pid").asText();
            int pid = "*".equals(pidText) ? -1 : Integer.parseInt(pidText, 16);
            Pattern product = r.hasNonNull("product") ? Pattern.compile(r.get("product").asText()) : null;
            int ifClass = r.path("interfaceClass").asInt(-1);
            Personality p = new Personality(Mode.valueOf(r.path("mode").asText()),
                    WireProtocol.valueOf(r.path("protocol").asText()), r.path("name").asText(),
                    r.path("interface").asInt(-1), r.path("note").asText(""));
            rules.add(new Rule(vid, pid, product, ifClass, p));
        }
        return new PersonalityTable(rules);
    }

    public List<Rule> rules() {
        return rules;
    }

    /**
     * Classifies a USB identity.
     *
     * @param interfaceClasses bInterfaceClass of each interface of the active configuration (may be empty)
     * @return the personality, or empty when the device is not a phone we know of
     */
    public Optional<Personality> classify(int vid, int pid, String product, Collection<Integer> interfaceClasses) {
        for (Rule r : rules) {
            if (r.matches(vid, pid, product, interfaceClasses)) {
                return Optional.of(r.personality());
            }
        }
        return Optional.empty();
    }

    /**
     * The serial number of newer EDL firmware, which leaves iSerial empty and embeds it in iProduct
     * as {@code …_SN:<hex>_…} (edl-protocol.md §1.2, qdl {@code src/usb.c}).
     */
    public static Optional<String> serialFromProduct(String product) {
        if (product == null) {
            return Optional.empty();
        }
        int at = product.indexOf("_SN:");
        if (at < 0) {
            return Optional.empty();
        }
        int start = at + 4;
        int end = start;
        while (end < product.length() && product.charAt(end) != ' ' && product.charAt(end) != '_') {
            end++;
        }
        return end > start ? Optional.of(product.substring(start, end)) : Optional.empty();
    }
}
