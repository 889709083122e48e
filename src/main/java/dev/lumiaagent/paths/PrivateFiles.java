package dev.lumiaagent.paths;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The agent's data is private by default: job files, job logs, protocol traces, captures, the SQLite
 * record store and diagnostics bundles name phones (IMEI, serial) and the people who ran them. On a POSIX
 * file system every directory this class creates is {@code 0700} and every file {@code 0600}, set at
 * creation (the mode is passed to {@code mkdir}/{@code open}; a umask can only narrow it), never by a chmod
 * afterwards, so there is no moment in which another user could open them.
 *
 * <p>What already exists is left as it is: a jobs directory someone shared on purpose (group-readable,
 * for a team) stays shared. On a file system without POSIX permissions (Windows, FAT) the modes are
 * skipped silently: there the user's profile directory is what keeps the data private.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** True when {@code p}'s file system has POSIX permissions. */
    public static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<?>[] attributes(Path p, Set<PosixFilePermission> mode) {
        return posix(p) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
    }

    /** {@link Files#createDirectories}, with every directory it creates {@code 0700}. */
    public static Path createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        return Files.createDirectories(dir, attributes(dir, DIRECTORY));
    }

    /** {@link Files#createTempFile(Path, String, String, FileAttribute[])} with mode {@code 0600}, for an atomic write. */
    public static Path createTempFile(Path dir, String prefix, String suffix) throws IOException {
        return Files.createTempFile(dir, prefix, suffix, attributes(dir, FILE));
    }

    /**
     * Creates {@code file} empty with mode {@code 0600} when it is not there (its parent directories
     * {@code 0700}); an existing file is left as it is. Returns {@code file}.
     */
    public static Path createFile(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createFile(file, attributes(file, FILE));
        } catch (FileAlreadyExistsException e) {
            // an existing file keeps its mode
        }
        return file;
    }

    /**
     * A {@link FileOutputStream} (not an interruptible channel: an interrupted worker must not close a
     * shared log) on {@code file}, created {@code 0600} first when it is new.
     */
    public static OutputStream newOutputStream(Path file, boolean append) throws IOException {
        createFile(file);
        return new FileOutputStream(file.toFile(), append);
    }

    /** Writes {@code bytes} to a new or replaced {@code file} created {@code 0600} (a small note, not a journal). */
    public static void write(Path file, byte[] bytes) throws IOException {
        try (OutputStream out = newOutputStream(file, false)) {
            out.write(bytes);
        }
    }
}
