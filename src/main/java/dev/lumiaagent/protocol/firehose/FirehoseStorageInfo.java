package dev.lumiaagent.protocol.firehose;

import java.util.Objects;

/** The storage geometry a programmer logs for {@code <getstorageinfo>} (§3.4). */
public record FirehoseStorageInfo(long totalBlocks, int blockSize, int numPhysical, String memoryType, String productName) {
    public FirehoseStorageInfo {
        Objects.requireNonNull(memoryType, "memoryType");
        Objects.requireNonNull(productName, "productName");
        if (totalBlocks <= 0 || blockSize <= 0) {
            throw new IllegalArgumentException("storage info needs a positive size: " + totalBlocks + " × " + blockSize);
        }
    }

    public long totalBytes() {
        return Math.multiplyExact(totalBlocks, (long) blockSize);
    }

    @Override
    public String toString() {
        return memoryType + " " + totalBlocks + "×" + blockSize + " B" + (productName.isEmpty() ? "" : " " + productName)
                + ", " + numPhysical + " LUN" + (numPhysical == 1 ? "" : "s");
    }
}
