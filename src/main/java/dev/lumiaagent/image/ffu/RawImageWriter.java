package dev.lumiaagent.image.ffu;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a reconstructed disk to a raw file: the file is sized to the whole disk first, so the blocks
 * an FFU never writes stay holes on file systems that support sparse files.
 */
public final class RawImageWriter implements BlockSink, Closeable {
    private final FileChannel ch;
    private final long diskBytes;

    public RawImageWriter(Path out, long diskBytes) throws IOException {
        this.diskBytes = diskBytes;
        this.ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.SPARSE);
        if (diskBytes > 0) {
            ch.write(ByteBuffer.allocate(1), diskBytes - 1); // sets the length without writing the rest
        }
    }

    @Override
    public void write(long diskByteOffset, ByteBuffer data) throws IOException {
        if (diskByteOffset < 0 || data.remaining() > diskBytes - diskByteOffset) {
            throw new IOException("write of " + data.remaining() + " bytes at " + diskByteOffset + " outside a disk of " + diskBytes + " bytes");
        }
        long pos = diskByteOffset;
        while (data.hasRemaining()) {
            pos += ch.write(data, pos);
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
