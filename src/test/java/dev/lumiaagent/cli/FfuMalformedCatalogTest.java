package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * An otherwise valid FFU whose catalog is DER of the wrong shape (the two crash inputs of
 * image/ffu/CatalogMalformedTest): `ffu inspect` shows the headers and names the catalog's problem,
 * `ffu verify` fails the catalog check with an {@code error:} line and exit 1; neither ends in
 * "unexpected failure: java.lang…".
 */
class FfuMalformedCatalogTest {

    @ParameterizedTest
    @ValueSource(strings = {"300f06092a864886f70d010702a0023000",
        "303106092a864886f70d010702a02430220201013100301b06092b0601040182370a01300e060a2b0601040182370201043100"})
    void inspectNamesTheCatalogProblemAndVerifyFailsByName(String catalogHex, @TempDir Path dir) throws Exception {
        Path ffu = dir.resolve("x.ffu");
        assertThat(CliRunner.run("ffu", "build", "--demo", "4M", "--platform-id", "Test.MSM0000.P0000", "-o", ffu.toString()).exitCode()).isZero();
        Files.write(ffu, withCatalog(Files.readAllBytes(ffu), HexFormat.of().parseHex(catalogHex)));

        CliRunner.Result i = CliRunner.run("ffu", "inspect", ffu.toString());
        assertThat(i.err()).doesNotContain("unexpected failure").doesNotContain("java.lang");
        assertThat(i.exitCode()).as(i.err()).isEqualTo(ExitCode.OK.code());
        assertThat(i.out()).containsPattern("catalog: +" + catalogHex.length() / 2 + " bytes, unsigned, \\S");

        CliRunner.Result v = CliRunner.run("ffu", "verify", ffu.toString());
        assertThat(v.err()).doesNotContain("unexpected failure").doesNotContain("java.lang");
        assertThat(v.exitCode()).isEqualTo(ExitCode.FAILED.code());
        assertThat(v.err()).contains("error: " + ffu + ": FAIL catalog: no hash-table digest found: ").contains("next step:");
        assertThat(v.out()).contains("ok   chunk hashes").contains("FAIL catalog");
    }

    /** The FFU with its catalog replaced (CatalogSize updated, the hash table moved up behind it). */
    static byte[] withCatalog(byte[] ffu, byte[] catalog) {
        ByteBuffer le = ByteBuffer.wrap(ffu).order(ByteOrder.LITTLE_ENDIAN);
        int c = le.getInt(0x10) * 1024;
        int oldCat = le.getInt(0x18);
        int ht = le.getInt(0x1C);
        int imageOff = (32 + oldCat + ht + c - 1) / c * c;
        byte[] f = ffu.clone();
        byte[] table = Arrays.copyOfRange(ffu, 32 + oldCat, 32 + oldCat + ht);
        Arrays.fill(f, 32, imageOff, (byte) 0);
        System.arraycopy(catalog, 0, f, 32, catalog.length);
        System.arraycopy(table, 0, f, 32 + catalog.length, ht);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(0x18, catalog.length);
        return f;
    }
}
