package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory where a file is expected is named as a directory, with what the option takes instead. */
class DirectoryForAFileTest {
    @TempDir
    Path dir;

    @Test
    void reflashFfuDirectory() throws Exception {
        Files.write(dir.resolve("RM-914_demo.ffu"), new byte[0]);
        CliRunner.Result r = CliRunner.run("reflash", "--simulate", "1", "--ffu", dir.toString(), "--yes");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("error: " + dir + " is a directory, not an FFU file: --ffu takes one .ffu file (in it: RM-914_demo.ffu).")
                .doesNotContain("not found");
    }

    @Test
    void hardResetFfuDirectoryPointsToTheLibraryOption() {
        CliRunner.Result r = CliRunner.run("hard-reset", "--simulate", "1", "--ffu", dir.toString(), "--yes");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("error: " + dir + " is a directory, not an FFU file: --ffu takes one .ffu file;")
                .contains("use --firmware-dir " + dir + " instead");
    }

    @Test
    void batchFfuDirectory() {
        CliRunner.Result r = CliRunner.run("batch", "reflash", "--simulate", "1", "--ffu", dir.toString(), "--yes");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains(dir + " is a directory, not an FFU file").contains("--firmware-dir " + dir);
    }

    @Test
    void emergencyProgrammerDirectory() throws Exception {
        Path ffu = Files.write(dir.resolve("x.ffu"), new byte[0]);
        CliRunner.Result r = CliRunner.run("emergency", "--simulate", "1", "--programmer", dir.toString(), "--ffu", ffu.toString(), "--yes");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("error: " + dir + " is a directory, not a programmer file: --programmer takes one .ede file");
    }

    @Test
    void ffuInspectAndVerifyOfADirectory() {
        for (String verb : new String[] {"inspect", "verify"}) {
            CliRunner.Result r = CliRunner.run("ffu", verb, dir.toString());

            assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED.code());
            assertThat(r.err()).startsWith("error: " + dir + " is a directory, not an FFU file: give one .ffu file.")
                    .contains("next step: name the .ffu file itself.")
                    .doesNotContain("IOException");
        }
    }

    @Test
    void aMissingFileIsStillNotFound() {
        CliRunner.Result r = CliRunner.run("reflash", "--simulate", "1", "--ffu", dir.resolve("nope.ffu").toString(), "--yes");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("error: FFU file not found: " + dir.resolve("nope.ffu"));
    }
}
