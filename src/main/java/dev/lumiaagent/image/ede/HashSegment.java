package dev.lumiaagent.image.ede;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The hash segment of a signed Qualcomm ELF (the program header whose p_flags segment type is 2;
 * WPinternals reads it as "the second program header", edl-protocol.md §4.7). Layout implemented
 * (MBN header version 3, 40 bytes, all u32 little-endian):
 * <pre>
 *   0 image_id   4 header_version(=3)   8 image_src   12 image_dest_ptr   16 image_size
 *  20 code_size  24 signature_ptr  28 signature_size  32 cert_chain_ptr  36 cert_chain_size
 *  40 hash table: code_size bytes = one SHA-256 per program header, in program-header order
 *     (zero for the hash segment itself and for segments without file bytes)
 *     then signature_size bytes of signature, then cert_chain_size bytes of DER certificates
 *     (leaf first, root last), possibly padded with 00 or FF.
 * </pre>
 * image_size must equal code_size + signature_size + cert_chain_size. Other header versions (5, 6 of
 * newer SoCs) are refused by name: no Lumia programmer in our sources uses them (§8 gaps).
 */
public final class HashSegment {
    public static final int HEADER_SIZE = 40;
    public static final int SUPPORTED_VERSION = 3;
    public static final int DIGEST_SIZE = 32;
    static final int MAX_SIGNATURE = 4096;
    static final int MAX_CERT_CHAIN = 64 * 1024;

    private final long imageId;
    private final long imageDestPtr;
    private final List<byte[]> hashes;
    private final byte[] signature;
    private final List<byte[]> certificates;

    HashSegment(long imageId, long imageDestPtr, List<byte[]> hashes, byte[] signature, List<byte[]> certificates) {
        this.imageId = imageId;
        this.imageDestPtr = imageDestPtr;
        this.hashes = hashes.stream().map(byte[]::clone).toList();
        this.signature = signature.clone();
        this.certificates = certificates.stream().map(byte[]::clone).toList();
        if (this.certificates.isEmpty()) {
            throw new IllegalArgumentException("a hash segment needs at least one certificate");
        }
    }

    /**
     * Parses a hash segment's bytes; {@code base} is its offset in the file (for error offsets).
     */
    public static HashSegment parse(byte[] seg, long base) {
        Le.need(seg, 0, HEADER_SIZE, base, "hash segment header");
        long imageId = Le.u32(seg, 0, base, "image_id");
        long version = Le.u32(seg, 4, base, "header_version");
        if (version != SUPPORTED_VERSION) {
            throw new EdeFormatException(base + 4, "header_version", "hash segment header version " + version
                    + " is not supported (only version " + SUPPORTED_VERSION + ")");
        }
        long dest = Le.u32(seg, 12, base, "image_dest_ptr");
        long imageSize = Le.u32(seg, 16, base, "image_size");
        long codeSize = Le.u32(seg, 20, base, "code_size");
        long sigSize = Le.u32(seg, 28, base, "signature_size");
        long certSize = Le.u32(seg, 36, base, "cert_chain_size");
        if (codeSize == 0 || codeSize % DIGEST_SIZE != 0 || codeSize / DIGEST_SIZE > ElfHeader.MAX_PROGRAM_HEADERS) {
            throw new EdeFormatException(base + 20, "code_size", "hash table of " + codeSize
                    + " bytes is not 1.." + ElfHeader.MAX_PROGRAM_HEADERS + " SHA-256 digests");
        }
        if (sigSize > MAX_SIGNATURE) {
            throw new EdeFormatException(base + 28, "signature_size", sigSize + " bytes exceeds " + MAX_SIGNATURE);
        }
        if (certSize == 0 || certSize > MAX_CERT_CHAIN) {
            throw new EdeFormatException(base + 36, "cert_chain_size", certSize + " bytes is not 1.." + MAX_CERT_CHAIN);
        }
        if (imageSize != codeSize + sigSize + certSize) {
            throw new EdeFormatException(base + 16, "image_size", "0x" + Long.toHexString(imageSize)
                    + " is not code_size + signature_size + cert_chain_size = 0x" + Long.toHexString(codeSize + sigSize + certSize));
        }
        if (HEADER_SIZE + imageSize > seg.length) {
            throw new EdeFormatException(base + 16, "image_size", "hash segment holds " + seg.length
                    + " bytes, header says " + (HEADER_SIZE + imageSize));
        }
        List<byte[]> hashes = new ArrayList<>();
        for (int i = 0; i < codeSize / DIGEST_SIZE; i++) {
            int o = HEADER_SIZE + i * DIGEST_SIZE;
            hashes.add(Arrays.copyOfRange(seg, o, o + DIGEST_SIZE));
        }
        int sigAt = (int) (HEADER_SIZE + codeSize);
        byte[] sig = Arrays.copyOfRange(seg, sigAt, sigAt + (int) sigSize);
        int certAt = sigAt + (int) sigSize;
        List<byte[]> certs = DerChain.split(Arrays.copyOfRange(seg, certAt, certAt + (int) certSize), base + certAt);
        return new HashSegment(imageId, dest, hashes, sig, certs);
    }

