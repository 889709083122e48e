package dev.lumiaagent.image.ffu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * Streams an FFU's payload in file order in pieces of a whole number of blocks: one block per piece
 * for the v1 flash protocol, WriteBufferSize bytes for v2 (lumia-protocols §4.1). Reads ahead in
 * large sequential reads into one reused buffer; a piece's bytes are valid until the next call.
 */
public final class PayloadReader {
    private static final int READ_AHEAD_BYTES = 4 << 20;

    private final SeekableByteChannel ch;
    private final FfuImage image;
    private final int pieceBytes;
    private final ByteBuffer buffer;
    private long nextBlock;
    private long bufferFirstBlock;
    private int bufferBlocks;

    /** One block per piece. */
    public static PayloadReader chunks(SeekableByteChannel ch, FfuImage image) {
        return new PayloadReader(ch, image, image.blockSize());
    }

    /** Pieces of {@code pieceBytes}, a positive multiple of the block size (the last piece may be shorter). */
    public static PayloadReader pieces(SeekableByteChannel ch, FfuImage image, int pieceBytes) {
        return new PayloadReader(ch, image, pieceBytes);
    }

    private PayloadReader(SeekableByteChannel ch, FfuImage image, int pieceBytes) {
        int bs = image.blockSize();
        if (pieceBytes <= 0 || pieceBytes % bs != 0) {
            throw new IllegalArgumentException("piece size " + pieceBytes + " is not a positive multiple of the block size " + bs);
        }
        this.ch = ch;
        this.image = image;
        this.pieceBytes = pieceBytes;
        int cap = Math.max(pieceBytes, READ_AHEAD_BYTES / pieceBytes * pieceBytes);
        // Direct: a FileChannel reads straight into it (a heap buffer costs one more copy per byte).
        this.buffer = ByteBuffer.allocateDirect(cap);
    }

    public boolean hasNext() {
        return nextBlock < image.payloadBlocks();
    }

    /** Total payload blocks (for progress: blocks done / total). */
    public long totalBlocks() {
        return image.payloadBlocks();
    }

    /** The next piece; throws {@link FfuFormatException} when the file ends before the payload does. */
    public PayloadPiece next() throws IOException {
        if (!hasNext()) {
            throw new java.util.NoSuchElementException("payload fully read");
        }
        int bs = image.blockSize();
        if (nextBlock >= bufferFirstBlock + bufferBlocks) {
            fill();
        }
        int perPiece = pieceBytes / bs;
        int at = (int) (nextBlock - bufferFirstBlock);
        int n = (int) Math.min(perPiece, bufferBlocks - at);
        ByteBuffer slice = buffer.duplicate();
        slice.limit((at + n) * bs).position(at * bs);
        PayloadPiece p = new PayloadPiece(nextBlock, image.headerChunkCount() + nextBlock, n,
                image.payloadOffset() + nextBlock * bs, slice.slice().asReadOnlyBuffer());
        nextBlock += n;
        return p;
    }

    private void fill() throws IOException {
        int bs = image.blockSize();
        long remainingBlocks = image.payloadBlocks() - nextBlock;
        int blocks = (int) Math.min(buffer.capacity() / bs, remainingBlocks);
        long pos = image.payloadOffset() + nextBlock * bs;
        buffer.clear().limit(blocks * bs);
        ch.position(pos);
        int zeroReads = 0;
        while (buffer.hasRemaining()) {
            int r = ch.read(buffer);
            if (r < 0) {
                throw new FfuFormatException(image.payloadOffset(), "payload", "block " + (nextBlock + buffer.position() / bs),
                        "file ends at " + Le.hex(pos + buffer.position()) + ", before EOF " + Le.hex(image.expectedFileLength()));
            }
            if (r == 0 && ++zeroReads > 100) {
                throw new IOException("channel returned no data 100 times at " + Le.hex(pos + buffer.position()));
            }
        }
        bufferFirstBlock = nextBlock;
        bufferBlocks = blocks;
    }
}
