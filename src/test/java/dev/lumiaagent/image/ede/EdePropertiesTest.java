package dev.lumiaagent.image.ede;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class EdePropertiesTest {
    private static final byte[] GOOD = EdeBuilder.forPlatform("Microsoft.MSM8926.P6210.1.0").build();
    private static final byte[] GOOD64 = EdeBuilder.forPlatform("Microsoft.MSM8926.P6210.1.0").elf64(true).build();

    @Property(tries = 1000)
    void garbageThrowsOnlyEdeFormatException(@ForAll("garbage") byte[] b) {
        onlyFormatError(b);
    }

    @Property(tries = 500)
    void truncationThrowsOnlyEdeFormatException(@ForAll @IntRange(min = 0, max = 100_000) int cut, @ForAll boolean is64) {
        byte[] src = is64 ? GOOD64 : GOOD;
        int len = cut % src.length; // every proper prefix
        onlyFormatError(Arrays.copyOf(src, len));
    }

    @Property(tries = 1000)
    void mutationsParseOrThrowEdeFormatException(@ForAll @IntRange(min = 0, max = 100_000) int where,
                                                 @ForAll byte value, @ForAll boolean is64) {
        byte[] b = (is64 ? GOOD64 : GOOD).clone();
        int at = where % 0x1400; // headers and hash segment, where parsing decisions are made
        b[at] = value;
        try {
            EdeImage img = EdeParser.parse(b);
            assertThat(img.hashSegment().certificates()).isNotEmpty();
        } catch (EdeFormatException expected) {
            assertThat(expected.field()).isNotBlank();
        }
    }

    @Property(tries = 200)
    void builtProgrammersRoundTrip(@ForAll("platform") String platform, @ForAll boolean is64,
                                   @ForAll @IntRange(min = 0, max = 300) int padding) {
        EdeImage img = EdeParser.parse(EdeBuilder.forPlatform(platform).elf64(is64).certificatePadding(padding).build());
        assertThat(img.rootKeyHash()).isEqualTo(EdeBuilder.simulatedRootKeyHash(platform));
    }

    private static void onlyFormatError(byte[] b) {
        try {
            EdeParser.parse(b);
        } catch (EdeFormatException expected) {
            return;
        }
        // A parse that succeeds on random bytes must at least be self-consistent.
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        Arbitrary<byte[]> elfish = random.map(r -> {
            byte[] b = Arrays.copyOf(GOOD, Math.max(0x40, r.length));
            System.arraycopy(r, 0, b, 0x10, Math.min(r.length, b.length - 0x10));
            return b;
        });
        return Arbitraries.oneOf(random, elfish);
    }

    @Provide
    Arbitrary<String> platform() {
        return Arbitraries.strings().alpha().numeric().withChars('.').ofMinLength(1).ofMaxLength(300);
    }
}
