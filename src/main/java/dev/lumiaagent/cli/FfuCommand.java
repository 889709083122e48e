package dev.lumiaagent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.image.ffu.BlockSource;
import dev.lumiaagent.image.ffu.DemoDisk;
import dev.lumiaagent.image.ffu.FfuBuilder;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.image.ffu.FfuFormatException;
import dev.lumiaagent.image.ffu.FfuImage;
import dev.lumiaagent.image.ffu.FfuProgress;
import dev.lumiaagent.image.ffu.FfuUnsupportedException;
import dev.lumiaagent.image.ffu.FfuVerification;
import dev.lumiaagent.image.ffu.Manifest;
import dev.lumiaagent.image.ffu.StoreHeader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumia-agent ffu}: look inside, check and make FFU images offline, without a phone. */
@Command(name = "ffu", mixinStandardHelpOptions = true,
        description = "Inspect, verify and build FFU (Full Flash Update) images offline.",
        subcommands = {FfuCommand.Inspect.class, FfuCommand.Verify.class, FfuCommand.Build.class})
public final class FfuCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints an FFU error the way every verb does and returns the exit code for a bad file. */
    static int fail(PrintWriter err, Path file, IOException e) {
        if (e instanceof FfuUnsupportedException) {
            err.println("error: " + file + ": " + e.getMessage());
            err.println("next step: this tool handles V1 Lumia FFUs only; use the stock FFU for the phone's product code.");
        } else if (e instanceof FfuFormatException) {
            err.println("error: " + file + " is not a valid FFU: " + e.getMessage());
            err.println("next step: download the FFU again (the file is damaged or not an FFU), then run `lumia-agent ffu verify " + file + "`.");
        } else if (Files.isDirectory(file)) {
            err.println("error: " + FilePaths.isADirectory(file, null, "FFU", ".ffu", null));
            err.println("next step: name the .ffu file itself.");
        } else if (e instanceof NoSuchFileException) {
            err.println("error: " + file + ": no such file");
            err.println("next step: check the path.");
        } else {
            err.println("error: " + file + ": " + e);
            err.println("next step: check that the file is readable and the disk is healthy.");
        }
        err.flush();
        return ExitCode.FAILED.code();
    }

    // ------------------------------------------------------------------ inspect

    @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Show an FFU's headers, platform IDs, sizes and partitions.")
    static final class Inspect implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The .ffu file.")
        Path file;

        @Option(names = "--json", description = "Print JSON for scripts.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (FfuFile f = FfuFile.open(file)) {
                FfuImage img = f.image();
                long len = f.fileLength();
                if (json) {
                    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json(img, len)));
                } else {
                    text(out, img, len);
                }
                out.flush();
                return ExitCode.OK.code();
            } catch (IOException e) {
                return fail(spec.commandLine().getErr(), file, e);
            }
        }

        private ObjectNode json(FfuImage img, long len) {
            ObjectNode o = JSON.createObjectNode();
            o.put("file", file.toString());
            o.put("fileLength", len);
            o.put("expectedFileLength", img.expectedFileLength());
            ArrayNode ids = o.putArray("platformIds");
            img.platformIds().forEach(ids::add);
            o.put("osVersion", img.manifest().osVersion().orElse(null));
            o.put("manifestVersion", img.manifest().version().orElse(null));
            o.put("chunkSize", img.chunkSize());
            o.put("blockSize", img.blockSize());
            o.put("catalogSize", img.security().catalogSize());
            o.put("catalogSigned", img.catalog().signerCount() > 0);
            o.put("hashTableEntries", img.chunkCount());
            o.put("combinedHeaderLength", img.combinedHeaderLength());
            o.put("descriptorCount", img.descriptors().size());
            o.put("payloadBlocks", img.payloadBlocks());
            o.put("payloadSize", img.payloadSize());
            StoreHeader s = img.store();
            ObjectNode t = o.putObject("tables");
            t.put("initialIndex", s.initialTableIndex()).put("initialCount", s.initialTableCount());
            t.put("flashOnlyIndex", s.flashOnlyTableIndex()).put("flashOnlyCount", s.flashOnlyTableCount());
            t.put("finalIndex", s.finalTableIndex()).put("finalCount", s.finalTableCount());
            ArrayNode parts = o.putArray("partitions");
            for (Manifest.Partition p : img.manifest().partitions()) {
                ObjectNode pn = parts.addObject();
                pn.put("name", p.name());
                if (p.totalSectors().isPresent()) {
                    pn.put("totalSectors", p.totalSectors().getAsLong());
                }
                p.type().ifPresent(x -> pn.put("type", x));
            }
            return o;
        }

        private void text(PrintWriter out, FfuImage img, long len) {
            long eof = img.expectedFileLength();
            out.printf("file:            %s (%d bytes%s)%n", file, len, len == eof ? "" : "; the headers say " + eof + " — run `ffu verify`");
            out.printf("platform IDs:    %s%n", img.platformIds().isEmpty() ? "(none)" : String.join(", ", img.platformIds()));
            out.printf("OS version:      %s%n", img.manifest().osVersion().orElse("(not in the manifest)"));
            out.printf("chunk / block:   %d KiB / %d KiB%n", img.chunkSize() / 1024, img.blockSize() / 1024);
            out.printf("catalog:         %d bytes, %s%s%n", img.security().catalogSize(),
                    img.catalog().signerCount() > 0 ? "signed" : "unsigned",
                    img.catalog().digestAlgorithm().map(a -> ", hash table " + a).orElse(", " + img.catalog().problem().orElse("")));
            out.printf("hash table:      %d chunks%n", img.chunkCount());
            out.printf("combined header: %d bytes (0x%x)%n", img.combinedHeaderLength(), img.combinedHeaderLength());
            StoreHeader s = img.store();
            out.printf("descriptors:     %d (initial %d+%d, flash-only %d+%d, final %d+%d)%n", img.descriptors().size(), s.initialTableIndex(),
                    s.initialTableCount(), s.flashOnlyTableIndex(), s.flashOnlyTableCount(), s.finalTableIndex(), s.finalTableCount());
            out.printf("payload:         %d blocks, %s%n", img.payloadBlocks(), human(img.payloadSize()));
            List<Manifest.Partition> parts = img.manifest().partitions();
            out.printf("partitions:      %d%n", parts.size());
            for (Manifest.Partition p : parts) {
                out.printf("  %-12s %s%n", p.name(), p.totalSectors().isPresent()
                        ? p.totalSectors().getAsLong() + " sectors" : p.useAllSpace() ? "all remaining space" : "");
            }
        }
    }

    // ------------------------------------------------------------------ verify

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check an FFU offline: every chunk's SHA-256 against the hash table, the catalog's digest of the hash table, "
                    + "the file length, padding, manifest, platform IDs and phase tables.",
                "Exit 0 when every check passes, 1 otherwise (the first bad chunk and its offset are printed)."})
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The .ffu file.")
        Path file;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (FfuFile f = FfuFile.open(file)) {
                ProgressBar bar = new ProgressBar(err, System.console() != null, "verify");
                FfuVerification v = f.verify(bar);
                bar.done();
                for (FfuVerification.Check c : v.checks()) {
                    out.println(c);
                }
                // The file's own digest, from the same pass: to compare with a published checksum.
                out.println("sha256 " + v.fileSha256() + "  " + file.getFileName());
                out.flush();
                if (v.valid()) {
                    out.println(file + ": valid");
                    out.flush();
                    return ExitCode.OK.code();
                }
                if (v.firstBadChunk() >= 0) {
                    err.printf("error: %s: chunk %d at offset 0x%x does not match the hash table (%d bad chunk%s)%n", file, v.firstBadChunk(),
                            v.firstBadChunkOffset(), v.badChunks(), v.badChunks() == 1 ? "" : "s");
                } else {
                    err.printf("error: %s: %s%n", file, v.failures().get(0));
                }
                err.println("next step: do not flash this file; download the FFU again and verify the new copy.");
                err.flush();
                return ExitCode.FAILED.code();
            } catch (IOException e) {
                return fail(err, file, e);
            }
        }
    }

    /** A progress bar: redrawn in place on a terminal; plain lines at most every 10 % when piped. */
    static final class ProgressBar implements FfuProgress {
        private final PrintWriter err;
        private final boolean terminal;
        private final String label;
        private final Detail detail;
        private int lastShown = -1;
        private long lastDraw;

        /** What the figures after the percentage say. */
        interface Detail {
            String of(long done, long total);
        }

        /** {@code done} and {@code total} are bytes of the same file: "X of Y". */
        ProgressBar(PrintWriter err, boolean terminal, String label) {
            this(err, terminal, label, (done, total) -> human(done) + " of " + human(total));
        }

        ProgressBar(PrintWriter err, boolean terminal, String label, Detail detail) {
            this.err = err;
            this.terminal = terminal;
            this.label = label;
            this.detail = detail;
        }

        @Override
        public void progress(long done, long total) {
            int pct = total <= 0 ? 100 : (int) (done * 100 / total);
            if (terminal) {
                long now = System.nanoTime();
                if (pct != lastShown && (now - lastDraw > 100_000_000L || pct == 100)) {
                    int fill = pct / 5;
                    err.print("\r" + label + " [" + "#".repeat(fill) + " ".repeat(20 - fill) + "] " + pct + "% " + detail.of(done, total));
                    err.flush();
                    lastShown = pct;
                    lastDraw = now;
                }
            } else if (pct / 10 != lastShown / 10 || lastShown < 0) {
                lastShown = pct;
                err.println(label + ": " + pct + "% (" + detail.of(done, total) + ")");
                err.flush();
            }
        }

        void done() {
            if (terminal && lastShown >= 0) {
                err.println();
                err.flush();
            }
        }
    }

    // ------------------------------------------------------------------ build

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = {"Make a V1 FFU (128 KiB chunks, 512-byte sectors, unsigned catalog) from a raw disk image or a generated demo disk.",
                "All-zero blocks are left out. A phone with a locked bootloader refuses an unsigned FFU."})
    static final class Build implements Callable<Integer> {
        static final class Source {
            @Option(names = "--raw", paramLabel = "IMG", description = "Raw disk image (size a multiple of 128 KiB).")
            Path raw;

            @Option(names = "--demo", paramLabel = "SIZE", description = "Generated Lumia-like disk of SIZE (e.g. 64M, 1G).")
            String demo;
        }

        static final class Platform {
            @Option(names = "--platform-id", paramLabel = "ID", description = "Platform ID(s), e.g. Nokia.MSM8227.P6036.1.2.", split = ",")
            List<String> ids;

            @Option(names = "--model", paramLabel = "RM-xxx", description = "Take the platform ID of a known model (see `lumia-agent simulate`).")
            String model;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Platform platform;

        @Option(names = {"-o", "--output"}, paramLabel = "OUT.ffu", required = true, description = "Where to write the FFU.")
        Path output;

        @Option(names = "--os-version", paramLabel = "VER", description = "OSVersion for the manifest (default: the model's, or 10.0.15063.0).")
        String osVersion;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<String> ids;
            String os = osVersion;
            if (platform.model != null) {
                JsonNode m = model(platform.model);
                ids = List.of(m.path("platformId").asText());
                if (os == null && m.hasNonNull("osVersion")) {
                    os = m.path("osVersion").asText();
                }
            } else {
                ids = platform.ids;
            }
            FfuBuilder builder = new FfuBuilder();
            try {
                builder.platformIds(ids).osVersion(os == null ? "10.0.15063.0" : os);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            BlockSource src;
            FileChannel rawCh = null;
            Path input = source.raw;
            try {
                if (source.demo != null) {
                    long size = parseSize(source.demo);
                    try {
                        src = new DemoDisk(size);
                    } catch (IllegalArgumentException e) {
                        throw new CommandLine.ParameterException(spec.commandLine(), "--demo " + source.demo + ": " + e.getMessage());
                    }
                } else {
                    rawCh = FileChannel.open(source.raw, StandardOpenOption.READ);
                    if (rawCh.size() % (128 * 1024) != 0 || rawCh.size() < 2 * 128 * 1024) {
                        err.println("error: " + source.raw + ": " + rawCh.size() + " bytes is not a whole number of 128 KiB blocks (at least two)");
                        err.println("next step: pad or trim the raw image to a multiple of 131072 bytes (an eMMC dump always is).");
                        err.flush();
                        rawCh.close();
                        return ExitCode.USAGE.code();
                    }
                    src = BlockSource.of(rawCh);
                }
                long diskBytes = src.sizeBytes();
                // FfuBuilder reads the disk twice (hashes, then the data blocks into the file): its progress is
                // over twice the disk's size, so the figures here are the pass, not bytes of either
                ProgressBar bar = new ProgressBar(err, System.console() != null, "build", (done, total) ->
                        (done <= total / 2 ? "hashing the " : "writing the data blocks of the ") + human(diskBytes) + " disk");
                FfuBuilder.Result r;
                try (FileChannel o = FileChannel.open(output, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    r = builder.build(src, o, bar);
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(output);
                    throw e;
                }
                bar.done();
                out.printf("%s: %s written, for a %s disk: %d descriptors, %d payload blocks (%d all-zero blocks of %d left out), platform %s%n",
                        output, human(r.fileLength()), human(diskBytes), r.descriptors(), r.payloadBlocks(), r.zeroBlocksSkipped(), r.diskBlocks(),
                        String.join(", ", ids));
                out.flush();
                return ExitCode.OK.code();
            } catch (IOException e) {
                return fail(err, input == null ? output : input, e);
            } finally {
                if (rawCh != null) {
                    try {
                        rawCh.close();
                    } catch (IOException ignored) {
                        // read-only channel: nothing to lose
                    }
                }
            }
        }

        private JsonNode model(String productType) {
            try (InputStream in = FfuCommand.class.getResourceAsStream("/dev/lumiaagent/sim/models.json")) {
                if (in == null) {
                    throw new IllegalStateException("models.json missing from the classpath");
                }
                JsonNode models = JSON.readTree(in).path("models");
                List<String> known = new ArrayList<>();
                for (JsonNode m : models) {
                    known.add(m.path("productType").asText());
                    if (m.path("productType").asText().equalsIgnoreCase(productType)) {
                        return m;
                    }
                }
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown model " + productType + "; known: " + String.join(", ", known));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read models.json", e);
            }
        }

        private long parseSize(String s) {
            String t = s.strip().toUpperCase(Locale.ROOT);
            long mul = 1;
            if (t.endsWith("IB")) {
                t = t.substring(0, t.length() - 2);
            } else if (t.endsWith("B")) {
                t = t.substring(0, t.length() - 1);
            }
            if (t.endsWith("K")) {
                mul = 1L << 10;
            } else if (t.endsWith("M")) {
                mul = 1L << 20;
            } else if (t.endsWith("G")) {
                mul = 1L << 30;
            }
            if (mul != 1) {
                t = t.substring(0, t.length() - 1);
            }
            try {
                long v = Long.parseLong(t);
                if (v <= 0 || v > (1L << 42) / mul) {
                    throw new NumberFormatException();
                }
                return v * mul;
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--demo " + s + ": not a size like 64M or 1G");
            }
        }
    }

    static String human(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        if (bytes >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return bytes + " B";
    }
}
