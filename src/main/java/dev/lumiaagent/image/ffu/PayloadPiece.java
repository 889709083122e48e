package dev.lumiaagent.image.ffu;

import java.nio.ByteBuffer;

/**
 * A run of payload in file order, as a flash message carries it.
 *
 * @param payloadBlock first payload block in the piece (0 = first block after the combined header)
 * @param chunkIndex   hash-table index of that block (payloadBlock + header chunks)
 * @param blocks       whole blocks in the piece
 * @param fileOffset   where the piece starts in the file
 * @param data         read-only bytes, valid until the next call on the reader
 */
public record PayloadPiece(long payloadBlock, long chunkIndex, int blocks, long fileOffset, ByteBuffer data) {
    @Override
    public String toString() {
        return "PAYLOAD block " + payloadBlock + (blocks > 1 ? ".." + (payloadBlock + blocks - 1) : "") + " chunk " + chunkIndex + " @"
                + Le.hex(fileOffset) + " " + data.remaining() + "B";
    }
}