    /** Encodes the segment; the builder's inverse of {@link #parse}. */
    byte[] encode(int certPadding) {
        int code = hashes.size() * DIGEST_SIZE;
        int certs = certificates.stream().mapToInt(c -> c.length).sum() + certPadding;
        byte[] out = new byte[HEADER_SIZE + code + signature.length + certs];
        Le.put32(out, 0, imageId);
        Le.put32(out, 4, SUPPORTED_VERSION);
        Le.put32(out, 8, 0);
        Le.put32(out, 12, imageDestPtr);
        Le.put32(out, 16, code + signature.length + certs);
        Le.put32(out, 20, code);
        Le.put32(out, 24, imageDestPtr + code);
        Le.put32(out, 28, signature.length);
        Le.put32(out, 32, imageDestPtr + code + signature.length);
        Le.put32(out, 36, certs);
        int at = HEADER_SIZE;
        for (byte[] h : hashes) {
            System.arraycopy(h, 0, out, at, DIGEST_SIZE);
            at += DIGEST_SIZE;
        }
        System.arraycopy(signature, 0, out, at, signature.length);
        at += signature.length;
        for (byte[] c : certificates) {
            System.arraycopy(c, 0, out, at, c.length);
            at += c.length;
        }
        Arrays.fill(out, at, out.length, (byte) 0xFF);
        return out;
    }

    public long imageId() {
        return imageId;
    }

    public long imageDestPtr() {
        return imageDestPtr;
    }

    /** The SHA-256 entries, one per program header. */
    public List<byte[]> hashes() {
        return hashes.stream().map(byte[]::clone).toList();
    }

    public byte[] hash(int programHeader) {
        return hashes.get(programHeader).clone();
    }

    public int hashCount() {
        return hashes.size();
    }

    public byte[] signature() {
        return signature.clone();
    }

    /** DER certificates in file order: leaf (attestation) first, root last. */
    public List<byte[]> certificates() {
        return certificates.stream().map(byte[]::clone).toList();
    }

    public byte[] rootCertificate() {
        return certificates.get(certificates.size() - 1).clone();
    }

    /**
     * The root-key hash the phone's PBL compares with its fused value: SHA-256 over the complete DER
     * encoding (tag, length and content) of the <em>last</em> certificate of the chain, the root CA.
     * Source: WPinternals' QualcommPartition (edl-protocol.md §4.4 "SHA-256 of the last X.509
     * certificate in the embedded chain", §4.7 for {@code .ede} files).
     */
    public byte[] rootKeyHash() {
        return sha256(certificates.get(certificates.size() - 1));
    }

    static byte[] sha256(byte[] data) {
        return sha256(data, 0, data.length);
    }

    static byte[] sha256(byte[] data, int off, int len) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(data, off, len);
            return d.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "HashSegment image_id " + imageId + ", " + hashes.size() + " hashes, signature " + signature.length
                + " B, " + certificates.size() + " certificates";
    }
}
