package dev.lumiaagent.protocol.firehose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Keeps the {@code filename} of a rawprogram / patch entry inside the images directory. A rawprogram
 * set is data someone else wrote (a forum download, a dump from another tool): {@code ../../x} or
 * {@code /etc/shadow} must not make this agent send a host file to a phone's disk. Two checks:
 * {@link #lexicalProblem} when the XML is parsed (no I/O: no absolute path, no drive letter, no
 * {@code ..} segment, in either separator, since QFIL files are written on Windows), and
 * {@link #resolve} before a file is read (real paths: a symlink inside the directory that leads out of
 * it is refused too).
 */
public final class ImageFileNames {
    private ImageFileNames() {
    }

    /** Why {@code filename} may not be used, or null when it is a plain relative name. */
    public static String lexicalProblem(String filename) {
        if (filename.isEmpty()) {
            return null;
        }
        if (filename.indexOf('\0') >= 0) {
            return "contains a NUL character";
        }
        if (filename.startsWith("/") || filename.startsWith("\\")) {
            return "is an absolute path";
        }
        if (filename.length() >= 2 && Character.isLetter(filename.charAt(0)) && filename.charAt(1) == ':') {
            return "names a drive (" + filename.substring(0, 2) + ")";
        }
        for (String segment : filename.split("[/\\\\]")) {
            if (segment.equals("..")) {
                return "has a '..' segment";
            }
        }
        return null;
    }

    /**
     * {@code filename} itself when {@link #lexicalProblem} finds none (the check when the XML is parsed).
     *
     * @throws RawProgramException ({@link RawProgramException.Kind#OUTSIDE_IMAGES}) naming the problem
     */
    public static String requirePlain(String where, String filename) {
        String problem = lexicalProblem(filename);
        if (problem != null) {
            throw outside(where, filename, problem);
        }
        return filename;
    }

    /**
     * The real path of {@code filename} inside {@code imagesDir}, after following every symlink.
     *
     * @throws RawProgramException ({@link RawProgramException.Kind#OUTSIDE_IMAGES}) when the name, or the
     *                             file it leads to, is outside the images directory
     * @throws IOException         when the file does not exist or cannot be resolved
     */
    public static Path resolve(Path imagesDir, String where, String filename) throws IOException {
        requirePlain(where, filename);
        Path candidate;
        try {
            candidate = imagesDir.resolve(filename);
        } catch (InvalidPathException e) {
            throw outside(where, filename, "is not a path on this system");
        }
        Path root = imagesDir.toRealPath();
        Path real = candidate.toRealPath();
        if (!real.startsWith(root) || real.equals(root)) {
            throw outside(where, filename, "leads to " + real + " (through a link), which is not inside " + root);
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.NoSuchFileException(filename, null, "not a regular file");
        }
        return real;
    }

    private static RawProgramException outside(String where, String filename, String problem) {
        return new RawProgramException(RawProgramException.Kind.OUTSIDE_IMAGES, where, "filename=\"" + filename + "\" " + problem
                + "; only files inside the images directory are sent to a phone");
    }
}
