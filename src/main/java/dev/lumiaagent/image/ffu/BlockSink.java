package dev.lumiaagent.image.ffu;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Where reconstructed disk writes go: a raw file, an in-memory disk, a phone's eMMC. */
@FunctionalInterface
public interface BlockSink {
    /**
     * Writes {@code data}'s remaining bytes at {@code diskByteOffset}. The buffer is only valid during
     * the call (callers reuse it); a sink that keeps the bytes copies them.
     */
    void write(long diskByteOffset, ByteBuffer data) throws IOException;
}
