package dev.lumiaagent.sim;

import dev.lumiaagent.image.ffu.BlockSink;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The {@link SimStorage#DIGEST} eMMC: counts what is written and folds each write's offset and bytes
 * into a CRC-32C (an intrinsic on x86 and ARM, so it costs far less than the block hashes the flash
 * app checks anyway). Not a proof against a forger, only a fingerprint of what was flashed, where.
 */
public final class WriteDigest implements BlockSink {
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer offsetBytes = ByteBuffer.allocate(Long.BYTES);
    private long bytes;
    private long writes;

    @Override
    public synchronized void write(long diskByteOffset, ByteBuffer data) {
        offsetBytes.clear();
        offsetBytes.putLong(diskByteOffset).flip();
        crc.update(offsetBytes);
        bytes += data.remaining();
        writes++;
        crc.update(data); // consumes the buffer, as a sink must
    }

    /** The bytes written so far. */
    public synchronized long bytes() {
        return bytes;
    }

    /** How many writes (blocks or runs of blocks) there were. */
    public synchronized long writes() {
        return writes;
    }

    /** The CRC-32C over every write's offset (8 bytes, big-endian) and bytes, in order. */
    public synchronized long crc32c() {
        return crc.getValue();
    }

    @Override
    public synchronized String toString() {
        return String.format("%d bytes in %d writes, CRC-32C %08x", bytes, writes, crc.getValue());
    }
}
