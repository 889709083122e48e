package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code emergency --rawprogram}: a set naming files outside its images directory is refused by name. */
class RawProgramCommandTest {
    private static String rawprogram(String filename) {
        return "<?xml version=\"1.0\" ?>\n<data>\n  <program SECTOR_SIZE_IN_BYTES=\"512\" file_sector_offset=\"0\" filename=\""
                + filename + "\" label=\"boot\" num_partition_sectors=\"1\" physical_partition_number=\"0\" sparse=\"false\""
                + " start_sector=\"0\"/>\n</data>\n";
    }

    @Test
    void aRawprogramReachingOutOfItsImagesDirectoryIsRefused(@TempDir Path dir) throws Exception {
        Path ede = dir.resolve("RM-1073.ede");
        assertThat(CliRunner.run("simulate", "programmer", "--model", "RM-1073", "-o", ede.toString()).exitCode()).isZero();
        Path bench = Files.writeString(dir.resolve("edl.json"), "{\"phones\": [{\"port\": \"1-2\", \"model\": \"RM-1073\", \"mode\": \"edl\"}]}");
        Path images = Files.createDirectories(dir.resolve("images"));

        for (String name : new String[] {"../RM-1073.ede", "/etc/hostname"}) {
            Path raw = Files.writeString(images.resolve("rawprogram0.xml"), rawprogram(name));
            CliRunner.Result r = CliRunner.run("emergency", "--bench", bench.toString(), "--programmer", ede.toString(),
                    "--rawprogram", raw.toString(), "--images", images.toString(), "--yes", "--sim-speed", "200");
            assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCode.USAGE.code());
            assertThat(r.err()).contains("rawprogram0.xml #1").contains(name).contains("only files inside the images directory");
        }

        Files.createSymbolicLink(images.resolve("boot.img"), ede);
        Path raw = Files.writeString(images.resolve("rawprogram0.xml"), rawprogram("boot.img"));
        CliRunner.Result r = CliRunner.run("emergency", "--bench", bench.toString(), "--programmer", ede.toString(),
                "--rawprogram", raw.toString(), "--images", images.toString(), "--yes", "--sim-speed", "200");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCode.FAILED.code());
        assertThat(r.out() + r.err()).contains("RAWPROGRAM_INVALID").contains("boot.img").contains("Nothing was written");
    }
}
