package dev.lumiaagent.job;

import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.image.ffu.FfuVerification;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The firmware files of one bench run, each checked once however many phones use it: the file's SHA-256
 * (for the records) and, for an FFU, the verification of every chunk against its hash table (one read of
 * the file gives both). A file that
 * changes on disk during the run (size or modification time) is checked again.
 */
public final class FirmwareFiles {

    /** A checked file: its SHA-256, and for an FFU its verification (empty for other files). */
    public record Checked(Path path, String sha256, Optional<FfuVerification> verification, Instant checkedAt) {
        public String name() {
            return path.getFileName().toString();
        }
    }

    private record Key(Path path, long size, FileTime modified) {
    }

    private final Map<Key, Checked> checked = new ConcurrentHashMap<>();
    private final Map<Path, Object> locks = new ConcurrentHashMap<>();
    private final Consumer<String> notes;

    /** @param notes where to say that a file is being checked (a long read for a large FFU) */
    public FirmwareFiles(Consumer<String> notes) {
        this.notes = notes;
    }

    /** The FFU's SHA-256 and chunk verification, computed on first use. */
    public Checked ffu(Path file) throws IOException {
        return check(file, true);
    }

    /** Any other file (a programmer): its SHA-256, computed on first use. */
    public Checked file(Path file) throws IOException {
        return check(file, false);
    }

    private Checked check(Path file, boolean ffu) throws IOException {
        Path p = file.toAbsolutePath().normalize();
        synchronized (locks.computeIfAbsent(p, k -> new Object())) {
            Key key = new Key(p, Files.size(p), Files.getLastModifiedTime(p));
            Checked c = checked.get(key);
            if (c != null) {
                return c;
            }
            notes.accept("checking " + p.getFileName() + " (" + (key.size() >> 20) + " MiB) once for every phone of this run");
            if (ffu) {
                // One read of the file: the verification also takes the whole file's SHA-256.
                try (FfuFile f = FfuFile.open(p)) {
                    FfuVerification v = f.verify((done, total) -> { });
                    c = new Checked(p, v.fileSha256(), Optional.of(v), Instant.now());
                }
            } else {
                c = new Checked(p, sha256(p), Optional.empty(), Instant.now());
            }
            checked.put(key, c);
            return c;
        }
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 20];
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            while (in.read(buf) >= 0) {
                // digesting
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
