package dev.lumiaagent.paths;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Modes at creation, on this (POSIX) machine; elsewhere the modes are skipped and the test has nothing to check. */
class PrivateFilesTest {
    @TempDir
    Path dir;

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @BeforeEach
    void posixOnly() {
        dev.lumiaagent.testing.RequiredTool.require("a POSIX file system", PrivateFiles.posix(dir), "run on Linux or macOS");
    }

    @Test
    void directoriesItCreatesAre0700AndExistingOnesAreLeftAlone() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        Path deep = shared.resolve("a/b/c");
        PrivateFiles.createDirectories(deep);
        assertThat(mode(shared.resolve("a"))).isEqualTo("rwx------");
        assertThat(mode(deep)).isEqualTo("rwx------");
        assertThat(mode(shared)).isEqualTo("rwxr-x---"); // shared on purpose: kept
    }

    @Test
    void filesAre0600FromTheStart() throws Exception {
        Path f = PrivateFiles.createFile(dir.resolve("new/job.log"));
        assertThat(mode(f)).isEqualTo("rw-------");
        assertThat(mode(f.getParent())).isEqualTo("rwx------");
        try (OutputStream out = PrivateFiles.newOutputStream(dir.resolve("trace.txt"), true)) {
            out.write('x');
        }
        assertThat(mode(dir.resolve("trace.txt"))).isEqualTo("rw-------");
        assertThat(mode(PrivateFiles.createTempFile(dir, ".job.", ".tmp"))).isEqualTo("rw-------");
        PrivateFiles.write(dir.resolve("note.txt"), new byte[] {1});
        assertThat(mode(dir.resolve("note.txt"))).isEqualTo("rw-------");
    }

    @Test
    void anExistingFileKeepsItsModeAndContent() throws Exception {
        Path f = Files.writeString(dir.resolve("old.log"), "kept\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        try (OutputStream out = PrivateFiles.newOutputStream(f, true)) {
            out.write("more\n".getBytes());
        }
        assertThat(mode(f)).isEqualTo("rw-r-----");
        assertThat(Files.readString(f)).isEqualTo("kept\nmore\n");
    }
}
