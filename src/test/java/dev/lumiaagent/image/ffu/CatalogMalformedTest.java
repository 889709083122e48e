package dev.lumiaagent.image.ffu;

import static dev.lumiaagent.image.ffu.FfuTestImages.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Catalogs that are well-formed DER but not the shape of a catalog. A catalog the tool cannot read is
 * kept with its reason ({@link Catalog#problem()}) and fails the verifier's catalog check; it must never
 * throw out of the parser (found by hand before the fuzzers, issue "Step 4 of 7").
 */
class CatalogMalformedTest {
    /** SEQUENCE { signedData OID, [0] { SEQUENCE {} } }: a SignedData with no fields at all. */
    static final byte[] EMPTY_SIGNED_DATA = HexFormat.of().parseHex("300f06092a864886f70d010702a0023000");
    /**
     * SignedData { 1, SET {}, SEQUENCE { CTL OID, SEQUENCE { SPC_INDIRECT_DATA OID, SET {} } } }: the
     * indirect-data attribute holds an empty SET.
     */
    static final byte[] EMPTY_INDIRECT_DATA_SET = HexFormat.of().parseHex(
            "303106092a864886f70d010702a02430220201013100301b06092b0601040182370a01300e060a2b0601040182370201043100");

    @Test
    void signedDataWithAnEmptySequenceIsAProblemNotACrash() {
        Catalog c = Catalog.parse(EMPTY_SIGNED_DATA);
        assertThat(c.hashTableDigest()).isEmpty();
        assertThat(c.problem()).hasValueSatisfying(p -> assertThat(p).contains("SignedData"));
    }

    @Test
    void indirectDataWithAnEmptySetIsAProblemNotACrash() {
        Catalog c = Catalog.parse(EMPTY_INDIRECT_DATA_SET);
        assertThat(c.hashTableDigest()).isEmpty();
        assertThat(c.problem()).hasValue("no member with an indirect-data digest");
    }

    @Test
    void anFfuCarryingSuchACatalogParsesAndFailsOnlyTheCatalogCheck() throws Exception {
        for (byte[] cat : new byte[][] {EMPTY_SIGNED_DATA, EMPTY_INDIRECT_DATA_SET}) {
            byte[] ffu = withCatalog(validFfu(), cat);
            FfuImage img = parse(ffu);
            assertThat(img.catalog().problem()).isPresent();
            assertThat(verify(ffu).failures()).extracting(FfuVerification.Check::name).containsExactly("catalog");
        }
    }

    /** A small valid FFU (1 KiB chunks). */
    static byte[] validFfu() throws Exception {
        byte[] disk = new byte[16 * 1024];
        pattern(disk, 3 * 1024, 2 * 1024, 5);
        return build(new FfuBuilder().chunkSizeKb(1).platformId("Test.MSM0000.P0000"), disk(disk));
    }

    /**
     * {@code ffu} with its catalog replaced by {@code catalog} (CatalogSize updated, the hash table moved up
     * behind it). The image header stays where it was as long as both catalogs end in the same chunk.
     */
    static byte[] withCatalog(byte[] ffu, byte[] catalog) {
        int oldCat = (int) u32(ffu, 0x18);
        int ht = (int) u32(ffu, 0x1C);
        int c = (int) u32(ffu, 0x10) * 1024;
        int imageOff = (32 + oldCat + ht + c - 1) / c * c;
        if (32 + catalog.length + ht > imageOff) {
            throw new IllegalArgumentException("the catalog does not fit before the image header");
        }
        byte[] f = ffu.clone();
        byte[] table = Arrays.copyOfRange(ffu, 32 + oldCat, 32 + oldCat + ht);
        Arrays.fill(f, 32, imageOff, (byte) 0);
        System.arraycopy(catalog, 0, f, 32, catalog.length);
        System.arraycopy(table, 0, f, 32 + catalog.length, ht);
        put32(f, 0x18, catalog.length);
        return f;
    }
}
