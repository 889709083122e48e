package dev.lumiaagent.protocol.flashapp;

import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Field rules shared by the NOK records: printable-ASCII names, byte-array copies, trace text. */
final class NokFields {
    private NokFields() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A name or string field: printable ASCII, 1..max characters (records validate with this). */
    static String requireAsciiName(String what, String value, int max) {
        if (value == null || value.isEmpty() || value.length() > max) {
            throw new IllegalArgumentException(what + " must be 1.." + max + " ASCII characters: " + value);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw new IllegalArgumentException(what + " must be printable ASCII without spaces: " + value);
            }
        }
        return value;
    }

    /**
     * Reads a NUL-padded name of {@code len} bytes at {@code off}: printable ASCII, then only NULs.
     * Anything else is a desync.
     */
    static String paddedName(byte[] b, int off, int len, String what) {
        Bytes.need(b, off, len, what);
        int end = off;
        while (end < off + len && b[end] != 0) {
            int c = b[end] & 0xFF;
            if (c < 0x21 || c > 0x7E) {
                throw new ProtocolException(what + " at offset " + end + ": byte 0x" + Integer.toHexString(c) + " is not a name character");
            }
            end++;
        }
        for (int i = end; i < off + len; i++) {
            if (b[i] != 0) {
                throw new ProtocolException(what + " at offset " + i + ": non-NUL byte after the name's end");
            }
        }
        if (end == off) {
            throw new ProtocolException(what + " at offset " + off + " is empty");
        }
        return new String(b, off, end - off, StandardCharsets.US_ASCII);
    }

    static void putPadded(byte[] b, int off, String value) {
        byte[] s = ascii(value);
        System.arraycopy(s, 0, b, off, s.length);
    }

    static String shortHex(byte[] b) {
        return b.length <= 16 ? Bytes.hex(b) : Bytes.hex(b, 0, 8) + "…" + Bytes.hex(b, b.length - 4, 4) + " (" + b.length + " B)";
    }

    /** Byte [8] of a {@code NOKXFS} message: a percentage. */
    static int requireProgress(int progress) {
        if (progress < 0 || progress > 100) {
            throw new IllegalArgumentException("progress is 0..100: " + progress);
        }
        return progress;
    }

    /**
     * A read-only view of {@code b}'s remaining bytes (position 0, capacity = length) that shares its
     * memory; {@code b} itself is not moved. Rejects data too long for an {@code int}-sized message.
     */
    static ByteBuffer dataView(ByteBuffer b, NokFlashLayout layout) {
        Objects.requireNonNull(b, "data");
        if (b.remaining() > Integer.MAX_VALUE - layout.dataOffset() - layout.subblockOverhead()) {
            throw new IllegalArgumentException(layout.label() + " data of " + b.remaining() + " bytes does not fit one message");
        }
        return b.slice().asReadOnlyBuffer();
    }
}
