package dev.lumiaagent.image.ffu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the three header regions of a V1 FFU (ffu-format §1) from a channel, touching only those
 * regions. Every length and count is checked against its bound and against the file before anything
 * is allocated or read; a violation is an {@link FfuFormatException} naming offset, structure and
 * field. V2, V1-compressed and partial-update images are refused by name ({@link FfuUnsupportedException}).
 *
 * <p>Checked here (the image cannot be located without them): magics, cbSize, version quadruple,
 * chunk size, AlgId, block size = chunk size, region lengths, descriptor walk, hash-table size =
 * 32 × (EOF − imageOff) / C. Left to {@link FfuVerifier} (the image is readable without them): chunk
 * hashes, catalog digest, file length, padding, manifest content, phase tables.
 */
public final class FfuParser {
    /** Catalogs of real images are a few KiB (signed: certificates included). */
    public static final int MAX_CATALOG = 1 << 20;
    public static final int MAX_MANIFEST = 1 << 20;
    /** 32 B per 128 KiB chunk: 64 MiB covers a 256 GiB image. */
    public static final int MAX_HASH_TABLE = 64 << 20;
    public static final int MAX_DESCRIPTOR_BYTES = 16 << 20;
    /** Chunk sizes accepted: powers of two from 1 KiB (small test images, ffu-format §7) to 4 MiB; Lumia uses 128 KiB. */
    public static final int MIN_CHUNK_KB = 1;
    public static final int MAX_CHUNK_KB = 4096;

    private final SeekableByteChannel ch;
    private final long size;

    private FfuParser(SeekableByteChannel ch, long size) {
        this.ch = ch;
        this.size = size;
    }

    /**
     * Parses the headers of the FFU in {@code ch}. The file may be shorter than the EOF formula says as
     * long as all headers are present (the verifier reports the missing payload).
     */
    public static FfuImage parse(SeekableByteChannel ch) throws IOException {
        FfuParser p = new FfuParser(ch, ch.size());
        FfuImage img = p.parse();
        if (p.size < img.payloadOffset()) {
            throw new FfuFormatException(img.storeOffset(), "store region", "length",
                    "file ends at " + Le.hex(p.size) + " before the payload offset " + Le.hex(img.payloadOffset()));
        }
        return img;
    }

    /**
     * Parses a combined header as the flash app receives it: exactly bytes [0, payloadOffset) of an
     * FFU, nothing more (the phone answers "header contains unknown extra data" otherwise).
     */
    public static FfuImage parseCombinedHeader(ByteBuffer header) throws FfuFormatException {
        ByteBuffer b = header.slice();
        byte[] copy = new byte[b.remaining()];
        b.get(copy);
        try {
            FfuParser p = new FfuParser(new ByteArrayChannel(copy), copy.length);
            FfuImage img = p.parse();
            if (copy.length != img.payloadOffset()) {
                throw new FfuFormatException(0, "combined header", "length", copy.length + " bytes, but the headers end at payload offset "
                        + Le.hex(img.payloadOffset()) + " (" + img.payloadOffset() + " bytes)");
            }
            return img;
        } catch (FfuFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("in-memory channel failed", e);
        }
    }

