package dev.lumiaagent.record;

import dev.lumiaagent.paths.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TimeZone;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A diagnostics bundle: one zip a technician attaches to a bug report (issue #8) with what a maintainer
 * asks for — the job record, the job log, the device info, the protocol trace, the environment — and a
 * {@code MANIFEST.txt} listing every entry with its size and SHA-256 and every file that was missing.
 *
 * <pre>
 * DiagBundle.builder()
 *         .add("job.json", recordJson)
 *         .add("job.log", jobLogFile)
 *         .add("trace.txt", traceFile)          // not there: "trace.txt.missing.txt" says so
 *         .add("environment.txt", DiagBundle.environment(version).getBytes(UTF_8))
 *         .write(Path.of("diag-1-3.zip"));
 * </pre>
 *
 * <p>Text entries ({@code .txt .json .log .trace .xml .csv}) pass through a {@link DiagRedaction}: by default
 * the home directory becomes {@code ~}; {@link Builder#redaction} with {@link DiagRedaction#identities}
 * also replaces IMEIs, USB serials and public IDs, and leaves binary entries out (a note says so). The
 * zip is created with mode 0600 ({@link PrivateFiles}).
 *
 * <p>Files are streamed into the zip (a trace of a flash can be large) and hashed as they are copied; the
 * zip is written to a temporary file beside the target and moved into place, so a bundle is whole or absent.
 * An instance is the bundle as written: its path, entries and missing files.
 */
public final class DiagBundle {
    public static final String MANIFEST = "MANIFEST.txt";
    private static final int COPY_BUFFER = 64 * 1024;
    /** The longest piece of a text entry redacted at once (a trace line is a few hundred bytes). */
    private static final int MAX_LINE = 1024 * 1024;

    /** One entry of the zip: its name, size in bytes, and SHA-256 (lowercase hex). */
    public record Entry(String name, long size, String sha256) {
    }

    /** A file asked for that was not there (or not readable); its entry is {@code name.missing.txt}. */
    public record Missing(String name, String source, String why) {
    }

    private final Path zip;
    private final List<Entry> entries;
    private final List<Missing> missing;

    private DiagBundle(Path zip, List<Entry> entries, List<Missing> missing) {
        this.zip = zip;
        this.entries = List.copyOf(entries);
        this.missing = List.copyOf(missing);
    }

    public static Builder builder() {
        return new Builder(Clock.systemUTC());
    }

    /** @param clock the time written into the manifest */
    public static Builder builder(Clock clock) {
        return new Builder(Objects.requireNonNull(clock, "clock"));
    }

    public Path zip() {
        return zip;
    }

    /** Every entry written, in order, {@link #MANIFEST} last. */
    public List<Entry> entries() {
        return entries;
    }

    public List<Missing> missing() {
        return missing;
    }

    /**
     * The text of {@code environment.txt}: agent version, OS, Java, time zone and locale, and a one-line
     * user-agent. Nothing secret: no environment variables, no user or host name.
     */
    public static String environment(String agentVersion) {
        return environment(agentVersion, Clock.systemUTC());
    }

    public static String environment(String agentVersion, Clock clock) {
        String version = agentVersion == null || agentVersion.isBlank() ? "(unknown version)" : agentVersion.strip();
        String os = prop("os.name") + " " + prop("os.version");
        String arch = prop("os.arch");
        String java = prop("java.version");
        String vendor = prop("java.vendor");
        StringBuilder sb = new StringBuilder();
        sb.append("agent: lumia-agent ").append(version).append('\n');
        sb.append("user-agent: lumia-agent/").append(version.replace(' ', '_')).append(" (").append(os).append("; ")
                .append(arch).append(") Java/").append(java).append('\n');
        sb.append("time: ").append(clock.instant()).append('\n');
        sb.append("os: ").append(os).append(" (").append(arch).append(")\n");
        sb.append("java: ").append(java).append(" (").append(vendor).append("; ").append(prop("java.vm.name")).append(' ')
                .append(prop("java.vm.version")).append(")\n");
        sb.append("processors: ").append(Runtime.getRuntime().availableProcessors()).append('\n');
        sb.append("max memory: ").append(Runtime.getRuntime().maxMemory() / (1024 * 1024)).append(" MiB\n");
        sb.append("time zone: ").append(TimeZone.getDefault().getID()).append('\n');
        sb.append("locale: ").append(Locale.getDefault(Locale.Category.FORMAT).toLanguageTag())
                .append(", file encoding: ").append(prop("file.encoding")).append('\n');
        return sb.toString();
    }

    private static String prop(String name) {
        String v = System.getProperty(name);
        return v == null ? "?" : v;
    }

    /** Collects entries; nothing is read until {@link #write}. */
    public static final class Builder {
        private final Clock clock;
        private final List<Object> items = new ArrayList<>(); // FileItem or BytesItem, in order
        private final Set<String> names = new HashSet<>();
        private DiagRedaction redaction = DiagRedaction.homeOnly(System.getProperty("user.home"));

        private Builder(Clock clock) {
            this.clock = clock;
        }

        /** What the text entries hide (default: the home directory as {@code ~}). */
        public Builder redaction(DiagRedaction redaction) {
            this.redaction = Objects.requireNonNull(redaction, "redaction");
            return this;
        }

        private record FileItem(String name, Path file) {
        }

        private record BytesItem(String name, byte[] content) {
        }

        /** A file, streamed at {@link #write} time; if it is not there then, {@code name.missing.txt} says so. */
        public Builder add(String name, Path file) {
            Objects.requireNonNull(file, "file");
            items.add(new FileItem(checkName(name), file));
            return this;
        }

        public Builder add(String name, byte[] content) {
            Objects.requireNonNull(content, "content");
            items.add(new BytesItem(checkName(name), content.clone()));
            return this;
        }

        private String checkName(String name) {
            if (name == null || name.isBlank() || name.startsWith("/") || name.contains("\\") || name.contains("..")
                    || name.endsWith("/") || name.equals(MANIFEST)) {
                throw new IllegalArgumentException("not a usable entry name in a diagnostics bundle: '" + name
                        + "' (a relative name such as trace.txt, not " + MANIFEST + ")");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("the diagnostics bundle already has an entry '" + name + "'");
            }
            return name;
        }

        /**
         * Writes the zip to {@code zip} (replacing a previous one) through a temporary file in the same
         * directory. A missing file never fails the bundle; a directory that is not there, or a disk that
         * refuses the write, is a {@link DiagBundleException} with the next step.
         */
        public DiagBundle write(Path zip) {
            Objects.requireNonNull(zip, "zip");
            Path target = zip.toAbsolutePath();
            Path dir = target.getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new DiagBundleException("cannot write the diagnostics bundle " + zip + ": the directory "
                        + (dir == null ? "(none)" : dir) + " does not exist",
                        "Create the directory first, or give a path in an existing directory.");
            }
            if (Files.isDirectory(target)) {
                throw new DiagBundleException("cannot write the diagnostics bundle " + zip + ": it is a directory",
                        "Give a file name for the bundle, e.g. " + target.resolve("diag.zip") + ".");
            }
            Path temp = null;
            try {
                // 0600 from the start (PrivateFiles); the rename keeps it: a bundle names the phone.
                temp = PrivateFiles.createTempFile(dir, "." + target.getFileName() + ".", ".part");
                List<Entry> entries = new ArrayList<>();
                List<Missing> missing = new ArrayList<>();
                try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(temp))) {
                    for (Object item : items) {
                        String name = item instanceof BytesItem ? ((BytesItem) item).name() : ((FileItem) item).name();
                        if (!isText(name) && redaction.removesIdentities()) {
                            entries.add(put(out, name + ".redacted.txt", (name + " was left out: a redacted bundle carries no binary "
                                    + "entries (they cannot be searched for the phone's IMEI and serial). Send it separately, only "
                                    + "to someone you trust with them.\n").getBytes(StandardCharsets.UTF_8)));
                        } else if (item instanceof BytesItem) {
                            BytesItem b = (BytesItem) item;
                            byte[] content = isText(name) ? redact(redaction, b.content()) : b.content();
                            entries.add(put(out, name, content));
                        } else {
                            FileItem f = (FileItem) item;
                            Entry e = putFile(out, f.name(), f.file(), missing, redaction, isText(name));
                            entries.add(e);
                        }
                    }
                    entries.add(put(out, MANIFEST, manifest(entries, missing).getBytes(StandardCharsets.UTF_8)));
                }
                move(temp, target);
                temp = null;
                return new DiagBundle(target, entries, missing);
            } catch (IOException e) {
                throw new DiagBundleException("cannot write the diagnostics bundle " + zip + ": " + e,
                        "Check that the disk has room and the directory is writable, or choose another path.", e);
            } finally {
                if (temp != null) {
                    try {
                        Files.deleteIfExists(temp);
                    } catch (IOException ignored) {
                        // the bundle already failed with its own error
                    }
                }
            }
        }

        private String manifest(List<Entry> entries, List<Missing> missing) {
            StringBuilder sb = new StringBuilder();
            sb.append("lumia-agent diagnostics bundle\n");
            sb.append("created: ").append(Instant.now(clock)).append('\n');
            sb.append("redacted: ").append(redaction.describe()).append("\n\n");
            sb.append(String.format(Locale.ROOT, "%-64s  %12s  %s%n", "sha256", "bytes", "entry"));
            for (Entry e : entries) {
                sb.append(String.format(Locale.ROOT, "%-64s  %12d  %s%n", e.sha256(), e.size(), e.name()));
            }
            sb.append('\n');
            if (missing.isEmpty()) {
                sb.append("missing: none\n");
            } else {
                sb.append("missing:\n");
                for (Missing m : missing) {
                    sb.append("  ").append(m.name()).append(": ").append(m.why()).append(" (").append(m.source()).append(")\n");
                }
            }
            return sb.toString();
        }
    }

    private static Entry put(ZipOutputStream out, String name, byte[] content) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        out.write(content);
        out.closeEntry();
        return new Entry(name, content.length, hex(sha256().digest(content)));
    }

    /**
     * {@code bytes} with what {@code redaction} hides replaced, byte for byte the same when nothing is: UTF-8
     * text as text; bytes that are not UTF-8 one char per byte (ISO-8859-1), so the ASCII an identity is
     * written in is still found and nothing else changes.
     */
    static byte[] redact(DiagRedaction redaction, byte[] bytes) {
        java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.charset.Charset charset = StandardCharsets.UTF_8;
        String text;
        try {
            text = utf8.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            charset = StandardCharsets.ISO_8859_1;
            text = new String(bytes, charset);
        }
        String out = redaction.apply(text);
        return out.equals(text) ? bytes : out.getBytes(charset);
    }

    /** Entries read as text, and so redacted; anything else (a pcap) is binary. */
    static boolean isText(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".txt") || n.endsWith(".json") || n.endsWith(".log") || n.endsWith(".trace") || n.endsWith(".xml")
                || n.endsWith(".csv");
    }

    /**
     * Streams the file into the zip, hashing as it goes; a file that cannot be opened becomes a note.
     * With a redaction, line by line (a value never spans lines in a log or a trace).
     */
    private static Entry putFile(ZipOutputStream out, String name, Path file, List<Missing> missing, DiagRedaction redaction,
                                 boolean text) throws IOException {
        InputStream in;
        String why = null;
        if (Files.isDirectory(file)) {
            why = "is a directory, not a file";
            in = null;
        } else {
            try {
                in = Files.newInputStream(file);
            } catch (NoSuchFileException e) {
                why = "was not found";
                in = null;
            } catch (IOException | SecurityException e) {
                why = "could not be read: " + e;
                in = null;
            }
        }
        if (in == null) {
            String source = redaction.apply(file.toAbsolutePath().normalize().toString());
            missing.add(new Missing(name, source, why));
            return put(out, name + ".missing.txt", (name + ": " + source + " " + why + " when this bundle was made.\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        MessageDigest digest = sha256();
        long size = 0;
        if (text) {
            try (InputStream src = new java.io.BufferedInputStream(in, COPY_BUFFER)) {
                out.putNextEntry(new ZipEntry(name));
                java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
                int c;
                do {
                    c = src.read();
                    if (c >= 0) {
                        line.write(c);
                    }
                    // A line, or a long run without one (binary in a text entry), is redacted as a piece.
                    if ((c == '\n' || c < 0 || line.size() >= MAX_LINE) && line.size() > 0) {
                        byte[] bytes = redact(redaction, line.toByteArray());
                        digest.update(bytes);
                        out.write(bytes);
                        size += bytes.length;
                        line.reset();
                    }
                } while (c >= 0);
                out.closeEntry();
            }
            return new Entry(name, size, hex(digest.digest()));
        }
        try (InputStream src = in) {
            out.putNextEntry(new ZipEntry(name));
            byte[] buf = new byte[COPY_BUFFER];
            int n;
            while ((n = src.read(buf)) > 0) {
                digest.update(buf, 0, n);
                out.write(buf, 0, n);
                size += n;
            }
            out.closeEntry();
        }
        return new Entry(name, size, hex(digest.digest()));
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
