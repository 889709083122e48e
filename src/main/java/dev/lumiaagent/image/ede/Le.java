package dev.lumiaagent.image.ede;

/** Little-endian reads with a named error for every short read (ELF here is always little-endian). */
final class Le {
    private Le() {
    }

    static void need(byte[] b, int off, int len, long base, String field) {
        if (off < 0 || len < 0 || (long) off + len > b.length) {
            throw new EdeFormatException(base + Math.max(off, 0), field, "needs " + len + " bytes, only "
                    + Math.max(0, b.length - Math.max(off, 0)) + " available");
        }
    }

    static int u16(byte[] b, int off, long base, String field) {
        need(b, off, 2, base, field);
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    static long u32(byte[] b, int off, long base, String field) {
        need(b, off, 4, base, field);
        return (b[off] & 0xFFL) | (b[off + 1] & 0xFFL) << 8 | (b[off + 2] & 0xFFL) << 16 | (b[off + 3] & 0xFFL) << 24;
    }

    static long u64(byte[] b, int off, long base, String field) {
        need(b, off, 8, base, field);
        return u32(b, off, base, field) | u32(b, off + 4, base, field) << 32;
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    static void put32(byte[] b, int off, long v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    static void put64(byte[] b, int off, long v) {
        put32(b, off, v);
        put32(b, off + 4, v >>> 32);
    }
}
