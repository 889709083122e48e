package dev.lumiaagent.firmware;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lumia product types ({@code RM-1104}): normalised from the forms people and files use ({@code RM1104},
 * {@code rm-1104}), with the aliases Microsoft's own lookup applied (users-and-peers.md §1.2 D).
 */
public final class ProductType {
    private static final Pattern FORM = Pattern.compile("(?i)(?<![A-Z0-9])RM-?(\\d{3,4})(?!\\d)");

    /**
     * Emergency files for the Lumia 640 RM-1072/RM-1073 sit under RM-1113 "due to a mix-up in the
     * online repository" (the old download service hard-coded the redirect).
     */
    private static final Map<String, String> EMERGENCY_ALIASES = Map.of("RM-1072", "RM-1113", "RM-1073", "RM-1113");

    private ProductType() {
    }

    /** The first product type named in {@code text} (a file name, a directory, user input), normalised. */
    public static Optional<String> find(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(text);
        return m.find() ? Optional.of("RM-" + m.group(1)) : Optional.empty();
    }

    public static String normalise(String text) {
        return find(text).orElseThrow(() -> new IllegalArgumentException("not a Lumia product type: '" + text
                + "' (expected RM-xxxx, e.g. RM-1104)"));
    }

    /** Where emergency files for {@code productType} are filed. */
    public static String emergencyKey(String productType) {
        String t = normalise(productType);
        return EMERGENCY_ALIASES.getOrDefault(t, t);
    }
}
