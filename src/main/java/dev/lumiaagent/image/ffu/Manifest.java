package dev.lumiaagent.image.ffu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The image manifest: ASCII INI text after the IMAGE_HEADER (ffu-format §1.5). Keeps the text and its
 * sections in order; keys are looked up case-insensitively.
 */
public record Manifest(String text, List<Section> sections) {

    /** One {@code [Name]} section with its keys in file order. */
    public record Section(String name, Map<String, String> entries) {
        public Section {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        public Optional<String> get(String key) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                if (e.getKey().equalsIgnoreCase(key)) {
                    return Optional.of(e.getValue());
                }
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "[" + name + "] " + entries;
        }
    }

    /** A {@code [Partition]} section. */
    public record Partition(String name, Optional<String> type, OptionalLong totalSectors, boolean useAllSpace, Map<String, String> entries) {
        @Override
        public String toString() {
            return "Partition " + name + (totalSectors.isPresent() ? " " + totalSectors.getAsLong() + " sectors" : "")
                    + (useAllSpace ? " UseAllSpace" : "");
        }
    }

    public Manifest {
        sections = List.copyOf(sections);
    }

    /** Parses the INI text: CRLF or LF lines, {@code [Section]}, {@code Key = Value}; other lines continue the previous value. */
    public static Manifest parse(String text) {
        List<Section> out = new ArrayList<>();
        String name = null;
        Map<String, String> entries = new LinkedHashMap<>();
        String lastKey = null;
        for (String raw : text.split("\r?\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                if (name != null || !entries.isEmpty()) {
                    out.add(new Section(name == null ? "" : name, entries));
                }
                name = line.substring(1, line.length() - 1).strip();
                entries = new LinkedHashMap<>();
                lastKey = null;
                continue;
            }
            int eq = line.indexOf('=');
            if (eq > 0) {
                lastKey = line.substring(0, eq).strip();
                entries.put(lastKey, line.substring(eq + 1).strip());
            } else if (lastKey != null) {
                entries.put(lastKey, entries.get(lastKey) + "\n" + line); // Description continues on the next lines
            }
        }
        if (name != null || !entries.isEmpty()) {
            out.add(new Section(name == null ? "" : name, entries));
        }
        return new Manifest(text, out);
    }

    public List<Section> sections(String name) {
        List<Section> r = new ArrayList<>();
        for (Section s : sections) {
            if (s.name().equalsIgnoreCase(name)) {
                r.add(s);
            }
        }
        return r;
    }

    public Optional<String> get(String section, String key) {
        for (Section s : sections(section)) {
            Optional<String> v = s.get(key);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    /** {@code [FullFlash] Version}; Microsoft's reader accepts only "2.0". */
    public Optional<String> version() {
        return get("FullFlash", "Version");
    }

    public Optional<String> osVersion() {
        return get("FullFlash", "OSVersion");
    }

    public Optional<String> antiTheftVersion() {
        return get("FullFlash", "AntiTheftVersion");
    }

    /** {@code DevicePlatformId0}, {@code 1}, … read upward until the first gap. */
    public List<String> platformIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 0;; i++) {
            Optional<String> v = get("FullFlash", "DevicePlatformId" + i);
            if (v.isEmpty()) {
                return ids;
            }
            ids.add(v.get());
        }
    }

    public OptionalLong sectorSize() {
        return number(get("Store", "SectorSize"));
    }

    public OptionalLong minSectorCount() {
        return number(get("Store", "MinSectorCount"));
    }

    public List<Partition> partitions() {
        List<Partition> r = new ArrayList<>();
        for (Section s : sections("Partition")) {
            r.add(new Partition(s.get("Name").orElse("?"), s.get("Type"), number(s.get("TotalSectors")),
                    s.get("UseAllSpace").map(v -> v.equalsIgnoreCase("true")).orElse(false), s.entries()));
        }
        return r;
    }

    private static OptionalLong number(Optional<String> v) {
        if (v.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v.get()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public String toString() {
        return "MANIFEST " + text.length() + "B " + sections;
    }
}
