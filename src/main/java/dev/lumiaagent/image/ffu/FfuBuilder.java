package dev.lumiaagent.image.ffu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Makes a V1 FFU from disk content (ffu-format §1), written front to back to any channel: the source
 * is read twice (once to find non-zero blocks and hash them, once to copy them), the output is never
 * held in memory. All-zero blocks get no descriptor, except where the phase rules of §1.6 want them:
 *
 * <ol>
 * <li>Initial table: one zero block to block 0 and to DISK_END 0 (wipes both GPTs first);
 * <li>then every other non-zero block in disk order, and the flash-only table: the primary GPT block;
 * <li>Final table: the primary GPT block and the backup GPT block (DISK_END 0), last.
 * </ol>
 * The catalog is this tool's unsigned one ({@link Catalog#unsignedFor}); a locked phone refuses it.
 */
public final class FfuBuilder {
    private List<String> platformIds = List.of();
    private String osVersion = "10.0.15063.0";
    private String description = "Built by lumia-agent";
    private int chunkSizeKb = 128;
    private int sectorSize = 512;

    public FfuBuilder platformIds(List<String> ids) {
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("at least one platform ID");
        }
        StoreHeader.encodePlatformIds(ids); // validates: printable, fits 191 bytes
        this.platformIds = List.copyOf(ids);
        return this;
    }

    public FfuBuilder platformId(String id) {
        return platformIds(List.of(id));
    }

    public FfuBuilder osVersion(String v) {
        this.osVersion = Objects.requireNonNull(v);
        return this;
    }

    public FfuBuilder description(String d) {
        this.description = Objects.requireNonNull(d);
        return this;
    }

    /** Chunk = block size in KiB; 128 on every Lumia. Smaller powers of two make fast test images. */
    public FfuBuilder chunkSizeKb(int kb) {
        if (kb < FfuParser.MIN_CHUNK_KB || kb > FfuParser.MAX_CHUNK_KB || Integer.bitCount(kb) != 1) {
            throw new IllegalArgumentException("chunk size must be a power of two KiB in [1, 4096]: " + kb);
        }
        this.chunkSizeKb = kb;
        return this;
    }

    /** What was written. */
    public record Result(long fileLength, long payloadOffset, int descriptors, long payloadBlocks, long diskBlocks, long zeroBlocksSkipped) {
    }

    public Result build(BlockSource source, WritableByteChannel out) throws IOException {
        return build(source, out, FfuProgress.NONE);
    }

    public Result build(BlockSource source, WritableByteChannel out, FfuProgress progress) throws IOException {
        if (platformIds.isEmpty()) {
            throw new IllegalArgumentException("no platform ID given");
        }
        int c = chunkSizeKb * 1024;
        long size = source.sizeBytes();
        if (size % c != 0 || size / c < 2) {
            throw new IllegalArgumentException("disk size " + size + " is not a multiple of the " + c + "-byte block size, or under two blocks");
        }
        if (size / c > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("disk too large: " + size);
        }
        long diskBlocks = size / c;
        MessageDigest sha256 = sha("SHA-256");

        // ---- pass 1: which blocks carry data, and their hashes
        byte[] blk = new byte[c];
        byte[] zero = new byte[c];
        byte[] zeroHash = sha256.digest(zero);
        long[] dataBlocks = new long[64];
        int dataCount = 0;
        ByteArrayBuilder dataHashes = new ByteArrayBuilder();
        byte[] first = null;
        byte[] firstHash = null;
        byte[] lastHash = null;
        for (long b = 0; b < diskBlocks; b++) {
            source.read(b * c, ByteBuffer.wrap(blk));
            boolean isZero = Arrays.equals(blk, zero);
            if (b == 0) {
                first = blk.clone();
                firstHash = sha256.digest(blk);
            } else if (b == diskBlocks - 1) {
                lastHash = sha256.digest(blk);
            } else if (!isZero) {
                if (dataCount == dataBlocks.length) {
                    dataBlocks = Arrays.copyOf(dataBlocks, dataCount * 2);
                }
                dataBlocks[dataCount++] = b;
                dataHashes.add(sha256.digest(blk));
            }
            progress.progress((b + 1) * c, size * 2);
        }

        // ---- descriptors in phase order
        List<WriteDescriptor> ds = new ArrayList<>();
        long p = 0;
        ds.add(new WriteDescriptor(1, List.of(DiskLocation.begin(0), DiskLocation.end(0)), p++));
        for (int i = 0; i < dataCount; i++) {
            ds.add(new WriteDescriptor(1, List.of(DiskLocation.begin(dataBlocks[i])), p++));
        }
        int flashOnlyIndex = ds.size();
        ds.add(new WriteDescriptor(1, List.of(DiskLocation.begin(0)), p++));
        int finalIndex = ds.size();
        ds.add(new WriteDescriptor(1, List.of(DiskLocation.begin(0)), p++));
        ds.add(new WriteDescriptor(1, List.of(DiskLocation.end(0)), p++));
        long payloadBlocks = p;

        // ---- store region
        int wdLength = 0;
        for (WriteDescriptor d : ds) {
            wdLength += d.encodedLength();
        }
        StoreHeader store = new StoreHeader(0, 1, 0, 2, 0, platformIds, c, ds.size(), wdLength, 0, 0, 0, 1, flashOnlyIndex, 1, finalIndex, 2);
        byte[] storeRegion = new byte[(int) Le.align(StoreHeader.SIZE + wdLength, c)];
        System.arraycopy(store.encode(), 0, storeRegion, 0, StoreHeader.SIZE);
        int q = StoreHeader.SIZE;
        for (WriteDescriptor d : ds) {
            d.encode(storeRegion, q);
            q += d.encodedLength();
        }

        // ---- image region
        byte[] manifest = manifest(size, Gpt.read(first).orElse(List.of())).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] imageRegion = new byte[(int) Le.align(ImageHeader.SIZE + manifest.length, c)];
        System.arraycopy(ImageHeader.of(manifest.length, chunkSizeKb).encode(), 0, imageRegion, 0, ImageHeader.SIZE);
        System.arraycopy(manifest, 0, imageRegion, ImageHeader.SIZE, manifest.length);

        // ---- hash table: image chunks, store chunks, then one entry per payload block in payload order
        ByteArrayBuilder ht = new ByteArrayBuilder();
        for (int o = 0; o < imageRegion.length; o += c) {
            sha256.update(imageRegion, o, c);
            ht.add(sha256.digest());
        }
        for (int o = 0; o < storeRegion.length; o += c) {
            sha256.update(storeRegion, o, c);
            ht.add(sha256.digest());
        }
        ht.add(zeroHash);
        byte[] dh = dataHashes.toArray();
        ht.add(dh);
        ht.add(firstHash);
        ht.add(firstHash);
        ht.add(lastHash);
        byte[] hashTable = ht.toArray();
        byte[] catalog = Catalog.unsignedFor(sha("SHA-1").digest(hashTable));

        // ---- write front to back
        long securityRegion = Le.align(SecurityHeader.SIZE + catalog.length + hashTable.length, c);
        long written = 0;
        written += writeAll(out, SecurityHeader.of(chunkSizeKb, catalog.length, hashTable.length).encode());
        written += writeAll(out, catalog);
        written += writeAll(out, hashTable);
        written += writeAll(out, new byte[(int) (securityRegion - written)]);
        written += writeAll(out, imageRegion);
        written += writeAll(out, storeRegion);
        long payloadOffset = written;
        written += writeAll(out, zero);
        for (int i = 0; i < dataCount; i++) {
            source.read(dataBlocks[i] * c, ByteBuffer.wrap(blk));
            written += writeAll(out, blk);
            progress.progress(size + (i + 1L) * size / Math.max(1, dataCount), size * 2);
        }
        written += writeAll(out, first);
        written += writeAll(out, first);
        source.read((diskBlocks - 1) * c, ByteBuffer.wrap(blk));
        written += writeAll(out, blk);
        progress.progress(size * 2, size * 2);
        return new Result(written, payloadOffset, ds.size(), payloadBlocks, diskBlocks, diskBlocks - 2 - dataCount);
    }

    private String manifest(long diskBytes, List<Gpt.Partition> parts) {
        StringBuilder m = new StringBuilder();
        String nl = "\r\n";
        m.append("[FullFlash]").append(nl);
        m.append("Version = 2.0").append(nl);
        m.append("OSVersion = ").append(osVersion).append(nl);
        m.append("Description = ").append(description).append(nl);
        for (int i = 0; i < platformIds.size(); i++) {
            m.append("DevicePlatformId").append(i).append(" = ").append(platformIds.get(i)).append(nl);
        }
        m.append("AntiTheftVersion = 1.1").append(nl).append(nl);
        m.append("[Store]").append(nl);
        m.append("SectorSize = ").append(sectorSize).append(nl);
        m.append("MinSectorCount = ").append(diskBytes / sectorSize).append(nl);
        m.append("IsMainOSStore = True").append(nl);
        for (Gpt.Partition p : parts) {
            m.append(nl).append("[Partition]").append(nl);
            m.append("Name = ").append(p.name()).append(nl);
            m.append("Type = {").append(p.type()).append('}').append(nl);
            m.append("Id = {").append(p.id()).append('}').append(nl);
            m.append("TotalSectors = ").append(p.sectors()).append(nl);
        }
        return m.toString();
    }

    private static long writeAll(WritableByteChannel out, byte[] b) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b);
        int zeroWrites = 0;
        while (bb.hasRemaining()) {
            if (out.write(bb) == 0 && ++zeroWrites > 1000) {
                throw new IOException("output channel accepts no bytes");
            }
        }
        return b.length;
    }

    private static MessageDigest sha(String alg) {
        try {
            return MessageDigest.getInstance(alg);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A growable byte array for hash lists. */
    private static final class ByteArrayBuilder {
        private byte[] b = new byte[1024];
        private int n;

        void add(byte[] x) {
            if (n + x.length > b.length) {
                b = Arrays.copyOf(b, Math.max(b.length * 2, n + x.length));
            }
            System.arraycopy(x, 0, b, n, x.length);
            n += x.length;
        }

        byte[] toArray() {
            return Arrays.copyOf(b, n);
        }
    }
}
