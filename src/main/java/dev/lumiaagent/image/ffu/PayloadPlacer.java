package dev.lumiaagent.image.ffu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Receives an FFU's payload in file order, in pieces of any size, and writes each block to every
 * location its descriptor names (ffu-format §4.1): what a flash app does after the header message,
 * and what raw-image reconstruction does. Optionally checks each block's SHA-256 against the hash
 * table first, as the phone does (error 0x1003). Verdicts are values; a failed placer stays failed.
 */
public final class PayloadPlacer {

    public enum Status {
        /** Accepted; more payload is expected. */
        NEED_MORE,
        /** Every block of every descriptor has been placed. */
        COMPLETE,
        /** A block's SHA-256 differs from its hash-table entry; nothing of that block was written. */
        HASH_MISMATCH,
        /** Bytes arrived after the last block. */
        TOO_MUCH_PAYLOAD,
        /** A location falls outside the disk. */
        OUTSIDE_DISK
    }

    private final FfuImage image;
    private final long diskBlocks;
    private final BlockSink sink;
    private final boolean checkHashes;
    private final byte[] block;
    private final MessageDigest sha256;
    private int filled;
    private long blockNo;
    private int descriptor;
    private Status status = Status.NEED_MORE;
    private String problem;

    /**
     * @param diskBlocks the target's size in blocks (DISK_END locations count back from its end)
     * @param checkHashes check each block against the hash table before writing it
     */
    public PayloadPlacer(FfuImage image, long diskBlocks, BlockSink sink, boolean checkHashes) {
        if (diskBlocks <= 0) {
            throw new IllegalArgumentException("disk size must be at least one block: " + diskBlocks);
        }
        this.image = image;
        this.diskBlocks = diskBlocks;
        this.sink = sink;
        this.checkHashes = checkHashes;
        this.block = new byte[image.blockSize()];
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (image.payloadBlocks() == 0) {
            status = Status.COMPLETE;
        }
    }

    /** Consumes all of {@code data}'s remaining bytes (or stops at the first failure) and says where the flash stands. */
    public Status accept(ByteBuffer data) throws IOException {
        while (data.hasRemaining() && (status == Status.NEED_MORE || status == Status.COMPLETE)) {
            if (status == Status.COMPLETE) {
                problem = data.remaining() + " bytes after the last payload block";
                status = Status.TOO_MUCH_PAYLOAD;
                break;
            }
            if (filled == 0 && data.remaining() >= block.length) {
                // A whole block in the caller's buffer: hash and write it from there, without a copy.
                ByteBuffer whole = data.slice();
                whole.limit(block.length);
                data.position(data.position() + block.length);
                place(whole);
                continue;
            }
            int n = Math.min(data.remaining(), block.length - filled);
            data.get(block, filled, n);
            filled += n;
            if (filled == block.length) {
                place(ByteBuffer.wrap(block));
                filled = 0;
            }
        }
        return status;
    }

    private void place(ByteBuffer blk) throws IOException {
        long chunk = image.headerChunkCount() + blockNo;
        if (checkHashes) {
            sha256.update(blk.duplicate());
            byte[] d = sha256.digest();
            if (!image.hashTable().matches((int) chunk, d)) {
                status = Status.HASH_MISMATCH;
                problem = "payload block " + blockNo + " (chunk " + chunk + " @" + Le.hex(image.chunkOffset(chunk)) + ") does not match the hash table";
                return;
            }
        }
        WriteDescriptor wd = image.descriptors().get(descriptor);
        long j = blockNo - wd.firstPayloadBlock();
        for (DiskLocation loc : wd.locations()) {
            long target = loc.firstDiskBlock(diskBlocks) + j;
            if (target < 0 || target >= diskBlocks) {
                status = Status.OUTSIDE_DISK;
                problem = "descriptor " + descriptor + " location " + loc + " puts payload block " + blockNo + " at disk block " + target
                        + ", outside a disk of " + diskBlocks + " blocks";
                return;
            }
            sink.write(target * block.length, blk.asReadOnlyBuffer());
        }
        blockNo++;
        if (j + 1 == wd.blockCount()) {
            descriptor++;
        }
        if (blockNo == image.payloadBlocks()) {
            status = Status.COMPLETE;
        }
    }

    public Status status() {
        return status;
    }

    /** Blocks placed so far. */
    public long blocksPlaced() {
        return blockNo;
    }

    /** What went wrong, once the status is a failure. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }
}
