package dev.lumiaagent.firmware;

import dev.lumiaagent.image.ffu.FfuFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The local firmware library: a directory the technician fills with stock FFUs and emergency files
 * ({@code .ede} programmer, {@code .edp} payload), indexed by product type (from the path, e.g.
 * {@code RM-1104/…} or a file name containing it), product code (a {@code 059XXXX} token) and, for
 * FFUs, the platform IDs read from the file's own header. Nothing is downloaded: Microsoft's
 * download service is gone (users-and-peers.md P3), so files come from the owner's own copies.
 */
public final class FirmwareLibrary {
    private static final Pattern PRODUCT_CODE = Pattern.compile("(?i)(?<![A-Z0-9])(0[0-9A-Z]{6})(?![A-Z0-9])");
    private static final int MAX_DEPTH = 6;

    private final Path root;
    private final List<Entry> entries;

    public enum Kind { FFU, PROGRAMMER, PAYLOAD }

    /** One file of the library. {@code platformIds} is filled for FFUs whose header parsed. */
    public record Entry(Path path, Kind kind, Optional<String> productType, Optional<String> productCode, List<String> platformIds,
                        Optional<String> problem) {
        public Entry {
            platformIds = List.copyOf(platformIds);
        }
    }

    private FirmwareLibrary(Path root, List<Entry> entries) {
        this.root = root;
        this.entries = List.copyOf(entries);
    }

    /** The default place: {@code $LUMIA_AGENT_FIRMWARE}, else the user's data directory. */
    public static Path defaultRoot() {
        return dev.lumiaagent.paths.UserData.dir("LUMIA_AGENT_FIRMWARE", "firmware");
    }

    /** Scans {@code root} (a missing directory is an empty library). */
    public static FirmwareLibrary scan(Path root) throws IOException {
        List<Entry> list = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> files = Files.walk(root, MAX_DEPTH)) {
                for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                    entry(root, p).ifPresent(list::add);
                }
            }
        }
        return new FirmwareLibrary(root, list);
    }

    private static Optional<Entry> entry(Path root, Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        Kind kind = name.endsWith(".ffu") ? Kind.FFU : name.endsWith(".ede") || name.endsWith(".mbn") ? Kind.PROGRAMMER
                : name.endsWith(".edp") ? Kind.PAYLOAD : null;
        if (kind == null) {
            return Optional.empty();
        }
        String rel = root.relativize(p).toString();
        Optional<String> type = ProductType.find(rel);
        Matcher code = PRODUCT_CODE.matcher(p.getFileName().toString());
        Optional<String> productCode = code.find() ? Optional.of(code.group(1).toUpperCase(Locale.ROOT)) : Optional.empty();
        List<String> platforms = List.of();
        Optional<String> problem = Optional.empty();
        if (kind == Kind.FFU) {
            try (FfuFile f = FfuFile.open(p)) {
                platforms = f.image().platformIds();
            } catch (IOException | RuntimeException e) {
                problem = Optional.of("not a usable FFU: " + e.getMessage());
            }
        }
        return Optional.of(new Entry(p, kind, type, productCode, platforms, problem));
    }

    public Path root() {
        return root;
    }

    public List<Entry> entries() {
        return entries;
    }

    /**
     * The stock FFU for a phone: by product code first (the exact variant), then by platform ID (what
     * the flash app checks), then by product type.
     */
    public Optional<Entry> ffuFor(String productType, String productCode, String platformId) {
        List<Entry> ffus = entries.stream().filter(e -> e.kind() == Kind.FFU && e.problem().isEmpty()).toList();
        if (productCode != null) {
            Optional<Entry> byCode = ffus.stream().filter(e -> e.productCode().map(productCode::equalsIgnoreCase).orElse(false)).findFirst();
            if (byCode.isPresent()) {
                return byCode;
            }
        }
        if (platformId != null) {
            Optional<Entry> byPlatform = ffus.stream().filter(e -> dev.lumiaagent.image.ffu.FfuImage.platformMatches(e.platformIds(), platformId))
                    .findFirst();
            if (byPlatform.isPresent()) {
                return byPlatform;
            }
        }
        if (productType != null) {
            String t = ProductType.normalise(productType);
            return ffus.stream().filter(e -> e.productType().map(t::equals).orElse(false)).findFirst();
        }
        return Optional.empty();
    }

    /** Emergency files for a product type, applying the RM-1072/1073 → RM-1113 alias. */
    public List<Entry> emergencyFiles(String productType, Kind kind) {
        String key = ProductType.emergencyKey(productType);
        String plain = ProductType.normalise(productType);
        return entries.stream().filter(e -> e.kind() == kind)
                .filter(e -> e.productType().map(t -> t.equals(key) || t.equals(plain)).orElse(false))
                .sorted(Comparator.comparing((Entry e) -> !e.productType().orElse("").equals(key)).thenComparing(Entry::path))
                .toList();
    }
}
