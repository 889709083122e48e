package dev.lumiaagent.image.ffu;

import java.util.List;

/**
 * BLOCK_DATA_ENTRY: the next {@code blockCount} payload blocks, written to every location
 * (ffu-format §1.9). {@code firstPayloadBlock} is the payload cursor where this entry's data starts.
 */
public record WriteDescriptor(long blockCount, List<DiskLocation> locations, long firstPayloadBlock) {

    public WriteDescriptor {
        locations = List.copyOf(locations);
        if (locations.isEmpty()) {
            throw new IllegalArgumentException("a write descriptor needs at least one location");
        }
        if (blockCount < 1 || blockCount > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("BlockCount out of range: " + blockCount);
        }
    }

    /** Encoded size: 8 + 8 × LocationCount. */
    public int encodedLength() {
        return 8 + DiskLocation.SIZE * locations.size();
    }

    public void encode(byte[] dst, int off) {
        Le.put32(dst, off, locations.size());
        Le.put32(dst, off + 4, blockCount);
        int p = off + 8;
        for (DiskLocation l : locations) {
            Le.put32(dst, p, l.method().code());
            Le.put32(dst, p + 4, l.blockIndex());
            p += DiskLocation.SIZE;
        }
    }

    @Override
    public String toString() {
        return "BLOCK_DATA_ENTRY payload[" + firstPayloadBlock + (blockCount == 1 ? "" : ".." + (firstPayloadBlock + blockCount - 1))
                + "] -> " + locations;
    }
}