    private FfuImage parse() throws IOException {
        // ---- region 1: security header, catalog, hash table
        String sec = "security header";
        need(0, SecurityHeader.SIZE, 0, sec, "cbSize");
        byte[] sh = read(0, SecurityHeader.SIZE);
        long cb = Le.u32(sh, 0);
        String sig = ascii(sh, 4, 12);
        if (cb != SecurityHeader.SIZE) {
            throw new FfuFormatException(0, sec, "cbSize", cb + ", must be 32");
        }
        if (!sig.equals(SecurityHeader.SIGNATURE)) {
            throw new FfuFormatException(0, sec, "Signature", quote(sig) + ", must be \"SignedImage \" (not an FFU)");
        }
        long chunkKb = Le.u32(sh, 0x10);
        if (chunkKb < MIN_CHUNK_KB || chunkKb > MAX_CHUNK_KB || Long.bitCount(chunkKb) != 1) {
            throw new FfuFormatException(0, sec, "ChunkSizeInKb", chunkKb + " is not a power of two in [" + MIN_CHUNK_KB + ", " + MAX_CHUNK_KB + "]");
        }
        long alg = Le.u32(sh, 0x14);
        if (alg != SecurityHeader.ALG_SHA256) {
            throw new FfuUnsupportedException(FfuUnsupportedException.Kind.HASH_ALGORITHM, 0, sec, "AlgId", Le.hex(alg) + ", expected 0x800c");
        }
        long catalogSize = Le.u32(sh, 0x18);
        long hashTableSize = Le.u32(sh, 0x1C);
        if (catalogSize > MAX_CATALOG) {
            throw new FfuFormatException(0, sec, "CatalogSize", catalogSize + " bytes exceeds the " + MAX_CATALOG + "-byte bound");
        }
        if (hashTableSize == 0 || hashTableSize % HashTable.ENTRY_SIZE != 0) {
            throw new FfuFormatException(0, sec, "HashTableSize", hashTableSize + " is not a positive multiple of 32");
        }
        if (hashTableSize > MAX_HASH_TABLE) {
            throw new FfuFormatException(0, sec, "HashTableSize", hashTableSize + " bytes exceeds the " + MAX_HASH_TABLE + "-byte bound");
        }
        need(SecurityHeader.SIZE, catalogSize, 0, sec, "CatalogSize");
        need(SecurityHeader.SIZE + catalogSize, hashTableSize, 0, sec, "HashTableSize");
        SecurityHeader security = new SecurityHeader(cb, sig, chunkKb, alg, catalogSize, hashTableSize);
        int c = security.chunkSize();
        Catalog catalog = Catalog.parse(read(SecurityHeader.SIZE, (int) catalogSize));
        HashTable hashTable = new HashTable(read(SecurityHeader.SIZE + catalogSize, (int) hashTableSize));

        // ---- region 2: image header and manifest
        long imageOff = Le.align(SecurityHeader.SIZE + catalogSize + hashTableSize, c);
        String img = "image header";
        need(imageOff, ImageHeader.SIZE, imageOff, img, "cbSize");
        byte[] ih = read(imageOff, ImageHeader.SIZE);
        long icb = Le.u32(ih, 0);
        String isig = ascii(ih, 4, 12);
        if (!isig.equals(ImageHeader.SIGNATURE)) {
            throw new FfuFormatException(imageOff, img, "Signature", quote(isig) + ", must be \"ImageFlash  \"");
        }
        if (icb == 28) {
            throw new FfuUnsupportedException(FfuUnsupportedException.Kind.IMAGE_HEADER_TARGETS, imageOff, img, "cbSize", "28");
        }
        if (icb != ImageHeader.SIZE) {
            throw new FfuFormatException(imageOff, img, "cbSize", icb + ", must be 24");
        }
        long manifestLength = Le.u32(ih, 0x10);
        long ichunk = Le.u32(ih, 0x14);
        if (ichunk != chunkKb) {
            throw new FfuFormatException(imageOff, img, "ChunkSize", ichunk + " KiB differs from the security header's " + chunkKb + " KiB");
        }
        if (manifestLength > MAX_MANIFEST) {
            throw new FfuFormatException(imageOff, img, "ManifestLength", manifestLength + " bytes exceeds the " + MAX_MANIFEST + "-byte bound");
        }
        need(imageOff + ImageHeader.SIZE, manifestLength, imageOff, img, "ManifestLength");
        ImageHeader imageHeader = new ImageHeader(icb, isig, manifestLength, ichunk);
        byte[] mb = read(imageOff + ImageHeader.SIZE, (int) manifestLength);
        for (int i = 0; i < mb.length; i++) {
            int x = mb[i] & 0xFF;
            if (!(x == '\t' || x == '\r' || x == '\n' || (x >= 0x20 && x < 0x7F))) {
                throw new FfuFormatException(imageOff + ImageHeader.SIZE, "manifest", "byte " + i, "0x" + Integer.toHexString(x) + " is not ASCII text");
            }
        }
        Manifest manifest = Manifest.parse(new String(mb, StandardCharsets.US_ASCII));

        // ---- region 3: store header and descriptors
        long storeOff = imageOff + Le.align(ImageHeader.SIZE + manifestLength, c);
        String st = "store header";
        need(storeOff, StoreHeader.SIZE, storeOff, st, "UpdateType");
        byte[] s = read(storeOff, StoreHeader.SIZE);
        long updateType = Le.u32(s, 0);
        int major = Le.u16(s, 4);
        int minor = Le.u16(s, 6);
        int ffMajor = Le.u16(s, 8);
        int ffMinor = Le.u16(s, 10);
        String version = major + "." + minor + "/" + ffMajor + "." + ffMinor;
        if (major == 2) {
            throw new FfuUnsupportedException(FfuUnsupportedException.Kind.V2_STORE, storeOff, st, "MajorVersion", "version " + version);
        }
        if (major == 1 && ffMajor == 3) {
            throw new FfuUnsupportedException(FfuUnsupportedException.Kind.V1_COMPRESSED, storeOff, st, "FullFlashMajorVersion", "version " + version);
        }
        if (major != 1 || minor != 0 || ffMajor != 2 || ffMinor != 0) {
            throw new FfuFormatException(storeOff, st, "MajorVersion", "version " + version + " is none of V1 (1.0/2.0), V1-compressed, V2");
        }
        if (updateType == 1) {
            throw new FfuUnsupportedException(FfuUnsupportedException.Kind.PARTIAL_UPDATE, storeOff, st, "UpdateType", "1");
        }
        if (updateType != 0) {
            throw new FfuFormatException(storeOff, st, "UpdateType", updateType + " is neither 0 (full) nor 1 (partial)");
        }
        List<String> ids = platformIds(s, storeOff);
        long blockSize = Le.u32(s, 0xCC);
        if (blockSize != c) {
            throw new FfuFormatException(storeOff, st, "BlockSizeInBytes", Le.hex(blockSize) + " differs from the chunk size " + Le.hex(c));
        }
        long wdCount = Le.u32(s, 0xD0);
        long wdLength = Le.u32(s, 0xD4);
        long vdCount = Le.u32(s, 0xD8);
        long vdLength = Le.u32(s, 0xDC);
        if (vdCount != 0 || vdLength != 0) {
            throw new FfuFormatException(storeOff, st, "ValidateDescriptorCount", vdCount + " entries / " + vdLength
                    + " bytes in a full image (must be 0)");
        }
        if (wdCount == 0) {
            throw new FfuFormatException(storeOff, st, "WriteDescriptorCount", "0: the image writes nothing");
        }
        if (wdLength > MAX_DESCRIPTOR_BYTES) {
            throw new FfuFormatException(storeOff, st, "WriteDescriptorLength", wdLength + " bytes exceeds the " + MAX_DESCRIPTOR_BYTES + "-byte bound");
        }
        if (wdLength < 16 * wdCount) {
            throw new FfuFormatException(storeOff, st, "WriteDescriptorLength", wdLength + " bytes cannot hold " + wdCount + " descriptors");
        }
        StoreHeader store = new StoreHeader(updateType, major, minor, ffMajor, ffMinor, ids, blockSize, wdCount, wdLength, vdCount, vdLength,
                Le.u32(s, 0xE0), Le.u32(s, 0xE4), Le.u32(s, 0xE8), Le.u32(s, 0xEC), Le.u32(s, 0xF0), Le.u32(s, 0xF4));
        long descOff = storeOff + StoreHeader.SIZE;
        need(descOff, wdLength, storeOff, st, "WriteDescriptorLength");
        byte[] d = read(descOff, (int) wdLength);
        List<WriteDescriptor> descriptors = new ArrayList<>((int) wdCount);
        int p = 0;
        long blocks = 0;
        long maxBlocks = Integer.MAX_VALUE; // chunk indices are ints
        for (int i = 0; i < wdCount; i++) {
            String ds = "write descriptor " + i;
            long at = descOff + p;
            if (d.length - p < 8) {
                throw new FfuFormatException(storeOff, st, "WriteDescriptorLength", wdLength + " bytes cannot hold " + wdCount
                        + " descriptors (descriptor " + i + " starts " + (d.length - p) + " bytes before the end)");
            }
            long lc = Le.u32(d, p);
            long bc = Le.u32(d, p + 4);
            if (lc == 0) {
                throw new FfuFormatException(at, ds, "LocationCount", "0: the entry writes nowhere");
            }
            if (bc == 0) {
                throw new FfuFormatException(at, ds, "BlockCount", "0: the entry carries no data");
            }
            if (lc > (d.length - p - 8) / DiskLocation.SIZE) {
                throw new FfuFormatException(at, ds, "LocationCount", lc + " locations run past WriteDescriptorLength (" + (d.length - p - 8) + " bytes left)");
            }
            List<DiskLocation> locs = new ArrayList<>((int) lc);
            for (int k = 0; k < lc; k++) {
                int q = p + 8 + k * DiskLocation.SIZE;
                long method = Le.u32(d, q);
                DiskAccessMethod m = DiskAccessMethod.of(method);
                if (m == null) {
                    throw new FfuFormatException(at, ds, "DiskAccessMethod[" + k + "]", method + " is neither 0 (DISK_BEGIN) nor 2 (DISK_END)");
                }
                locs.add(new DiskLocation(m, Le.u32(d, q + 4)));
            }
            if (bc > maxBlocks - blocks) {
                throw new FfuFormatException(at, ds, "BlockCount", bc + " takes the payload past " + maxBlocks + " blocks");
            }
            descriptors.add(new WriteDescriptor(bc, locs, blocks));
            blocks += bc;
            p += 8 + (int) lc * DiskLocation.SIZE;
        }
        if (p != d.length) {
            throw new FfuFormatException(storeOff, st, "WriteDescriptorLength", wdLength + " bytes, but " + wdCount + " descriptors use " + p);
        }
        long payloadOff = storeOff + Le.align(StoreHeader.SIZE + vdLength + wdLength, c);
        long eof = payloadOff + blocks * c;
        long chunks = (eof - imageOff) / c;
        if (hashTableSize != chunks * HashTable.ENTRY_SIZE) {
            throw new FfuFormatException(0, sec, "HashTableSize", hashTableSize + " bytes (" + hashTableSize / 32 + " entries), but the image has "
                    + chunks + " chunks from " + Le.hex(imageOff) + " to EOF " + Le.hex(eof));
        }
        return new FfuImage(security, catalog, hashTable, imageHeader, manifest, store, descriptors, imageOff, storeOff, payloadOff, blocks);
    }

