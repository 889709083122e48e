package dev.lumiaagent.image.ffu;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * An in-memory sparse disk: blocks that were written with non-zero bytes are kept, everything else
 * reads as zeros. The simulated phone's eMMC; also the target of reconstruction in tests. Thread-safe.
 */
public final class SparseDisk implements BlockSink {
    public static final int DEFAULT_BLOCK_SIZE = 128 * 1024;

    private final long sizeBytes;
    private final int blockSize;
    private final TreeMap<Long, byte[]> blocks = new TreeMap<>();

    public SparseDisk(long sizeBytes) {
        this(sizeBytes, DEFAULT_BLOCK_SIZE);
    }

    public SparseDisk(long sizeBytes, int blockSize) {
        if (sizeBytes <= 0 || blockSize <= 0) {
            throw new IllegalArgumentException("disk and block sizes must be positive");
        }
        this.sizeBytes = sizeBytes;
        this.blockSize = blockSize;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    public int blockSize() {
        return blockSize;
    }

    /** Number of blocks (the last one may be partial when the size is not a multiple of the block size). */
    public long blockCount() {
        return (sizeBytes + blockSize - 1) / blockSize;
    }

    /** Blocks currently holding non-zero data. */
    public synchronized int storedBlocks() {
        return blocks.size();
    }

    @Override
    public synchronized void write(long diskByteOffset, ByteBuffer data) {
        int len = data.remaining();
        if (diskByteOffset < 0 || diskByteOffset > sizeBytes || len > sizeBytes - diskByteOffset) {
            throw new IllegalArgumentException("write of " + len + " bytes at " + diskByteOffset + " outside a disk of " + sizeBytes + " bytes");
        }
        ByteBuffer src = data.duplicate();
        long off = diskByteOffset;
        while (src.hasRemaining()) {
            long b = off / blockSize;
            int in = (int) (off % blockSize);
            int n = Math.min(src.remaining(), blockSize - in);
            byte[] blk = blocks.get(b);
            if (blk == null) {
                if (allZero(src, n)) { // writing zeros over a hole changes nothing
                    src.position(src.position() + n);
                    off += n;
                    continue;
                }
                blk = new byte[blockSize];
                blocks.put(b, blk);
            }
            src.get(blk, in, n);
            if (allZero(blk)) {
                blocks.remove(b);
            }
            off += n;
        }
        data.position(data.limit());
    }

    /**
     * True when both disks hold the same bytes everywhere. Cheap on large sparse disks: only the
     * stored blocks are compared (a stored block is never all zero).
     */
    public boolean sameContentAs(SparseDisk other) {
        if (other.sizeBytes != sizeBytes || other.blockSize != blockSize) {
            return false;
        }
        TreeMap<Long, byte[]> mine;
        TreeMap<Long, byte[]> theirs;
        synchronized (this) {
            mine = new TreeMap<>(blocks);
        }
        synchronized (other) {
            theirs = new TreeMap<>(other.blocks);
        }
        if (!mine.keySet().equals(theirs.keySet())) {
            return false;
        }
        for (var e : mine.entrySet()) {
            if (!java.util.Arrays.equals(e.getValue(), theirs.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** {@code len} bytes at {@code offset}; zeros where nothing was written. */
    public synchronized byte[] read(long offset, int len) {
        if (offset < 0 || len < 0 || offset > sizeBytes || len > sizeBytes - offset) {
            throw new IllegalArgumentException("read of " + len + " bytes at " + offset + " outside a disk of " + sizeBytes + " bytes");
        }
        byte[] out = new byte[len];
        int p = 0;
        long off = offset;
        while (p < len) {
            long b = off / blockSize;
            int in = (int) (off % blockSize);
            int n = Math.min(len - p, blockSize - in);
            byte[] blk = blocks.get(b);
            if (blk != null) {
                System.arraycopy(blk, in, out, p, n);
            }
            p += n;
            off += n;
        }
        return out;
    }

    /** SHA-256 of the whole logical disk, streamed: holes are hashed from one shared zero block. */
    public synchronized byte[] sha256() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] zero = new byte[blockSize];
        long n = blockCount();
        for (long b = 0; b < n; b++) {
            int len = (int) Math.min(blockSize, sizeBytes - b * blockSize);
            byte[] blk = blocks.get(b);
            md.update(blk == null ? zero : blk, 0, len);
        }
        return md.digest();
    }

    private static boolean allZero(ByteBuffer src, int n) {
        int p = src.position();
        for (int i = 0; i < n; i++) {
            if (src.get(p + i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(byte[] b) {
        return Arrays.mismatch(b, new byte[b.length]) < 0;
    }

    @Override
    public synchronized String toString() {
        return "SparseDisk " + sizeBytes + "B, " + blocks.size() + "/" + blockCount() + " blocks stored";
    }
}
