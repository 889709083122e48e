package dev.lumiaagent.record;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses a report's {@code --since}: an instant, a date (UTC midnight), or a duration back from now. */
public final class Since {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})([smhdw])");

    private Since() {
    }

    /**
     * {@code 2025-05-01T08:00:00Z} (or with an offset, {@code +02:00}), {@code 2025-05-01} (midnight UTC),
     * {@code 90m} / {@code 24h} / {@code 7d} / {@code 2w} / {@code 30s}, or an ISO-8601 duration ({@code PT12H},
     * {@code P7D}): that long before {@code now}.
     *
     * @throws IllegalArgumentException naming the text and the forms it may take
     */
    public static Instant parse(String text, Instant now) {
        String t = text == null ? "" : text.strip();
        Matcher m = SHORT.matcher(t.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration unit = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                case "d" -> Duration.ofDays(1);
                default -> Duration.ofDays(7);
            };
            return now.minus(unit.multipliedBy(n));
        }
        try {
            if (t.startsWith("P") || t.startsWith("p")) {
                Duration d = Duration.parse(t);
                if (d.isNegative()) {
                    throw new IllegalArgumentException("--since '" + text + "' is a negative duration; give how long back, "
                            + "e.g. 24h");
                }
                return now.minus(d);
            }
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since '" + text + "' is not a time: give an instant "
                    + "(2025-05-01T08:00:00Z), a date (2025-05-01, UTC) or how long back (90m, 24h, 7d, 2w, PT12H)");
        }
    }
}
