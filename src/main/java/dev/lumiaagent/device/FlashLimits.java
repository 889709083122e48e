package dev.lumiaagent.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Per-family write limits for an FFU flash, as data ({@code flash-limits.json}). */
public final class FlashLimits {
    private static volatile List<Limit> table;

    /**
     * @param maxPieceBytes largest payload message, 0 = the protocol's own
     * @param maxBytesPerSecond average write rate, 0 = unlimited
     */
    public record Limit(String platformIdPrefix, String family, int maxPieceBytes, long maxBytesPerSecond, String source) {
        public static final Limit NONE = new Limit("", "no limit", 0, 0, "");

        public boolean limited() {
            return maxPieceBytes > 0 || maxBytesPerSecond > 0;
        }

        @Override
        public String toString() {
            if (!limited()) {
                return "no write limit";
            }
            return family + ": " + (maxPieceBytes > 0 ? (maxPieceBytes / 1024) + " KiB pieces" : "")
                    + (maxBytesPerSecond > 0 ? ", at most " + (maxBytesPerSecond / 1024 / 1024) + " MiB/s" : "")
                    + (source.isEmpty() ? "" : " (" + source + ")");
        }
    }

    private FlashLimits() {
    }

    public static Limit forPlatform(String platformId) {
        if (platformId == null) {
            return Limit.NONE;
        }
        String id = platformId.toLowerCase(Locale.ROOT);
        for (Limit l : load()) {
            if (id.startsWith(l.platformIdPrefix().toLowerCase(Locale.ROOT))) {
                return l;
            }
        }
        return Limit.NONE;
    }

    private static List<Limit> load() {
        List<Limit> t = table;
        if (t == null) {
            try (InputStream in = FlashLimits.class.getResourceAsStream("flash-limits.json")) {
                if (in == null) {
                    throw new IllegalStateException("resource flash-limits.json missing from the build");
                }
                JsonNode root = new ObjectMapper().readTree(in);
                List<Limit> list = new ArrayList<>();
                for (JsonNode n : root.path("limits")) {
                    list.add(new Limit(n.path("platformIdPrefix").asText(), n.path("family").asText(),
                            n.path("maxPieceBytes").asInt(0), n.path("maxBytesPerSecond").asLong(0), n.path("source").asText("")));
                }
                t = List.copyOf(list);
                table = t;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return t;
    }
}
