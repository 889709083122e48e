package dev.lumiaagent.protocol.wire;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Byte-order helpers and guards shared by the codecs. Big-endian (BE) and little-endian (LE). */
public final class Bytes {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private Bytes() {
    }

    public static int u8(byte[] b, int off) {
        need(b, off, 1, "u8");
        return b[off] & 0xFF;
    }

    public static int be16(byte[] b, int off) {
        need(b, off, 2, "BE16");
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    public static long be32(byte[] b, int off) {
        need(b, off, 4, "BE32");
        return ((long) (b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    public static long le32(byte[] b, int off) {
        need(b, off, 4, "LE32");
        return ((long) (b[off + 3] & 0xFF) << 24) | ((b[off + 2] & 0xFF) << 16) | ((b[off + 1] & 0xFF) << 8) | (b[off] & 0xFF);
    }

    public static long le64(byte[] b, int off) {
        need(b, off, 8, "LE64");
        return (le32(b, off) & 0xFFFFFFFFL) | (le32(b, off + 4) << 32);
    }

    public static void putBe16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    public static void putBe32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    public static void putLe32(byte[] b, int off, long v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    public static void putLe64(byte[] b, int off, long v) {
        putLe32(b, off, v);
        putLe32(b, off + 4, v >>> 32);
    }

    /** ASCII text of {@code len} bytes, cut at the first NUL and trimmed of trailing spaces. */
    public static String ascii(byte[] b, int off, int len) {
        need(b, off, len, "ASCII field");
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.US_ASCII).stripTrailing();
    }

    public static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    public static String hex(byte[] b, int off, int len) {
        return HEX.formatHex(b, off, off + len);
    }

    /** Parses hex with optional spaces, e.g. {@code "4E4F4B56 00 01"}. */
    public static byte[] fromHex(String text) {
        return HEX.parseHex(text.replaceAll("\\s+", ""));
    }

    /** Throws {@link ProtocolException} unless {@code b} holds {@code len} bytes at {@code off}. */
    public static void need(byte[] b, int off, int len, String what) {
        if (off < 0 || len < 0 || off + len > b.length) {
            throw new ProtocolException(what + " at offset " + off + " needs " + len + " bytes, message has " + b.length);
        }
    }
}
