package dev.lumiaagent.image.ffu;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A plausible Lumia eMMC of a given size, generated on demand: protective MBR, primary and backup
 * GPT with the usual Lumia partitions (sizes scaled to the disk), deterministic patterned content
 * in the firmware partitions and parts of EFIESP, MMOS and MainOS, zeros elsewhere (Data is empty,
 * as after a reset). The same size always gives the same bytes.
 */
public final class DemoDisk implements BlockSource {
    public static final int BLOCK = 128 * 1024;
    private static final int SECTORS_PER_BLOCK = BLOCK / 512;
    /** Two GPT blocks, one block per small partition, and room for MainOS and Data. */
    public static final long MIN_SIZE = 16L * BLOCK;

    /** Name, typical size in KiB on an 8 GiB Lumia, share of the partition's blocks that carry a pattern (0..1). */
    private record Layout(String name, long typicalKiB, double patterned, boolean esp) {
    }

    private static final List<Layout> LAYOUT = List.of(
            new Layout("DPP", 8 * 1024, 0.05, false),
            new Layout("MODEM_FSG", 1536, 1.0, false),
            new Layout("SSD", 16, 1.0, false),
            new Layout("SBL1", 1024, 1.0, false),
            new Layout("RPM", 512, 1.0, false),
            new Layout("TZ", 1024, 1.0, false),
            new Layout("UEFI", 2560, 1.0, false),
            new Layout("PLAT", 8 * 1024, 0.25, false),
            new Layout("EFIESP", 32 * 1024, 0.5, true),
            new Layout("MMOS", 100 * 1024, 0.25, false));

    private final long size;
    private final long blocks;
    private final List<Gpt.Partition> partitions = new ArrayList<>();
    private final double[] patterned;
    private final byte[] primary;
    private final byte[] backup;

    public DemoDisk(long sizeBytes) {
        if (sizeBytes < MIN_SIZE || sizeBytes % BLOCK != 0) {
            throw new IllegalArgumentException("demo disk size must be a multiple of 128 KiB and at least " + MIN_SIZE / 1024 / 1024 + " MiB: " + sizeBytes);
        }
        this.size = sizeBytes;
        this.blocks = sizeBytes / BLOCK;
        double scale = sizeBytes / (8.0 * 1024 * 1024 * 1024);
        long usable = blocks - 2; // block 0: MBR + primary GPT; last block: backup GPT
        long next = 1;
        List<Double> pat = new ArrayList<>();
        for (Layout l : LAYOUT) {
            long n = Math.max(1, Math.round(l.typicalKiB() * scale / 128));
            n = Math.min(n, Math.max(1, (usable - (next - 1) - 2 - (LAYOUT.size() - pat.size() - 1)) / 4));
            add(l.name(), l.esp() ? Gpt.EFI_SYSTEM : Gpt.BASIC_DATA, next, n);
            pat.add(l.patterned());
            next += n;
        }
        long rest = blocks - 1 - next;
        long mainOs = Math.max(1, rest * 3 / 5);
        add("MainOS", Gpt.BASIC_DATA, next, mainOs);
        pat.add(0.3);
        next += mainOs;
        add("Data", Gpt.BASIC_DATA, next, blocks - 1 - next);
        pat.add(0.0);
        this.patterned = pat.stream().mapToDouble(Double::doubleValue).toArray();
        long sectors = sizeBytes / 512;
        UUID disk = UUID.nameUUIDFromBytes(("lumia-agent demo disk " + sizeBytes).getBytes(StandardCharsets.US_ASCII));
        this.primary = Gpt.primary(sectors, disk, partitions);
        this.backup = Gpt.backup(sectors, disk, partitions);
    }

    private void add(String name, UUID type, long firstBlock, long nBlocks) {
        if (nBlocks < 1) {
            throw new IllegalArgumentException("disk too small for partition " + name);
        }
        UUID id = UUID.nameUUIDFromBytes(("lumia-agent demo " + name).getBytes(StandardCharsets.US_ASCII));
        partitions.add(new Gpt.Partition(name, type, id, firstBlock * SECTORS_PER_BLOCK, (firstBlock + nBlocks) * SECTORS_PER_BLOCK - 1));
    }

    public List<Gpt.Partition> partitions() {
        return List.copyOf(partitions);
    }

    @Override
    public long sizeBytes() {
        return size;
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        if (offset < 0 || dst.remaining() > size - offset) {
            throw new IllegalArgumentException("read outside the demo disk");
        }
        byte[] blk = new byte[BLOCK];
        while (dst.hasRemaining()) {
            long b = offset / BLOCK;
            int in = (int) (offset % BLOCK);
            fillBlock(b, blk);
            int n = Math.min(dst.remaining(), BLOCK - in);
            dst.put(blk, in, n);
            offset += n;
        }
    }

    /** Block {@code b}'s bytes. */
    void fillBlock(long b, byte[] blk) {
        java.util.Arrays.fill(blk, (byte) 0);
        if (b == 0) {
            System.arraycopy(primary, 0, blk, 0, primary.length);
            return;
        }
        if (b == blocks - 1) {
            System.arraycopy(backup, 0, blk, BLOCK - backup.length, backup.length);
            return;
        }
        for (int i = 0; i < partitions.size(); i++) {
            Gpt.Partition p = partitions.get(i);
            long first = p.firstLba() / SECTORS_PER_BLOCK;
            long last = p.lastLba() / SECTORS_PER_BLOCK;
            if (b < first || b > last) {
                continue;
            }
            long k = b - first;
            long count = last - first + 1;
            // the first block of each patterned partition, then every block up to the patterned share
            if (patterned[i] > 0 && (k == 0 || k < Math.round(count * patterned[i]))) {
                pattern(p.name(), k, blk);
            }
            return;
        }
    }

    private static void pattern(String name, long k, byte[] blk) {
        long seed = name.hashCode() * 0x9E3779B97F4A7C15L + k;
        ByteBuffer bb = ByteBuffer.wrap(blk);
        while (bb.remaining() >= 8) {
            seed += 0x9E3779B97F4A7C15L; // SplitMix64
            long z = seed;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            bb.putLong(z ^ (z >>> 31));
        }
        byte[] tag = ("LUMIA-AGENT DEMO " + name + " block " + k + "\0").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tag, 0, blk, 0, tag.length);
    }

    @Override
    public String toString() {
        return "DemoDisk " + size + "B " + partitions;
    }
}
