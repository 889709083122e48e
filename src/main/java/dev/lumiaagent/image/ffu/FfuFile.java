package dev.lumiaagent.image.ffu;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An FFU on disk, opened for reading: its parsed headers plus what a flash needs — the combined
 * header for the one header message and the payload in file order. Owns its channel.
 */
public final class FfuFile implements Closeable {
    /** Largest combined header served as one buffer: the hash-table bound plus the other regions. */
    public static final long MAX_COMBINED_HEADER = FfuParser.MAX_HASH_TABLE + 8L * (1 << 20);

    private final SeekableByteChannel ch;
    private final FfuImage image;

    private FfuFile(SeekableByteChannel ch, FfuImage image) {
        this.ch = ch;
        this.image = image;
    }

    public static FfuFile open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new FfuFile(ch, FfuParser.parse(ch));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Wraps a channel the caller gives (closed with this object). */
    public static FfuFile of(SeekableByteChannel ch) throws IOException {
        return new FfuFile(ch, FfuParser.parse(ch));
    }

    public FfuImage image() {
        return image;
    }

    public long fileLength() throws IOException {
        return ch.size();
    }

    /** Bytes [0, payloadOffset) verbatim, read-only: the flash app's header message (lumia-protocols §4.1 step 2). */
    public ByteBuffer combinedHeader() throws IOException {
        long n = image.payloadOffset();
        if (n > MAX_COMBINED_HEADER) {
            throw new FfuFormatException(0, "combined header", "length", n + " bytes exceeds the " + MAX_COMBINED_HEADER + "-byte bound");
        }
        ByteBuffer b = ByteBuffer.allocate((int) n);
        ch.position(0);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new FfuFormatException(0, "combined header", "length", "file ends at " + Le.hex(b.position()));
            }
        }
        return b.flip().asReadOnlyBuffer();
    }

    /** The payload one block per piece (flash protocol v1). */
    public PayloadReader payloadChunks() {
        return PayloadReader.chunks(ch, image);
    }

    /** The payload in pieces of {@code pieceBytes} (a multiple of the block size: the v2 WriteBufferSize). */
    public PayloadReader payloadPieces(int pieceBytes) {
        return PayloadReader.pieces(ch, image, pieceBytes);
    }

    public FfuVerification verify(FfuProgress progress) throws IOException {
        return FfuVerifier.verify(ch, image, progress);
    }

    public void reconstruct(long diskBlocks, BlockSink sink, boolean checkHashes, FfuProgress progress) throws IOException {
        RawImage.reconstruct(ch, image, diskBlocks, sink, checkHashes, progress);
    }

    public boolean platformMatches(String phonePlatformId) {
        return image.platformMatches(phonePlatformId);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
