package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfuCommandTest {

    @Test
    void buildFromModelThenInspectAndVerify(@TempDir Path dir) throws Exception {
        Path ffu = dir.resolve("demo.ffu");
        CliRunner.Result b = CliRunner.run("ffu", "build", "--demo", "16M", "--model", "RM-914", "-o", ffu.toString());
        assertThat(b.exitCode()).as(b.err()).isZero();
        assertThat(b.out()).contains("demo.ffu").contains("Nokia.MSM8227.P6036.1.2");
        assertThat(b.err()).doesNotContain("\r").doesNotContain("\033");

        CliRunner.Result i = CliRunner.run("ffu", "inspect", ffu.toString());
        assertThat(i.exitCode()).isZero();
        assertThat(i.out()).contains("platform IDs:    Nokia.MSM8227.P6036.1.2").contains("OS version:      10.0.10586.1176") // the RM-914 of ncsd/006 (models.json cites it)
                .contains("chunk / block:   128 KiB / 128 KiB").contains("MainOS").contains("EFIESP");

        CliRunner.Result j = CliRunner.run("ffu", "inspect", "--json", ffu.toString());
        JsonNode n = new ObjectMapper().readTree(j.out());
        assertThat(n.path("platformIds").get(0).asText()).isEqualTo("Nokia.MSM8227.P6036.1.2");
        assertThat(n.path("fileLength").asLong()).isEqualTo(Files.size(ffu));
        assertThat(n.path("chunkSize").asInt()).isEqualTo(131072);
        assertThat(n.path("partitions").size()).isEqualTo(12);

        CliRunner.Result v = CliRunner.run("ffu", "verify", ffu.toString());
        assertThat(v.exitCode()).as(v.err()).isZero();
        assertThat(v.out()).contains("ok   chunk hashes").contains("valid")
                .contains("sha256 " + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(ffu))) + "  " + ffu.getFileName());
        // piped: plain progress lines, no carriage returns or escape codes
        assertThat(v.err()).contains("verify: 100%").doesNotContain("\r").doesNotContain("\033");
    }

    /** The figures are what was written and the disk it holds, not the builder's two passes over the disk (16 MiB read twice). */
    @Test
    void buildSaysWhatItWroteAndTheDiskSize(@TempDir Path dir) throws Exception {
        Path ffu = dir.resolve("demo.ffu");
        CliRunner.Result b = CliRunner.run("ffu", "build", "--demo", "16M", "--model", "RM-914", "-o", ffu.toString());

        assertThat(b.exitCode()).as(b.err()).isZero();
        assertThat(b.out()).startsWith(ffu + ": " + FfuCommand.human(Files.size(ffu)) + " written, for a 16.0 MiB disk: ")
                .contains("all-zero blocks of 128 left out");
        assertThat(b.err()).contains("build: 0% (hashing the 16.0 MiB disk)")
                .contains("build: 100% (writing the data blocks of the 16.0 MiB disk)")
                .doesNotContain("32.0 MiB");
    }

    @Test
    void verifyNamesTheFirstBadChunkAndExitsOne(@TempDir Path dir) throws Exception {
        Path ffu = dir.resolve("x.ffu");
        assertThat(CliRunner.run("ffu", "build", "--demo", "4M", "--platform-id", "Test.MSM0000.P0000", "-o", ffu.toString()).exitCode()).isZero();
        long size = Files.size(ffu);
        long at = size - 3 * 131072 + 17; // inside a payload block near the end
        try (RandomAccessFile f = new RandomAccessFile(ffu.toFile(), "rw")) {
            f.seek(at);
            int x = f.read();
            f.seek(at);
            f.write(x ^ 0x40);
        }
        CliRunner.Result v = CliRunner.run("ffu", "verify", ffu.toString());
        assertThat(v.exitCode()).isEqualTo(1);
        long chunkOff = at / 131072 * 131072;
        assertThat(v.err()).contains(String.format("at offset 0x%x does not match the hash table", chunkOff)).contains("next step:");
        assertThat(v.out()).contains("FAIL chunk hashes");
    }

    @Test
    void buildFromRawImageRoundTrips(@TempDir Path dir) throws Exception {
        Path raw = dir.resolve("disk.img");
        byte[] disk = new byte[8 * 131072];
        for (int i = 0; i < 1000; i++) {
            disk[3 * 131072 + i] = (byte) (i + 1);
        }
        Files.write(raw, disk);
        Path ffu = dir.resolve("raw.ffu");
        CliRunner.Result b = CliRunner.run("ffu", "build", "--raw", raw.toString(), "--platform-id", "A.B.C", "-o", ffu.toString());
        assertThat(b.exitCode()).as(b.err()).isZero();
        assertThat(b.out()).contains("5 descriptors").contains("5 all-zero blocks of 8 left out");
        assertThat(CliRunner.run("ffu", "verify", ffu.toString()).exitCode()).isZero();
    }

    @Test
    void badFilesAndBadUsage(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.ffu");
        Files.write(junk, new byte[100]);
        CliRunner.Result r = CliRunner.run("ffu", "inspect", junk.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("error: " + junk + " is not a valid FFU: security header @0x0, cbSize: 0, must be 32").contains("next step:");

        CliRunner.Result missing = CliRunner.run("ffu", "verify", dir.resolve("nope.ffu").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no such file");

        assertThat(CliRunner.run("ffu", "build", "--demo", "64M", "-o", dir.resolve("a.ffu").toString()).exitCode()).isEqualTo(2);
        CliRunner.Result unknown = CliRunner.run("ffu", "build", "--demo", "64M", "--model", "RM-1", "-o", dir.resolve("a.ffu").toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown model RM-1").contains("RM-914");
        assertThat(CliRunner.run("ffu", "build", "--demo", "lots", "--model", "RM-914", "-o", dir.resolve("a.ffu").toString()).exitCode()).isEqualTo(2);
        assertThat(CliRunner.run("ffu", "build", "--demo", "1M", "--model", "RM-914", "-o", dir.resolve("a.ffu").toString()).exitCode()).isEqualTo(2);
        assertThat(CliRunner.run("ffu", "build", "--demo", "4M", "--raw", junk.toString(), "--model", "RM-914", "-o", "x").exitCode()).isEqualTo(2);
    }
}
