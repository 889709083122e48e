package dev.lumiaagent.image.ffu;

import java.nio.charset.StandardCharsets;

/** SECURITY_HEADER at offset 0, 32 bytes (ffu-format §1.1). */
public record SecurityHeader(long cbSize, String signature, long chunkSizeInKb, long algId, long catalogSize, long hashTableSize) {
    public static final int SIZE = 32;
    public static final String SIGNATURE = "SignedImage ";
    /** CALG_SHA_256: every Lumia FFU hashes its chunks with SHA-256. */
    public static final long ALG_SHA256 = 0x800C;

    /** A V1 header with SHA-256 chunk hashes. */
    public static SecurityHeader of(int chunkSizeInKb, long catalogSize, long hashTableSize) {
        return new SecurityHeader(SIZE, SIGNATURE, chunkSizeInKb, ALG_SHA256, catalogSize, hashTableSize);
    }

    public int chunkSize() {
        return (int) (chunkSizeInKb * 1024);
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        Le.put32(b, 0x00, cbSize);
        System.arraycopy(signature.getBytes(StandardCharsets.US_ASCII), 0, b, 0x04, 12);
        Le.put32(b, 0x10, chunkSizeInKb);
        Le.put32(b, 0x14, algId);
        Le.put32(b, 0x18, catalogSize);
        Le.put32(b, 0x1C, hashTableSize);
        return b;
    }

    @Override
    public String toString() {
        return "SECURITY_HEADER cbSize=" + cbSize + " \"" + signature + "\" ChunkSizeInKb=" + chunkSizeInKb + " AlgId="
                + Le.hex(algId) + " CatalogSize=" + catalogSize + " HashTableSize=" + hashTableSize;
    }
}
