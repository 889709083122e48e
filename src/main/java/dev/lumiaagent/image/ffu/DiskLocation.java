package dev.lumiaagent.image.ffu;

import java.util.Objects;

/** DISK_LOCATION: 8 bytes, where a write descriptor's blocks go (ffu-format §1.9, §4.1). */
public record DiskLocation(DiskAccessMethod method, long blockIndex) {
    public static final int SIZE = 8;

    public DiskLocation {
        Objects.requireNonNull(method, "method");
        if (blockIndex < 0 || blockIndex > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("BlockIndex out of u32 range: " + blockIndex);
        }
    }

    public static DiskLocation begin(long blockIndex) {
        return new DiskLocation(DiskAccessMethod.DISK_BEGIN, blockIndex);
    }

    public static DiskLocation end(long blockIndex) {
        return new DiskLocation(DiskAccessMethod.DISK_END, blockIndex);
    }

    /**
     * The disk block this location's first block lands on, for a disk of {@code diskBlocks} blocks:
     * DISK_END counts from the last block ({@code diskBlocks - 1 - index}).
     */
    public long firstDiskBlock(long diskBlocks) {
        return method == DiskAccessMethod.DISK_BEGIN ? blockIndex : diskBlocks - 1 - blockIndex;
    }

    @Override
    public String toString() {
        return (method == DiskAccessMethod.DISK_BEGIN ? "BEGIN+" : "END-") + blockIndex;
    }
}
