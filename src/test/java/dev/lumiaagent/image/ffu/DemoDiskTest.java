package dev.lumiaagent.image.ffu;

import static dev.lumiaagent.image.ffu.FfuTestImages.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoDiskTest {
    static final int C = 0x20000;

    @Test
    void demoDiskHasValidPrimaryAndBackupGpts() {
        DemoDisk d = new DemoDisk(64L << 20);
        byte[] head = new byte[C];
        d.read(0, ByteBuffer.wrap(head));
        assertThat(head[510] & 0xFF).isEqualTo(0x55);
        assertThat(head[511] & 0xFF).isEqualTo(0xAA);
        assertThat(head[446 + 4] & 0xFF).isEqualTo(0xEE);
        List<Gpt.Partition> parts = Gpt.read(head).orElseThrow();
        assertThat(parts).extracting(Gpt.Partition::name).containsExactly("DPP", "MODEM_FSG", "SSD", "SBL1", "RPM", "TZ", "UEFI", "PLAT",
                "EFIESP", "MMOS", "MainOS", "Data");
        assertThat(parts).isEqualTo(d.partitions());
        for (int i = 1; i < parts.size(); i++) {
            assertThat(parts.get(i).firstLba()).isEqualTo(parts.get(i - 1).lastLba() + 1);
        }
        // backup header: last LBA, CRC over its 92 bytes, points back at LBA 1
        byte[] tail = new byte[C];
        d.read((64L << 20) - C, ByteBuffer.wrap(tail));
        int h = C - 512;
        assertThat(new String(tail, h, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("EFI PART");
        long sectors = (64L << 20) / 512;
        assertThat(u64(tail, h + 24)).isEqualTo(sectors - 1);
        assertThat(u64(tail, h + 32)).isEqualTo(1);
        byte[] hdr = java.util.Arrays.copyOfRange(tail, h, h + 92);
        long crc = u32(hdr, 16);
        put32(hdr, 16, 0);
        CRC32 c = new CRC32();
        c.update(hdr);
        assertThat(c.getValue()).isEqualTo(crc);
        // backup entries equal the primary ones
        assertThat(java.util.Arrays.copyOfRange(tail, C - 512 * 33, C - 512)).isEqualTo(java.util.Arrays.copyOfRange(head, 1024, 1024 + 16384));
        assertThat(u32(tail, h + 88)).isEqualTo(u32(head, 512 + 88));
    }

    @Test
    void demoContentIsDeterministicAndSparse() {
        DemoDisk a = new DemoDisk(32L << 20);
        DemoDisk b = new DemoDisk(32L << 20);
        byte[] x = new byte[32 << 20];
        byte[] y = new byte[32 << 20];
        a.read(0, ByteBuffer.wrap(x));
        b.read(0, ByteBuffer.wrap(y));
        assertThat(x).isEqualTo(y);
        int zero = 0;
        int data = 0;
        for (int blk = 0; blk < x.length / C; blk++) {
            boolean z = java.util.Arrays.mismatch(java.util.Arrays.copyOfRange(x, blk * C, (blk + 1) * C), new byte[C]) < 0;
            if (z) {
                zero++;
            } else {
                data++;
            }
        }
        assertThat(zero).isGreaterThan(0);
        assertThat(data).isGreaterThan(10);
    }

    @Test
    void demoDiskBuildsVerifiesAndReconstructsThroughFiles(@TempDir Path dir) throws Exception {
        DemoDisk d = new DemoDisk(16L << 20);
        Path ffu = dir.resolve("demo.ffu");
        FfuBuilder.Result res;
        try (FileChannel out = FileChannel.open(ffu, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            res = new FfuBuilder().platformId("Nokia.MSM8227.P6036.1.2").osVersion("8.10.15148.160").build(d, out);
        }
        assertThat(Files.size(ffu)).isEqualTo(res.fileLength());
        assertThat(res.zeroBlocksSkipped()).isGreaterThan(0);
        Path raw = dir.resolve("disk.img");
        try (FfuFile f = FfuFile.open(ffu)) {
            assertThat(f.verify(FfuProgress.NONE).valid()).isTrue();
            assertThat(f.image().manifest().partitions()).extracting(Manifest.Partition::name).contains("EFIESP", "MainOS", "Data");
            assertThat(f.image().manifest().partitions().get(0).totalSectors()).hasValue(d.partitions().get(0).sectors());
            assertThat(RawImage.minimumDiskBlocks(f.image())).isEqualTo(128);
            try (RawImageWriter w = new RawImageWriter(raw, 16L << 20)) {
                f.reconstruct(128, w, true, FfuProgress.NONE);
            }
            SparseDisk mem = new SparseDisk(16L << 20);
            f.reconstruct(128, mem, false, FfuProgress.NONE);
            byte[] src = new byte[16 << 20];
            d.read(0, ByteBuffer.wrap(src));
            assertThat(mem.sha256()).isEqualTo(sha256(src));
            assertThat(Files.readAllBytes(raw)).isEqualTo(src);
            // v2-style pieces: 4 blocks per message, the last one shorter
            PayloadReader r = f.payloadPieces(4 * C);
            long blocks = 0;
            while (r.hasNext()) {
                PayloadPiece p = r.next();
                assertThat(p.data().remaining()).isEqualTo(p.blocks() * C);
                blocks += p.blocks();
            }
            assertThat(blocks).isEqualTo(f.image().payloadBlocks());
        }
    }

    static long u64(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
