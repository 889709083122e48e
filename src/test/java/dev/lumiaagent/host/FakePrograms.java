package dev.lumiaagent.host;

import dev.lumiaagent.exec.Exec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * Fake host programs in a directory that is the whole PATH of an {@link Exec}: each records its argument list, one
 * line per call, to {@code calls.log} and then answers as its shell body says (the real programs' texts and exit codes
 * are in notes-18, quoted where each test uses them). The PATH holds nothing else, so a program the test did not fake
 * is MISSING, never the machine's real one.
 */
final class FakePrograms {
    private final Path bin;
    private final Path log;

    FakePrograms(Path dir) {
        this.bin = dir.resolve("bin");
        this.log = dir.resolve("calls.log");
        try {
            Files.createDirectories(bin);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A program whose answer is {@code body} (POSIX sh, builtins and absolute paths only: PATH is just the fakes). */
    FakePrograms program(String name, String body) {
        String script = "#!/bin/sh\n"
                + "{ printf '%s' '" + name + "'; for a in \"$@\"; do printf ' %s' \"$a\"; done; echo; } >> '" + log + "'\n"
                + body + "\n";
        Path p = bin.resolve(name);
        try {
            Files.writeString(p, script, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A program that prints {@code stdout} and {@code stderr} (each may be empty) and exits {@code rc}. */
    FakePrograms answering(String name, String stdout, String stderr, int rc) {
        return program(name, print(stdout, "1") + print(stderr, "2") + "exit " + rc);
    }

    /** A program that never answers (its run ends at the caller's timeout). */
    FakePrograms hanging(String name) {
        return program(name, "exec /bin/sleep 30");
    }

    private static String print(String text, String fd) {
        if (text.isEmpty()) {
            return "";
        }
        return "/bin/cat >&" + fd + " <<'FAKE_EOF'\n" + text + "\nFAKE_EOF\n";
    }

    Exec exec() {
        return Exec.withEnvironment(Map.of("PATH", bin.toString()));
    }

    /** Every call so far, in order, as "program arg arg". */
    List<String> calls() {
        try {
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
