package dev.lumiaagent.image.ede;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a certificate chain area into its DER certificates: each is one SEQUENCE (tag 0x30) whose
 * length is read from its DER length octets; after the last certificate only padding (all 0x00 or all
 * 0xFF, as signing tools leave it) may follow. No X.509 parse: the PBL and WPinternals only hash bytes.
 */
final class DerChain {
    /** A chain longer than this is not a programmer's (Qualcomm chains have 2–3 certificates). */
    static final int MAX_CERTIFICATES = 6;
    static final int MAX_CERTIFICATE_SIZE = 16 * 1024;

    private DerChain() {
    }

    static List<byte[]> split(byte[] area, long base) {
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while (at < area.length && (area[at] & 0xFF) == 0x30) {
            if (out.size() == MAX_CERTIFICATES) {
                throw new EdeFormatException(base + at, "certificate chain", "more than " + MAX_CERTIFICATES + " certificates");
            }
            int total = tlvLength(area, at, base);
            out.add(Arrays.copyOfRange(area, at, at + total));
            at += total;
        }
        if (out.isEmpty()) {
            throw new EdeFormatException(base, "certificate chain", "no DER certificate (expected tag 0x30)");
        }
        if (at < area.length) {
            byte pad = area[at];
            if (pad != 0 && pad != (byte) 0xFF) {
                throw new EdeFormatException(base + at, "certificate chain padding",
                        String.format("expected 00 or FF after the last certificate, found %02X", pad & 0xFF));
            }
            for (int i = at; i < area.length; i++) {
                if (area[i] != pad) {
                    throw new EdeFormatException(base + i, "certificate chain padding", "padding is not uniform");
                }
            }
        }
        return out;
    }

    /** Whole TLV size (tag + length octets + content) of the element at {@code at}. */
    static int tlvLength(byte[] b, int at, long base) {
        Le.need(b, at, 2, base, "DER length");
        int first = b[at + 1] & 0xFF;
        int header;
        long content;
        if (first < 0x80) {
            header = 2;
            content = first;
        } else {
            int n = first & 0x7F;
            if (n == 0 || n > 3) {
                throw new EdeFormatException(base + at + 1, "DER length", "length form 0x" + Integer.toHexString(first)
                        + " is indefinite or larger than 16 MiB");
            }
            Le.need(b, at + 2, n, base, "DER length octets");
            content = 0;
            for (int i = 0; i < n; i++) {
                content = content << 8 | (b[at + 2 + i] & 0xFF);
            }
            header = 2 + n;
        }
        long total = header + content;
        if (total > MAX_CERTIFICATE_SIZE) {
            throw new EdeFormatException(base + at, "certificate", "DER element of " + total + " bytes exceeds "
                    + MAX_CERTIFICATE_SIZE);
        }
        Le.need(b, at, (int) total, base, "certificate");
        return (int) total;
    }

    /** DER encoding of a length. */
    static byte[] encodeLength(int length) {
        if (length < 0x80) {
            return new byte[] {(byte) length};
        }
        if (length < 0x100) {
            return new byte[] {(byte) 0x81, (byte) length};
        }
        if (length < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (length >>> 8), (byte) length};
        }
        return new byte[] {(byte) 0x83, (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }

    static byte[] tlv(int tag, byte[] content) {
        byte[] len = encodeLength(content.length);
        byte[] out = new byte[1 + len.length + content.length];
        out[0] = (byte) tag;
        System.arraycopy(len, 0, out, 1, len.length);
        System.arraycopy(content, 0, out, 1 + len.length, content.length);
        return out;
    }
}