    private static List<String> platformIds(byte[] s, long storeOff) throws FfuFormatException {
        int base = StoreHeader.PLATFORM_ID_OFFSET;
        int n = StoreHeader.PLATFORM_ID_SIZE;
        if (s[base + n - 1] != 0) {
            throw new FfuFormatException(storeOff, "store header", "PlatformId", "the 192-byte field is not NUL-terminated");
        }
        List<String> ids = new ArrayList<>();
        int i = 0;
        while (i < n && s[base + i] != 0) {
            int start = i;
            while (s[base + i] != 0) {
                int x = s[base + i] & 0xFF;
                if (x < 0x20 || x > 0x7E) {
                    throw new FfuFormatException(storeOff, "store header", "PlatformId", "byte 0x" + Integer.toHexString(x) + " at field offset "
                            + i + " is not printable ASCII");
                }
                i++;
            }
            ids.add(new String(s, base + start, i - start, StandardCharsets.US_ASCII).strip());
            i++;
        }
        for (int k = i; k < n; k++) {
            if (s[base + k] != 0) {
                throw new FfuFormatException(storeOff, "store header", "PlatformId", "bytes after the IDs' terminating NUL are not zero (field offset " + k + ")");
            }
        }
        return ids;
    }

    /** The file must hold {@code len} bytes at {@code off}; says which header field claimed them if not. */
    private void need(long off, long len, long structOff, String structure, String field) throws FfuFormatException {
        if (off > size || len > size - off) {
            throw new FfuFormatException(structOff, structure, field, len + " bytes at " + Le.hex(off) + " run past the end of the file ("
                    + size + " bytes)");
        }
    }

    private byte[] read(long off, int len) throws IOException {
        byte[] b = new byte[len];
        ByteBuffer bb = ByteBuffer.wrap(b);
        ch.position(off);
        int zeroReads = 0;
        while (bb.hasRemaining()) {
            int n = ch.read(bb);
            if (n < 0) {
                throw new FfuFormatException(off, "file", "length", "ends at " + Le.hex(off + bb.position()) + " while reading " + len + " bytes");
            }
            if (n == 0 && ++zeroReads > 100) {
                throw new IOException("channel returned no data 100 times at " + Le.hex(off + bb.position()));
            }
        }
        return b;
    }

    private static String ascii(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder(len);
        for (int i = off; i < off + len; i++) {
            int x = b[i] & 0xFF;
            s.append(x >= 0x20 && x < 0x7F ? (char) x : '?');
        }
        return s.toString();
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }
}
