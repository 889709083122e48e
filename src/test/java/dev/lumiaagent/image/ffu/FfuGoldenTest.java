package dev.lumiaagent.image.ffu;

import static dev.lumiaagent.image.ffu.FfuTestImages.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worked example of ffu-format §7 and the real values of §5, in both directions. */
class FfuGoldenTest {
    static final int C = 0x20000;
    static final String ID = "Test.MSM0000.P0000";

    /** §7 layout: a 4-block disk whose block 1 holds data gives exactly the example's 5 descriptors and 1 MiB file. */
    static byte[] example() throws Exception {
        byte[] disk = new byte[4 * C];
        pattern(disk, C, C, 1);
        return build(new FfuBuilder().platformId(ID).osVersion("10.0.15063.0"), disk(disk));
    }

    @Test
    void builderPutsEveryFieldAtItsDocumentedOffset() throws Exception {
        byte[] f = example();
        assertThat(f.length).isEqualTo(0x100000);
        // security header (§1.1)
        assertThat(hex(f, 0, 4)).isEqualTo("20000000");
        assertThat(new String(f, 4, 12, StandardCharsets.US_ASCII)).isEqualTo("SignedImage ");
        assertThat(hex(f, 0x10, 8)).isEqualTo("800000000c800000");
        long catalogSize = u32(f, 0x18);
        assertThat(u32(f, 0x1C)).isEqualTo(224); // 7 chunks × 32
        // hash table right after the catalog: entry 0 = SHA-256 of chunk @0x20000
        int ht = 0x20 + (int) catalogSize;
        assertThat(hex(f, ht, 32)).isEqualTo(hex(MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOfRange(f, 0x20000, 0x40000)), 0, 32));
        // catalog member digest = SHA-1(hash table)
        Catalog cat = Catalog.parse(java.util.Arrays.copyOfRange(f, 0x20, ht));
        assertThat(cat.hashTableDigest().orElseThrow()).isEqualTo(MessageDigest.getInstance("SHA-1").digest(java.util.Arrays.copyOfRange(f, ht, ht + 224)));
        // image header (§1.4) at 0x20000
        assertThat(hex(f, 0x20000, 4)).isEqualTo("18000000");
        assertThat(new String(f, 0x20004, 12, StandardCharsets.US_ASCII)).isEqualTo("ImageFlash  ");
        long ml = u32(f, 0x20010);
        assertThat(u32(f, 0x20014)).isEqualTo(128);
        String manifest = new String(f, 0x20018, (int) ml, StandardCharsets.US_ASCII);
        assertThat(manifest).startsWith("[FullFlash]\r\nVersion = 2.0\r\n").contains("DevicePlatformId0 = " + ID + "\r\n")
                .contains("[Store]\r\nSectorSize = 512\r\n");
        // store header (§1.6) at 0x40000
        int s = 0x40000;
        assertThat(hex(f, s, 12)).isEqualTo("00000000" + "0100" + "0000" + "0200" + "0000");
        assertThat(new String(f, s + 0x0C, ID.length(), StandardCharsets.US_ASCII)).isEqualTo(ID);
        assertThat(f[s + 0x0C + ID.length()]).isZero();
        assertThat(hex(f, s + 0xCC, 4)).isEqualTo("00000200");
        long[] fields = new long[10];
        for (int i = 0; i < 10; i++) {
            fields[i] = u32(f, s + 0xD0 + 4 * i);
        }
        assertThat(fields).containsExactly(5, 88, 0, 0, 0, 1, 2, 1, 3, 2);
        // descriptors D0 {(0,0),(2,0)}, D1 {(0,1)}, D2 {(0,0)}, D3 {(0,0)}, D4 {(2,0)} = 88 bytes
        assertThat(hex(f, s + 0xF8, 88)).isEqualTo(
                "02000000" + "01000000" + "0000000000000000" + "0200000000000000"
                + "01000000" + "01000000" + "0000000001000000"
                + "01000000" + "01000000" + "0000000000000000"
                + "01000000" + "01000000" + "0000000000000000"
                + "01000000" + "01000000" + "0200000000000000");
        // payload @0x60000: D0 zero, D1 = disk block 1
        assertThat(java.util.Arrays.copyOfRange(f, 0x60000, 0x80000)).containsOnly(0);
        assertThat(f[0x80000]).isNotZero();
    }

    @Test
    void parserReadsTheExampleBack() throws Exception {
        FfuImage img = parse(example());
        assertThat(img.security()).isEqualTo(new SecurityHeader(32, "SignedImage ", 128, 0x800C, img.security().catalogSize(), 224));
        assertThat(img.imageOffset()).isEqualTo(0x20000);
        assertThat(img.storeOffset()).isEqualTo(0x40000);
        assertThat(img.payloadOffset()).isEqualTo(0x60000);
        assertThat(img.expectedFileLength()).isEqualTo(0x100000);
        assertThat(img.chunkCount()).isEqualTo(7);
        assertThat(img.headerChunkCount()).isEqualTo(2);
        assertThat(img.imageHeader()).isEqualTo(new ImageHeader(24, "ImageFlash  ", img.imageHeader().manifestLength(), 128));
        StoreHeader st = img.store();
        assertThat(st).isEqualTo(new StoreHeader(0, 1, 0, 2, 0, List.of(ID), 0x20000, 5, 88, 0, 0, 0, 1, 2, 1, 3, 2));
        assertThat(img.descriptors()).containsExactly(
                new WriteDescriptor(1, List.of(DiskLocation.begin(0), DiskLocation.end(0)), 0),
                new WriteDescriptor(1, List.of(DiskLocation.begin(1)), 1),
                new WriteDescriptor(1, List.of(DiskLocation.begin(0)), 2),
                new WriteDescriptor(1, List.of(DiskLocation.begin(0)), 3),
                new WriteDescriptor(1, List.of(DiskLocation.end(0)), 4));
        assertThat(img.manifest().version()).contains("2.0");
        assertThat(img.manifest().osVersion()).contains("10.0.15063.0");
        assertThat(img.manifest().platformIds()).containsExactly(ID);
        assertThat(img.manifest().sectorSize()).hasValue(512);
        assertThat(img.catalog().digestAlgorithm()).contains("SHA-1");
        assertThat(img.toString()).contains("STORE_HEADER UpdateType=0 version=1.0 FullFlash=2.0 PlatformId=[" + ID + "]")
                .contains("D0 BLOCK_DATA_ENTRY payload[0] -> [BEGIN+0, END-0]");
        FfuVerification v = verify(example());
        assertThat(v.valid()).as(v.toString()).isTrue();
        assertThat(v.chunksChecked()).isEqualTo(7);
    }

    /** The §7 example written by hand (not by the builder), with a dummy 328-byte DER catalog as the reference allows. */
    @Test
    void handWrittenExampleParsesAndOnlyTheCatalogCheckFails() throws Exception {
        byte[] f = new byte[0x100000];
        put32(f, 0, 32);
        System.arraycopy("SignedImage ".getBytes(StandardCharsets.US_ASCII), 0, f, 4, 12);
        put32(f, 0x10, 128);
        put32(f, 0x14, 0x800C);
        put32(f, 0x18, 328);
        put32(f, 0x1C, 224);
        f[0x20] = 0x04; // OCTET STRING of 324 bytes: a DER blob with no member digest
        f[0x21] = (byte) 0x82;
        f[0x22] = 0x01;
        f[0x23] = 0x44;
        String man = "[FullFlash]\r\nVersion = 2.0\r\nOSVersion = 10.0.10586.0\r\nDevicePlatformId0 = " + ID
                + "\r\n\r\n[Store]\r\nSectorSize = 512\r\nMinSectorCount = 65536\r\n";
        put32(f, 0x20000, 24);
        System.arraycopy("ImageFlash  ".getBytes(StandardCharsets.US_ASCII), 0, f, 0x20004, 12);
        put32(f, 0x20010, man.length());
        put32(f, 0x20014, 128);
        System.arraycopy(man.getBytes(StandardCharsets.US_ASCII), 0, f, 0x20018, man.length());
        int s = 0x40000;
        f[s + 4] = 1;
        f[s + 8] = 2;
        System.arraycopy(ID.getBytes(StandardCharsets.US_ASCII), 0, f, s + 0x0C, ID.length());
        long[] st = {0x20000, 5, 88, 0, 0, 0, 1, 2, 1, 3, 2};
        for (int i = 0; i < st.length; i++) {
            put32(f, s + 0xCC + 4 * i, st[i]);
        }
        long[][] d = {{2, 1, 0, 0, 2, 0}, {1, 1, 0, 1}, {1, 1, 0, 0}, {1, 1, 0, 0}, {1, 1, 2, 0}};
        int p = s + 0xF8;
        for (long[] e : d) {
            for (long x : e) {
                put32(f, p, x);
                p += 4;
            }
        }
        for (int b = 1; b < 5; b++) {
            pattern(f, 0x60000 + b * C, C, b);
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 7; i++) {
            System.arraycopy(sha.digest(java.util.Arrays.copyOfRange(f, 0x20000 + i * C, 0x40000 + i * C)), 0, f, 0x168 + 32 * i, 32);
        }
        FfuImage img = parse(f);
        assertThat(img.payloadOffset()).isEqualTo(0x60000);
        assertThat(img.manifest().minSectorCount()).hasValue(65536);
        assertThat(img.catalog().problem()).isPresent();
        FfuVerification v = verify(f);
        assertThat(v.failures()).extracting(FfuVerification.Check::name).containsExactly("catalog");
        assertThat(v.firstBadChunk()).isEqualTo(-1);
    }

    @Test
    void knownRealValuesOfSection5() throws Exception {
        byte[] disk = new byte[32 * C];
        pattern(disk, 5 * C, 3 * C, 2);
        byte[] f = build(new FfuBuilder().platformId("Nokia.MSM8926.P6164.1.1"), disk(disk));
        FfuImage img = parse(f);
        assertThat(img.security().cbSize()).isEqualTo(32);
        assertThat(img.imageHeader().cbSize()).isEqualTo(24);
        assertThat(img.security().chunkSizeInKb()).isEqualTo(128);
        assertThat(img.security().algId()).isEqualTo(0x800C);
        assertThat(img.store().blockSizeInBytes()).isEqualTo(0x20000);
        assertThat(img.store().updateType()).isZero();
        assertThat(img.manifest().sectorSize()).hasValue(512);
        // 256 B of hash table per MiB of headers + payload
        assertThat(img.security().hashTableSize() * 1024 * 1024 / (img.expectedFileLength() - img.imageOffset())).isEqualTo(256);
    }

    @Test
    void errorsNameOffsetStructureAndField() throws Exception {
        byte[] f = example();
        put32(f, 0x40000 + 0xD0, 3);
        put32(f, 0x40000 + 0xD4, 12);
        assertThatThrownBy(() -> parse(f)).isInstanceOf(FfuFormatException.class)
                .hasMessage("store header @0x40000, WriteDescriptorLength: 12 bytes cannot hold 3 descriptors")
                .satisfies(e -> {
                    FfuFormatException x = (FfuFormatException) e;
                    assertThat(x.offset()).isEqualTo(0x40000);
                    assertThat(x.structure()).isEqualTo("store header");
                    assertThat(x.field()).isEqualTo("WriteDescriptorLength");
                });
        byte[] g = example();
        put32(g, 0x1C, 0x7FFF_FFE0L);
        assertThatThrownBy(() -> parse(g)).hasMessageStartingWith("security header @0x0, HashTableSize:");
        byte[] h = example();
        put32(h, 0x40000 + 0xF8 + 8, 1); // DISK_SEQ
        assertThatThrownBy(() -> parse(h)).hasMessageContaining("write descriptor 0 @0x400f8, DiskAccessMethod[0]: 1 is neither");
        byte[] k = example();
        put32(k, 0x40000 + 0xCC, 0x10000);
        assertThatThrownBy(() -> parse(k)).hasMessageContaining("BlockSizeInBytes");
    }

    @Test
    void v2AndCompressedStoresAreRefusedByName() throws Exception {
        byte[] f = example();
        f[0x40004] = 2;
        assertThatThrownBy(() -> parse(f)).isInstanceOfSatisfying(FfuUnsupportedException.class,
                e -> assertThat(e.kind()).isEqualTo(FfuUnsupportedException.Kind.V2_STORE));
        byte[] g = example();
        g[0x40008] = 3;
        assertThatThrownBy(() -> parse(g)).isInstanceOfSatisfying(FfuUnsupportedException.class,
                e -> assertThat(e.kind()).isEqualTo(FfuUnsupportedException.Kind.V1_COMPRESSED));
        byte[] h = example();
        h[0x40000] = 1;
        assertThatThrownBy(() -> parse(h)).isInstanceOfSatisfying(FfuUnsupportedException.class,
                e -> assertThat(e.kind()).isEqualTo(FfuUnsupportedException.Kind.PARTIAL_UPDATE));
    }

    @Test
    void combinedHeaderIsWhatTheFlashAppParses() throws Exception {
        byte[] f = example();
        try (FfuFile ffu = FfuFile.of(new ByteArrayChannel(f))) {
            ByteBuffer header = ffu.combinedHeader();
            assertThat(header.remaining()).isEqualTo(0x60000);
            FfuImage onPhone = FfuParser.parseCombinedHeader(header);
            assertThat(onPhone.descriptors()).isEqualTo(ffu.image().descriptors());
            assertThat(onPhone.hashTable().bytes()).isEqualTo(ffu.image().hashTable().bytes());
            // the phone places the payload as it arrives, one chunk per message, checking each hash
            SparseDisk emmc = new SparseDisk(4L * C);
            PayloadPlacer placer = new PayloadPlacer(onPhone, 4, emmc, true);
            PayloadReader r = ffu.payloadChunks();
            int n = 0;
            PayloadPlacer.Status s = null;
            while (r.hasNext()) {
                PayloadPiece p = r.next();
                assertThat(p.payloadBlock()).isEqualTo(n);
                assertThat(p.chunkIndex()).isEqualTo(2 + n);
                assertThat(p.fileOffset()).isEqualTo(0x60000L + (long) n * C);
                s = placer.accept(p.data());
                n++;
            }
            assertThat(n).isEqualTo(5);
            assertThat(s).isEqualTo(PayloadPlacer.Status.COMPLETE);
            assertThat(placer.accept(ByteBuffer.wrap(new byte[1]))).isEqualTo(PayloadPlacer.Status.TOO_MUCH_PAYLOAD);
            byte[] disk = new byte[4 * C];
            pattern(disk, C, C, 1);
            assertThat(emmc.sha256()).isEqualTo(sha256(disk));
        }
        byte[] extra = java.util.Arrays.copyOf(f, 0x60001);
        assertThatThrownBy(() -> FfuParser.parseCombinedHeader(ByteBuffer.wrap(extra))).isInstanceOf(FfuFormatException.class)
                .hasMessageContaining("combined header");
    }

    @Test
    void thePhoneRefusesATamperedChunkAndWritesNothingOfIt() throws Exception {
        byte[] f = example();
        f[0x80000 + 5] ^= 1;
        FfuImage img = FfuParser.parseCombinedHeader(ByteBuffer.wrap(f, 0, 0x60000));
        SparseDisk emmc = new SparseDisk(4L * C);
        PayloadPlacer placer = new PayloadPlacer(img, 4, emmc, true);
        PayloadPlacer.Status s = placer.accept(ByteBuffer.wrap(f, 0x60000, 0x100000 - 0x60000));
        assertThat(s).isEqualTo(PayloadPlacer.Status.HASH_MISMATCH);
        assertThat(placer.blocksPlaced()).isEqualTo(1);
        assertThat(placer.problem().orElseThrow()).contains("payload block 1 (chunk 3 @0x80000)");
        assertThat(emmc.storedBlocks()).isZero();
    }

    @Test
    void platformPrefixRule() throws Exception {
        FfuImage img = parse(build(new FfuBuilder().platformIds(List.of("Nokia.MSM8926.P6164", "Nokia.MSM8227.P6036.1.2")),
                disk(new byte[4 * C])));
        assertThat(img.platformIds()).containsExactly("Nokia.MSM8926.P6164", "Nokia.MSM8227.P6036.1.2");
        assertThat(img.platformMatches("Nokia.MSM8926.P6164.1.1")).isTrue();
        assertThat(img.platformMatches("nokia.msm8926.p6164.1.1 ")).isTrue();
        assertThat(img.platformMatches("Nokia.MSM8227.P6036.1.2")).isTrue();
        assertThat(img.platformMatches("Nokia.MSM8926.P61640")).isFalse();
        assertThat(img.platformMatches("Nokia.MSM8227.P6036.1")).isFalse();
        assertThat(img.platformMatches("Microsoft.MSM8992.P6218.1.0")).isFalse();
        assertThat(img.platformMatches("")).isFalse();
        assertThat(FfuImage.platformMatches(List.of("Nokia.MSM8926.P616"), "Nokia.MSM8926.P6164.1.1")).isFalse();
    }

    @Test
    void verifierFindsNonZeroPaddingAndTruncation() throws Exception {
        byte[] f = example();
        f[0x40000 + 0xF8 + 88 + 10] = 7; // store-region padding (hashed: chunk 1 also fails)
        FfuVerification v = verify(f);
        assertThat(v.failures()).extracting(FfuVerification.Check::name).containsExactly("padding", "chunk hashes");
        assertThat(v.firstBadChunk()).isEqualTo(1);
        assertThat(v.firstBadChunkOffset()).isEqualTo(0x40000);

        byte[] t = java.util.Arrays.copyOf(example(), 0x100000 - 0x30000);
        FfuVerification tv = verify(t);
        assertThat(tv.failures()).extracting(FfuVerification.Check::name).containsExactly("file length", "chunk hashes");
        assertThat(tv.firstBadChunk()).isEqualTo(5);
        assertThat(tv.badChunks()).isEqualTo(2);
        assertThatThrownBy(() -> RawImage.reconstruct(new ByteArrayChannel(t), parse(t), 4, new SparseDisk(4L * C), false, FfuProgress.NONE))
                .isInstanceOf(FfuFormatException.class).hasMessageContaining("payload");
    }
}
