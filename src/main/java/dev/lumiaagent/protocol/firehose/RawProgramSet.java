package dev.lumiaagent.protocol.firehose;

import dev.lumiaagent.protocol.wire.ProtocolException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The program and patch lists of a QFIL-style flat build: {@code rawprogram*.xml} files of
 * {@code <program>} elements under a {@code <data>} root, and {@code patch*.xml} files of {@code <patch>}
 * elements under the {@code <patches>} root real builds use (a Nokia E2M dump's patch0.xml,
 * traces/firehose/022; QFIL and qdl read it) or a {@code <data>} root (edl-protocol.md §3.4). Patches
 * for host-side files (gpt_main0.bin …) are kept and skipped when sending: only {@code filename="DISK"}
 * goes to the phone. Parsed with the same strict reader as Firehose
 * documents; every refusal is a {@link RawProgramException} with a named {@link RawProgramException.Kind}.
 * Files larger than {@link #MAX_FILE_BYTES} are refused: real ones are a few kilobytes. A {@code filename}
 * that is absolute or has a {@code ..} segment is refused here ({@link RawProgramException.Kind#OUTSIDE_IMAGES});
 * links that leave the images directory are refused when the files are resolved ({@link ImageFileNames#resolve}).
 */
public record RawProgramSet(List<RawProgramEntry> programs, List<RawPatchEntry> patches) {
    public static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

    public RawProgramSet {
        programs = List.copyOf(programs);
        patches = List.copyOf(patches);
    }

    /** Reads every given file; the order of the lists is kept (rawprogram0 before rawprogram1, …). */
    public static RawProgramSet read(List<Path> rawprogramFiles, List<Path> patchFiles) {
        List<RawProgramEntry> programs = new ArrayList<>();
        for (Path p : rawprogramFiles) {
            programs.addAll(parsePrograms(p.getFileName().toString(), bytes(p)));
        }
        List<RawPatchEntry> patches = new ArrayList<>();
        for (Path p : patchFiles) {
            patches.addAll(parsePatches(p.getFileName().toString(), bytes(p)));
        }
        return new RawProgramSet(programs, patches);
    }

    private static byte[] bytes(Path p) {
        try {
            if (Files.size(p) > MAX_FILE_BYTES) {
                throw new RawProgramException(RawProgramException.Kind.UNREADABLE, p.getFileName().toString(),
                        "larger than " + MAX_FILE_BYTES + " bytes");
            }
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new RawProgramException(RawProgramException.Kind.UNREADABLE, String.valueOf(p.getFileName()), e.toString());
        }
    }

    public static List<RawProgramEntry> parsePrograms(String name, byte[] xml) {
        List<RawProgramEntry> out = new ArrayList<>();
        int i = 0;
        for (FirehoseXml.Element e : elements(name, xml, "program", "data")) {
            String where = name + " #" + (++i);
            Fields f = new Fields(where, e.attributes());
            out.add(new RawProgramEntry(where, f.text("label", ""), f.fileName(f.text("filename", "")), f.sectorSize(),
                    f.integer("physical_partition_number", 0, 255), f.expression("start_sector"),
                    f.number("num_partition_sectors"), f.optionalNumber("file_sector_offset"), f.flag("sparse")));
        }
        return out;
    }

    public static List<RawPatchEntry> parsePatches(String name, byte[] xml) {
        List<RawPatchEntry> out = new ArrayList<>();
        int i = 0;
        for (FirehoseXml.Element e : elements(name, xml, "patch", "patches", "data")) {
            String where = name + " #" + (++i);
            Fields f = new Fields(where, e.attributes());
            FirehosePatch patch;
            try {
                patch = new FirehosePatch(f.sectorSize(), f.number("byte_offset"), f.fileName(f.required("filename")),
                        f.integer("physical_partition_number", 0, 255), f.integer("size_in_bytes", 1, 8),
                        f.expression("start_sector"), f.expression("value"), f.text("what", ""));
            } catch (IllegalArgumentException ex) {
                throw new RawProgramException(RawProgramException.Kind.BAD_NUMBER, where, ex.getMessage());
            }
            out.add(new RawPatchEntry(where, patch));
        }
        return out;
    }

    private static List<FirehoseXml.Element> elements(String name, byte[] xml, String element, String... roots) {
        if (xml.length > MAX_FILE_BYTES) {
            throw new RawProgramException(RawProgramException.Kind.UNREADABLE, name, "larger than " + MAX_FILE_BYTES + " bytes");
        }
        FirehoseXml.Document doc;
        try {
            doc = FirehoseXml.parse(xml, 0, xml.length, name);
        } catch (ProtocolException e) {
            throw new RawProgramException(RawProgramException.Kind.MALFORMED_XML, name, e.getMessage());
        }
        if (!List.of(roots).contains(doc.root())) {
            throw new RawProgramException(RawProgramException.Kind.WRONG_ROOT, name, "root element is <" + doc.root()
                    + ">, expected " + String.join(" or ", List.of(roots).stream().map(r -> "<" + r + ">").toArray(String[]::new))
                    + " (is this a " + element + " file?)");
        }
        for (FirehoseXml.Element e : doc.children()) {
            if (!e.name().equals(element)) {
                throw new RawProgramException(RawProgramException.Kind.UNEXPECTED_ELEMENT, name, "<" + e.name()
                        + "> where only <" + element + "> belongs");
            }
        }
        return doc.children();
    }

    /** Typed attribute access with named errors. */
    private static final class Fields {
        private final String where;
        private final Map<String, String> a;

        Fields(String where, Map<String, String> a) {
            this.where = where;
            this.a = a;
        }

        String required(String key) {
            String v = FirehoseXml.attribute(a, key);
            if (v == null) {
                throw new RawProgramException(RawProgramException.Kind.MISSING_ATTRIBUTE, where, "no " + key);
            }
            return v;
        }

        /** A {@code filename} value, refused when it could name a file outside the images directory. */
        String fileName(String v) {
            return ImageFileNames.requirePlain(where, v);
        }

        String text(String key, String fallback) {
            return Objects.requireNonNullElse(FirehoseXml.attribute(a, key), fallback);
        }

        long number(String key) {
            return parse(key, required(key));
        }

        long optionalNumber(String key) {
            String v = FirehoseXml.attribute(a, key);
            return v == null ? 0 : parse(key, v);
        }

        int integer(String key, int min, int max) {
            long v = number(key);
            if (v < min || v > max) {
                throw new RawProgramException(RawProgramException.Kind.BAD_NUMBER, where, key + "=" + v + " is outside " + min
                        + ".." + max);
            }
            return (int) v;
        }

        int sectorSize() {
            int v = integer("SECTOR_SIZE_IN_BYTES", 1, 65536);
            if (Integer.bitCount(v) != 1) {
                throw new RawProgramException(RawProgramException.Kind.BAD_NUMBER, where, "SECTOR_SIZE_IN_BYTES=" + v
                        + " is not a power of two");
            }
            return v;
        }

        boolean flag(String key) {
            String v = FirehoseXml.attribute(a, key);
            if (v == null || v.equalsIgnoreCase("false") || v.equals("0")) {
                return false;
            }
            if (v.equalsIgnoreCase("true") || v.equals("1")) {
                return true;
            }
            throw new RawProgramException(RawProgramException.Kind.BAD_NUMBER, where, key + "=" + v + " is not true/false");
        }

        FirehoseExpression expression(String key) {
            String v = required(key);
            try {
                return FirehoseExpression.parse(v);
            } catch (IllegalArgumentException e) {
                throw new RawProgramException(RawProgramException.Kind.BAD_EXPRESSION, where, key + ": " + e.getMessage());
            }
        }

        private long parse(String key, String raw) {
            String s = raw.strip();
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
            try {
                long v = Long.parseLong(s);
                if (v < 0) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                throw new RawProgramException(RawProgramException.Kind.BAD_NUMBER, where, key + "='" + raw + "' is not a number");
            }
        }
    }
}
