package dev.lumiaagent.image.ede;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EdeParserTest {
    private static final String P6036 = "Nokia.MSM8227.P6036.1.2";

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void builtProgrammerParsesBack(boolean elf64) throws Exception {
        byte[] file = EdeBuilder.forPlatform(P6036).elf64(elf64).build();
        EdeImage img = EdeParser.parse(file);
        assertThat(img.elf().elf64()).isEqualTo(elf64);
        assertThat(img.programHeaders()).hasSize(4);
        assertThat(img.hashSegmentIndex()).isEqualTo(1);
        assertThat(img.hashSegmentHeader().flags()).isEqualTo(0x02200000L);
        assertThat(img.hashSegment().certificates()).hasSize(3);
        assertThat(img.fileSize()).isEqualTo(file.length);
        // The rule: SHA-256 of the last certificate's full DER bytes.
        byte[] root = EdeBuilder.simulatedRootCertificate(P6036);
        assertThat(img.hashSegment().rootCertificate()).isEqualTo(root);
        assertThat(img.rootKeyHash()).isEqualTo(sha256(root)).isEqualTo(EdeBuilder.simulatedRootKeyHash(P6036));
    }

    @Test
    void simulatedRootCertificateIsTheDocumentedDerSequence() {
        byte[] root = EdeBuilder.simulatedRootCertificate("X");
        String subject = "lumia-agent simulated root CA";
        // 30 LL | 0C 1D "lumia-agent simulated root CA" | 0C 0A "root-key:X", built by hand:
        StringBuilder hex = new StringBuilder();
        hex.append("30").append(String.format("%02X", 2 + subject.length() + 2 + "root-key:X".length()));
        hex.append("0C").append(String.format("%02X", subject.length()))
                .append(HexFormat.of().formatHex(subject.getBytes(StandardCharsets.UTF_8)));
        hex.append("0C0A").append(HexFormat.of().formatHex("root-key:X".getBytes(StandardCharsets.UTF_8)));
        assertThat(HexFormat.of().withUpperCase().formatHex(root)).isEqualToIgnoringCase(hex.toString());
    }

    @Test
    void differentPlatformsHaveDifferentRootKeys() {
        assertThat(EdeParser.parse(EdeBuilder.forPlatform("A").build()).rootKeyHash())
                .isNotEqualTo(EdeParser.parse(EdeBuilder.forPlatform("B").build()).rootKeyHash());
    }

    @Test
    void noCertificatePaddingAndLongSegments() {
        byte[] big = new byte[5000];
        Arrays.fill(big, (byte) 0x5A);
        EdeImage img = EdeParser.parse(EdeBuilder.forPlatform(P6036).certificatePadding(0)
                .segments(List.of(big, new byte[] {1}, new byte[] {2, 3})).build());
        assertThat(img.programHeaders()).hasSize(5);
        assertThat(img.programHeaders().get(2).filesz()).isEqualTo(5000);
    }

    @Test
    void aModifiedSegmentIsNamed() {
        byte[] file = EdeBuilder.forPlatform(P6036).build();
        EdeImage img = EdeParser.parse(file);
        int at = (int) img.programHeaders().get(2).offset() + 7;
        file[at] ^= 1;
        assertThatThrownBy(() -> EdeParser.parse(file)).isInstanceOf(EdeFormatException.class)
                .hasMessageContaining("segment 2").hasMessageContaining("hash-table entry 2");
    }

    @Test
    void namedErrors() {
        byte[] file = EdeBuilder.forPlatform(P6036).build();
        byte[] notElf = file.clone();
        notElf[1] = 'X';
        assertThatThrownBy(() -> EdeParser.parse(notElf)).isInstanceOf(EdeFormatException.class)
                .satisfies(e -> assertThat(((EdeFormatException) e).field()).isEqualTo("e_ident magic"));

        byte[] noHash = file.clone();
        // phdr[1] p_flags (ELF32: table at 0x34, entry 32 bytes, flags at +24) -> segment type 0
        noHash[0x34 + 32 + 24 + 3] = 0;
        assertThatThrownBy(() -> EdeParser.parse(noHash)).isInstanceOf(EdeFormatException.class)
                .hasMessageContaining("no hash segment");

        byte[] v5 = file.clone();
        v5[0x1000 + 4] = 5;
        assertThatThrownBy(() -> EdeParser.parse(v5)).isInstanceOf(EdeFormatException.class)
                .satisfies(e -> {
                    EdeFormatException f = (EdeFormatException) e;
                    assertThat(f.field()).isEqualTo("header_version");
                    assertThat(f.offset()).isEqualTo(0x1004);
                });

        byte[] truncated = Arrays.copyOf(file, file.length - 1);
        assertThatThrownBy(() -> EdeParser.parse(truncated)).isInstanceOf(EdeFormatException.class)
                .hasMessageContaining("past the end");
    }
}
