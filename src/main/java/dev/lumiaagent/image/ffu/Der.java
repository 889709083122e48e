package dev.lumiaagent.image.ffu;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small DER reader and writer: enough to find the hash-table digest inside a catalog and to write
 * the unsigned catalog a builder needs. Not a general ASN.1 library: definite lengths only, bounded
 * depth and node count, every length checked against its parent before use.
 */
final class Der {
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;
    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int BMP_STRING = 0x1E;
    static final int UTC_TIME = 0x17;

    private static final int MAX_DEPTH = 40;
    private static final int MAX_NODES = 200_000;

    /** Thrown for bytes that are not well-formed DER; the catalog reports it as its problem. */
    static final class DerException extends Exception {
        private static final long serialVersionUID = 1L;

        DerException(String message) {
            super(message);
        }
    }

    /** One TLV: {@code tag} is the identifier octet (high tag numbers are folded into {@code tagNumber}). */
    record Node(int tag, long tagNumber, int offset, int headerLength, int length, List<Node> children) {
        boolean constructed() {
            return (tag & 0x20) != 0;
        }

        int valueOffset() {
            return offset + headerLength;
        }

        int end() {
            return valueOffset() + length;
        }

        Node child(int i) {
            return i < children.size() ? children.get(i) : null;
        }

        boolean is(int t) {
            return tag == t;
        }
    }

    static Node parse(byte[] b) throws DerException {
        int[] budget = {MAX_NODES};
        Node root = node(b, 0, b.length, 0, budget);
        if (root.end() != b.length) {
            throw new DerException((b.length - root.end()) + " bytes after the outer DER value");
        }
        return root;
    }

    private static Node node(byte[] b, int off, int limit, int depth, int[] budget) throws DerException {
        if (depth > MAX_DEPTH) {
            throw new DerException("nesting deeper than " + MAX_DEPTH + " at byte " + off);
        }
        if (--budget[0] < 0) {
            throw new DerException("more than " + MAX_NODES + " DER values");
        }
        int p = off;
        if (p >= limit) {
            throw new DerException("value cut off at byte " + off);
        }
        int tag = b[p++] & 0xFF;
        long tagNumber = tag & 0x1F;
        if (tagNumber == 0x1F) {
            tagNumber = 0;
            for (int i = 0;; i++) {
                if (p >= limit || i >= 4) {
                    throw new DerException("bad high tag number at byte " + off);
                }
                int x = b[p++] & 0xFF;
                tagNumber = tagNumber << 7 | (x & 0x7F);
                if ((x & 0x80) == 0) {
                    break;
                }
            }
        }
        if (p >= limit) {
            throw new DerException("length cut off at byte " + off);
        }
        int first = b[p++] & 0xFF;
        long len;
        if (first < 0x80) {
            len = first;
        } else if (first == 0x80) {
            throw new DerException("indefinite length at byte " + off + " (not DER)");
        } else {
            int n = first & 0x7F;
            if (n > 4 || p + n > limit) {
                throw new DerException("length of " + n + " bytes at byte " + off);
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = len << 8 | (b[p++] & 0xFF);
            }
        }
        if (len > limit - p) {
            throw new DerException("length " + len + " at byte " + off + " runs past its container (" + (limit - p) + " bytes left)");
        }
        int header = p - off;
        List<Node> kids = new ArrayList<>();
        if ((tag & 0x20) != 0) {
            int q = p;
            int end = (int) (p + len);
            while (q < end) {
                Node k = node(b, q, end, depth + 1, budget);
                kids.add(k);
                q = k.end();
            }
        }
        return new Node(tag, tagNumber, off, header, (int) len, List.copyOf(kids));
    }

    /** Dotted form of an OBJECT IDENTIFIER node's value. */
    static String oid(byte[] b, Node n) throws DerException {
        if (!n.is(OID) || n.length() == 0) {
            throw new DerException("expected an OID at byte " + n.offset());
        }
        StringBuilder s = new StringBuilder();
        long v = 0;
        boolean firstArc = true;
        for (int i = n.valueOffset(); i < n.end(); i++) {
            int x = b[i] & 0xFF;
            if (v > (Long.MAX_VALUE >> 8)) {
                throw new DerException("OID arc too large at byte " + n.offset());
            }
            v = v << 7 | (x & 0x7F);
            if ((x & 0x80) == 0) {
                if (firstArc) {
                    long a = Math.min(v / 40, 2);
                    s.append(a).append('.').append(v - 40 * a);
                    firstArc = false;
                } else {
                    s.append('.').append(v);
                }
                v = 0;
            }
        }
        if ((b[n.end() - 1] & 0x80) != 0) {
            throw new DerException("OID cut off at byte " + n.offset());
        }
        return s.toString();
    }

    static boolean isOid(byte[] b, Node n, String dotted) {
        try {
            return n != null && n.is(OID) && oid(b, n).equals(dotted);
        } catch (DerException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- writing

    static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            v.writeBytes(p);
        }
        byte[] value = v.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int len = value.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >>> 8);
            out.write(len);
        } else {
            out.write(0x84);
            out.write(len >>> 24);
            out.write(len >>> 16);
            out.write(len >>> 8);
            out.write(len);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    static byte[] seq(byte[]... parts) {
        return tlv(SEQUENCE, parts);
    }

    static byte[] set(byte[]... parts) {
        return tlv(SET, parts);
    }

    static byte[] explicit(int tagNumber, byte[]... parts) {
        return tlv(0xA0 | tagNumber, parts);
    }

    static byte[] nullValue() {
        return new byte[] {NULL, 0};
    }

    static byte[] integer(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("non-negative only");
        }
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int bytes = 1;
        while (bytes < 8 && (v >>> (8 * bytes)) != 0) {
            bytes++;
        }
        if (((v >>> (8 * (bytes - 1))) & 0x80) != 0) {
            o.write(0); // keep it positive
        }
        for (int i = bytes - 1; i >= 0; i--) {
            o.write((int) (v >>> (8 * i)));
        }
        return tlv(INTEGER, o.toByteArray());
    }

    static byte[] octets(byte[] v) {
        return tlv(OCTET_STRING, v);
    }

    static byte[] bmp(String s) {
        return tlv(BMP_STRING, s.getBytes(StandardCharsets.UTF_16BE));
    }

    static byte[] utcTime(String yymmddhhmmssZ) {
        return tlv(UTC_TIME, yymmddhhmmssZ.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        base128(o, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            base128(o, Long.parseLong(arcs[i]));
        }
        return tlv(OID, o.toByteArray());
    }

    private static void base128(ByteArrayOutputStream o, long v) {
        int groups = 1;
        while (groups < 10 && (v >>> (7 * groups)) != 0) {
            groups++;
        }
        for (int i = groups - 1; i >= 0; i--) {
            int x = (int) ((v >>> (7 * i)) & 0x7F);
            o.write(i == 0 ? x : x | 0x80);
        }
    }

    private Der() {
    }
}
