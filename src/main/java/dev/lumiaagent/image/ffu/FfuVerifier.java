package dev.lumiaagent.image.ffu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Offline integrity checks of a parsed FFU (ffu-format §2, items 1–3): file length against the EOF
 * formula, zero padding, manifest, platform IDs, phase tables, catalog ↔ hash table, and every
 * chunk's SHA-256 in one streamed pass. Nothing checks the catalog's signature: that needs roots
 * only the phone has.
 */
public final class FfuVerifier {
    /** Bytes per sequential read: a few chunks at once keeps the read cost small against SHA-256. */
    static final int READ_BYTES = 1 << 20;

    private FfuVerifier() {
    }

    public static FfuVerification verify(SeekableByteChannel ch, FfuImage img, FfuProgress progress) throws IOException {
        List<FfuVerification.Check> checks = new ArrayList<>();
        long size = ch.size();
        long eof = img.expectedFileLength();
        checks.add(new FfuVerification.Check("file length", size == eof, size == eof ? size + " bytes = EOF formula"
                : size + " bytes, the EOF formula says " + eof + " (" + (size < eof ? "truncated by " + (eof - size) : (size - eof) + " extra") + " bytes)"));
        checks.add(catalog(img));
        checks.add(padding(ch, img, size));
        checks.add(manifest(img));
        checks.add(platformIds(img));
        checks.add(tables(img));

        // ---- chunk hashes: one sequential pass from imageOff to EOF
        int c = img.chunkSize();
        MessageDigest sha;
        MessageDigest whole; // the file's own SHA-256, from the same reads: the file is read once
        try {
            sha = MessageDigest.getInstance("SHA-256");
            whole = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        hashRange(ch, 0, Math.min(size, img.imageOffset()), whole);
        int per = Math.max(1, READ_BYTES / c);
        byte[] buf = new byte[per * c];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        long chunks = img.chunkCount();
        long total = chunks * (long) c;
        long firstBad = -1;
        long bad = 0;
        long checked = 0;
        byte[] digest = new byte[32];
        ch.position(img.imageOffset());
        boolean eofHit = false;
        for (long i = 0; i < chunks; i += per) {
            int want = (int) Math.min(per, chunks - i) * c;
            bb.clear().limit(want);
            int zeroReads = 0;
            while (bb.hasRemaining() && !eofHit) {
                int r = ch.read(bb);
                if (r < 0) {
                    eofHit = true;
                } else if (r == 0 && ++zeroReads > 100) {
                    throw new IOException("channel returned no data 100 times at " + Le.hex(ch.position()));
                }
            }
            int got = bb.position();
            whole.update(buf, 0, got);
            for (int k = 0; k < want / c; k++) {
                long idx = i + k;
                boolean ok;
                if ((k + 1) * c <= got) {
                    sha.update(buf, k * c, c);
                    try {
                        sha.digest(digest, 0, 32);
                    } catch (java.security.DigestException e) {
                        throw new IllegalStateException(e);
                    }
                    ok = img.hashTable().matches((int) idx, digest);
                    checked++;
                } else {
                    ok = false; // the file ends inside or before this chunk
                }
                if (!ok) {
                    bad++;
                    if (firstBad < 0) {
                        firstBad = idx;
                    }
                }
            }
            progress.progress(Math.min(total, (i + want / c) * (long) c), total);
        }
        if (!eofHit) {
            hashRange(ch, ch.position(), size, whole); // bytes past the last chunk (a longer file than the EOF formula)
        }
        String detail = bad == 0 ? chunks + " chunks of " + c / 1024 + " KiB match the hash table"
                : bad + " of " + chunks + " chunks differ or are missing; first: chunk " + firstBad + " @" + Le.hex(img.chunkOffset(firstBad));
        checks.add(new FfuVerification.Check("chunk hashes", bad == 0, detail));
        return new FfuVerification(checks, checked, bad, firstBad, firstBad < 0 ? -1 : img.chunkOffset(firstBad),
                java.util.HexFormat.of().formatHex(whole.digest()));
    }

    /** Feeds bytes [from, to) of the channel to the digest. */
    private static void hashRange(SeekableByteChannel ch, long from, long to, MessageDigest md) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(1 << 16, Math.max(1, to - from)));
        ch.position(from);
        long left = to - from;
        while (left > 0) {
            b.clear().limit((int) Math.min(b.capacity(), left));
            int r = ch.read(b);
            if (r < 0) {
                return;
            }
            md.update(b.array(), 0, r);
            left -= r;
        }
    }

    private static FfuVerification.Check catalog(FfuImage img) {
        Catalog cat = img.catalog();
        if (cat.hashTableDigest().isEmpty()) {
            return new FfuVerification.Check("catalog", false, "no hash-table digest found: " + cat.problem().orElse("?"));
        }
        String alg = cat.digestAlgorithm().orElseThrow();
        byte[] want = cat.hashTableDigest().get();
        byte[] have = img.hashTable().digest(alg);
        boolean ok = Arrays.equals(want, have);
        return new FfuVerification.Check("catalog", ok, ok ? alg + " of the hash table matches the catalog member HashTable.blob"
                + (cat.signerCount() > 0 ? " (signature not checked)" : " (unsigned catalog)")
                : alg + " of the hash table is " + Le.hex(have) + ", the catalog says " + Le.hex(want));
    }

    private static FfuVerification.Check padding(SeekableByteChannel ch, FfuImage img, long size) throws IOException {
        SecurityHeader s = img.security();
        long[][] gaps = {
            {SecurityHeader.SIZE + s.catalogSize() + s.hashTableSize(), img.imageOffset()},
            {img.imageOffset() + ImageHeader.SIZE + img.imageHeader().manifestLength(), img.storeOffset()},
            {img.storeOffset() + StoreHeader.SIZE + img.store().validateDescriptorLength() + img.store().writeDescriptorLength(), img.payloadOffset()},
        };
        String[] names = {"security region", "image region", "store region"};
        for (int g = 0; g < gaps.length; g++) {
            long from = gaps[g][0];
            long to = Math.min(gaps[g][1], size);
            ByteBuffer b = ByteBuffer.allocate((int) Math.max(0, Math.min(to - from, 1 << 20)));
            long pos = from;
            while (pos < to) {
                b.clear().limit((int) Math.min(b.capacity(), to - pos));
                ch.position(pos);
                int r = ch.read(b);
                if (r <= 0) {
                    break;
                }
                for (int i = 0; i < r; i++) {
                    if (b.get(i) != 0) {
                        return new FfuVerification.Check("padding", false, names[g] + " padding byte at " + Le.hex(pos + i) + " is 0x"
                                + Integer.toHexString(b.get(i) & 0xFF) + ", must be zero");
                    }
                }
                pos += r;
            }
        }
        return new FfuVerification.Check("padding", true, "all padding between regions is zero");
    }

    private static FfuVerification.Check manifest(FfuImage img) {
        Manifest m = img.manifest();
        String v = m.version().orElse(null);
        if (!"2.0".equals(v)) {
            return new FfuVerification.Check("manifest", false, "[FullFlash] Version is " + (v == null ? "missing" : "\"" + v + "\"") + ", must be 2.0");
        }
        if (m.sectorSize().isEmpty()) {
            return new FfuVerification.Check("manifest", false, "[Store] SectorSize is missing");
        }
        return new FfuVerification.Check("manifest", true, "Version 2.0, SectorSize " + m.sectorSize().getAsLong() + ", "
                + m.partitions().size() + " partitions");
    }

    private static FfuVerification.Check platformIds(FfuImage img) {
        List<String> store = img.platformIds();
        List<String> man = img.manifest().platformIds();
        if (store.isEmpty()) {
            return new FfuVerification.Check("platform IDs", false, "the store header names no platform ID");
        }
        if (!man.isEmpty() && !man.equals(store)) {
            return new FfuVerification.Check("platform IDs", false, "store header " + store + " differs from manifest " + man);
        }
        return new FfuVerification.Check("platform IDs", true, String.join(", ", store));
    }

    private static FfuVerification.Check tables(FfuImage img) {
        StoreHeader s = img.store();
        long n = s.writeDescriptorCount();
        long[][] t = {{s.initialTableIndex(), s.initialTableCount()}, {s.flashOnlyTableIndex(), s.flashOnlyTableCount()},
            {s.finalTableIndex(), s.finalTableCount()}};
        String[] names = {"Initial", "FlashOnly", "Final"};
        for (int i = 0; i < 3; i++) {
            if (t[i][0] + t[i][1] > n) {
                return new FfuVerification.Check("phase tables", false, names[i] + " table " + t[i][0] + "+" + t[i][1] + " runs past " + n + " descriptors");
            }
        }
        if (s.initialTableCount() > 0 && s.initialTableIndex() != 0) {
            return new FfuVerification.Check("phase tables", false, "Initial table starts at " + s.initialTableIndex() + ", not 0");
        }
        long end = 0;
        for (int i = 0; i < 3; i++) {
            if (t[i][1] == 0) {
                continue;
            }
            if (t[i][0] < end) {
                return new FfuVerification.Check("phase tables", false, names[i] + " table starts at " + t[i][0] + " inside the previous phase (ends " + end + ")");
            }
            end = t[i][0] + t[i][1];
        }
        if (s.finalTableCount() > 0 && s.finalTableIndex() + s.finalTableCount() != n) {
            return new FfuVerification.Check("phase tables", false, "Final table ends at " + (s.finalTableIndex() + s.finalTableCount())
                    + ", not at the last descriptor " + n);
        }
        return new FfuVerification.Check("phase tables", true, "initial " + t[0][0] + "+" + t[0][1] + ", flash-only " + t[1][0] + "+" + t[1][1]
                + ", final " + t[2][0] + "+" + t[2][1] + " of " + n);
    }
}
