package dev.lumiaagent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Checks a file named on the command line, saying what is wrong with it in a person's words. */
final class FilePaths {
    private FilePaths() {
    }

    /**
     * {@code path} must be an existing regular file (an FFU, a programmer…). A directory is named as one, with
     * what the option takes: the {@code ext} files found in it, and {@code libraryOption} (e.g.
     * {@code --firmware-dir}) when the command can take a whole directory, else null.
     *
     * @throws IllegalArgumentException a usage error with that message
     */
    static void requireFile(Path path, String option, String what, String ext, String libraryOption) {
        if (Files.isRegularFile(path)) {
            return;
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(isADirectory(path, option, what, ext, libraryOption));
        }
        throw new IllegalArgumentException(what + " file not found: " + path);
    }

    /** "P is a directory, not an FFU file: --ffu takes one .ffu file (…)"; {@code option} null for an argument. */
    static String isADirectory(Path dir, String option, String what, String ext, String libraryOption) {
        StringBuilder m = new StringBuilder(dir + " is a directory, not " + article(what) + " file: "
                + (option == null ? "give one " : option + " takes one ") + ext + " file");
        List<String> inside = filesIn(dir, ext);
        if (!inside.isEmpty()) {
            m.append(" (in it: ").append(String.join(", ", inside)).append(")");
        }
        if (libraryOption != null) {
            m.append("; for a firmware library, where each phone's files are found by its product type, use "
                    + libraryOption + " " + dir + " instead");
        }
        return m.append('.').toString();
    }

    private static String article(String what) {
        return ("aeiouAEIOUF".indexOf(what.charAt(0)) >= 0 ? "an " : "a ") + what; // "an FFU", "a programmer"
    }

    /** Up to three file names ending in {@code ext} in {@code dir} (not its subdirectories), then "…". */
    private static List<String> filesIn(Path dir, String ext) {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> n.toLowerCase(Locale.ROOT).endsWith(ext)).sorted().limit(4).collect(Collectors.toList());
            if (names.size() > 3) {
                names = names.subList(0, 3);
                names.add("…");
            }
            return names;
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }
}
