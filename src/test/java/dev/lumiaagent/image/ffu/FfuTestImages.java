package dev.lumiaagent.image.ffu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Builds FFUs in memory for tests. */
final class FfuTestImages {

    /** A disk held in a byte array. */
    static BlockSource disk(byte[] bytes) {
        return BlockSource.of(new ByteArrayChannel(bytes));
    }

    static byte[] build(FfuBuilder builder, BlockSource src) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        builder.build(src, Channels.newChannel(out));
        return out.toByteArray();
    }

    static FfuImage parse(byte[] ffu) throws IOException {
        return FfuParser.parse(new ByteArrayChannel(ffu));
    }

    static FfuVerification verify(byte[] ffu) throws IOException {
        ByteArrayChannel ch = new ByteArrayChannel(ffu);
        return FfuVerifier.verify(ch, FfuParser.parse(ch), FfuProgress.NONE);
    }

    static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    static String hex(byte[] b, int off, int len) {
        return HexFormat.of().formatHex(b, off, off + len);
    }

    static long u32(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
    }

    static void put32(byte[] b, int off, long v) {
        ByteBuffer.wrap(b, off, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) v);
    }

    /** A deterministic non-zero block. */
    static void pattern(byte[] disk, int off, int len, int seed) {
        for (int i = 0; i < len; i++) {
            disk[off + i] = (byte) (seed * 31 + i * 7 + (i >>> 9) + 1);
        }
    }

    private FfuTestImages() {
    }
}
