package dev.lumiaagent.image.ffu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/** Disk content a builder reads: a raw image file, or generated content such as {@link DemoDisk}. */
public interface BlockSource {
    long sizeBytes() throws IOException;

    /** Fills {@code dst}'s remaining bytes with the disk's bytes at {@code offset}. */
    void read(long offset, ByteBuffer dst) throws IOException;

    /** A raw disk image behind a channel. */
    static BlockSource of(SeekableByteChannel ch) {
        return new BlockSource() {
            @Override
            public long sizeBytes() throws IOException {
                return ch.size();
            }

            @Override
            public void read(long offset, ByteBuffer dst) throws IOException {
                ch.position(offset);
                int zeroReads = 0;
                while (dst.hasRemaining()) {
                    int r = ch.read(dst);
                    if (r < 0) {
                        throw new IOException("raw image ends at " + ch.position() + " while reading at " + offset);
                    }
                    if (r == 0 && ++zeroReads > 100) {
                        throw new IOException("raw image channel returned no data 100 times at " + ch.position());
                    }
                }
            }
        };
    }
}
