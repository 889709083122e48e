package dev.lumiaagent.flow;

import dev.lumiaagent.device.Firehose;
import dev.lumiaagent.image.ffu.BlockSink;
import dev.lumiaagent.protocol.firehose.FirehoseResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;

/**
 * A disk sink that writes through Firehose {@code program} commands, merging contiguous writes into
 * one command of up to {@link #MAX_RUN} bytes (one 128 KiB command per FFU block would cost a round
 * trip each). Memory stays bounded by that run buffer.
 */
final class FirehoseDiskWriter implements BlockSink {
    static final int MAX_RUN = 4 << 20;

    private final Firehose session;
    private final int sectorSize;
    private final ByteBuffer run = ByteBuffer.allocate(MAX_RUN);
    private long runStart = -1;
    private long bytesWritten;
    private final Progress progress;

    interface Progress {
        void written(long bytes);
    }

    /** What was written, for the read-back (VerifyImage); null when nobody asks. */
    private final WrittenImage image;

    FirehoseDiskWriter(Firehose session, Progress progress) {
        this(session, progress, null);
    }

    FirehoseDiskWriter(Firehose session, Progress progress, WrittenImage image) {
        this.session = session;
        this.sectorSize = session.sectorSize();
        this.progress = progress;
        this.image = image;
    }

    @Override
    public void write(long diskByteOffset, ByteBuffer data) throws IOException {
        if (diskByteOffset % sectorSize != 0) {
            throw new IOException("disk offset " + diskByteOffset + " is not on a " + sectorSize + "-byte sector");
        }
        if (image != null) {
            image.sent(0, sectorSize, diskByteOffset, data); // each piece's SHA-256 as it goes out, for the read-back
        }
        ByteBuffer src = data.duplicate();
        long offset = diskByteOffset;
        while (src.hasRemaining()) {
            if (runStart >= 0 && (runStart + run.position() != offset || !run.hasRemaining())) {
                flush();
            }
            if (runStart < 0) {
                runStart = offset;
            }
            int n = Math.min(src.remaining(), run.remaining());
            ByteBuffer slice = src.slice();
            slice.limit(n);
            run.put(slice);
            src.position(src.position() + n);
            offset += n;
        }
        data.position(data.limit());
    }

    /** Sends what is buffered; a NAK ends the write with the device's reason. */
    void flush() throws IOException {
        if (runStart < 0 || run.position() == 0) {
            runStart = -1;
            return;
        }
        run.flip();
        int len = run.remaining();
        long sectors = (len + sectorSize - 1) / sectorSize;
        FirehoseResult<Long> r = session.program(runStart / sectorSize, sectors, 0, Channels.newChannel(
                new java.io.ByteArrayInputStream(run.array(), 0, len)));
        if (!r.isOk()) {
            throw new FirehoseWriteRefused(r);
        }
        bytesWritten += len;
        progress.written(bytesWritten);
        run.clear();
        runStart = -1;
    }

    /** The programmer NAKed a program command. */
    static final class FirehoseWriteRefused extends IOException {
        final transient FirehoseResult<Long> result;

        FirehoseWriteRefused(FirehoseResult<Long> result) {
            super("the programmer refused a write: " + result);
            this.result = result;
        }
    }
}
