package dev.lumiaagent.image.ffu;

import java.nio.charset.StandardCharsets;

/** IMAGE_HEADER at imageOff, 24 bytes (ffu-format §1.4). */
public record ImageHeader(long cbSize, String signature, long manifestLength, long chunkSizeInKb) {
    public static final int SIZE = 24;
    /** Two trailing spaces: 12 bytes, as every writer puts it (ffu-format §1.4 [conflict]). */
    public static final String SIGNATURE = "ImageFlash  ";

    public static ImageHeader of(long manifestLength, int chunkSizeInKb) {
        return new ImageHeader(SIZE, SIGNATURE, manifestLength, chunkSizeInKb);
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        Le.put32(b, 0x00, cbSize);
        System.arraycopy(signature.getBytes(StandardCharsets.US_ASCII), 0, b, 0x04, 12);
        Le.put32(b, 0x10, manifestLength);
        Le.put32(b, 0x14, chunkSizeInKb);
        return b;
    }

    @Override
    public String toString() {
        return "IMAGE_HEADER cbSize=" + cbSize + " \"" + signature + "\" ManifestLength=" + manifestLength + " ChunkSize="
                + chunkSizeInKb + "KiB";
    }
}
