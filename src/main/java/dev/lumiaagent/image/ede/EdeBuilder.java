package dev.lumiaagent.image.ede;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Makes a small, structurally valid programmer ELF for the simulator and for tests.
 *
 * <p>Simulator convention (no OEM key can sign here): every certificate is a deterministic DER
 * SEQUENCE of two UTF8Strings, not a real X.509 certificate, and the signature is a deterministic
 * filler nobody verifies. The root certificate of a model is exactly
 * {@link #simulatedRootCertificate(String)}{@code (platformId)}, and the simulated phone's fused
 * root-key hash is the SHA-256 of those bytes; so a programmer built for a platform passes the
 * simulated PBL's root-key check on phones of that platform and fails it on every other.
 *
 * <p>Layout: phdr[0] covers the ELF header and program headers (segment type 7), phdr[1] is the hash
 * segment (segment type 2, at 0x1000, as WPinternals expects it second), phdr[2..] are PT_LOAD code
 * segments at the next 0x1000 boundaries.
 */
public final class EdeBuilder {
    static final int ALIGN = 0x1000;
    /** Where the simulated programmer says it loads (an SRAM-like address; no source names Lumia's). */
    static final long LOAD_BASE = 0x08000000L;

    private final List<byte[]> chain = new ArrayList<>();
    private final List<byte[]> segments = new ArrayList<>();
    private boolean elf64;
    private int certPadding = 0x40;

    private EdeBuilder() {
    }

    /** A programmer signed (in the simulator's sense) for phones of {@code platformId}. */
    public static EdeBuilder forPlatform(String platformId) {
        Objects.requireNonNull(platformId, "platformId");
        EdeBuilder b = new EdeBuilder();
        b.chain.add(certificate("lumia-agent simulated attestation certificate", "attest:" + platformId));
        b.chain.add(certificate("lumia-agent simulated attestation CA", "ca:" + platformId));
        b.chain.add(simulatedRootCertificate(platformId));
        b.segments.add(filler("code:" + platformId, 0x600));
        b.segments.add(filler("data:" + platformId, 0x180));
        return b;
    }

    /** The simulated root CA certificate of a platform: SEQUENCE { UTF8String, UTF8String "root-key:" + id }. */
    public static byte[] simulatedRootCertificate(String platformId) {
        return certificate("lumia-agent simulated root CA", "root-key:" + platformId);
    }

    /** The root-key hash phones of {@code platformId} fuse in the simulator: SHA-256 of the root certificate. */
    public static byte[] simulatedRootKeyHash(String platformId) {
        return HashSegment.sha256(simulatedRootCertificate(platformId));
    }

    public EdeBuilder elf64(boolean is64) {
        this.elf64 = is64;
        return this;
    }

    /** Replaces the code segments. */
    public EdeBuilder segments(List<byte[]> data) {
        if (data.isEmpty() || data.size() > ElfHeader.MAX_PROGRAM_HEADERS - 2) {
            throw new IllegalArgumentException("1.." + (ElfHeader.MAX_PROGRAM_HEADERS - 2) + " segments");
        }
        segments.clear();
        data.forEach(d -> segments.add(d.clone()));
        return this;
    }

    /** Bytes of 0xFF after the last certificate (0 = none). */
    public EdeBuilder certificatePadding(int bytes) {
        if (bytes < 0 || bytes > 0x1000) {
            throw new IllegalArgumentException("padding 0..4096");
        }
        this.certPadding = bytes;
        return this;
    }

    public byte[] build() {
        int phnum = 2 + segments.size();
        int phentsize = elf64 ? ProgramHeader.ELF64_SIZE : ProgramHeader.ELF32_SIZE;
        int ehsize = elf64 ? ElfHeader.ELF64_SIZE : ElfHeader.ELF32_SIZE;
        ElfHeader eh = new ElfHeader(elf64, elf64 ? 183 : 40, LOAD_BASE, ehsize, phentsize, phnum);
        int headersSize = ehsize + phnum * phentsize;

        int hashSize = HashSegment.HEADER_SIZE + phnum * HashSegment.DIGEST_SIZE + 256
                + chain.stream().mapToInt(c -> c.length).sum() + certPadding;
        long hashOffset = ALIGN;
        List<ProgramHeader> phdrs = new ArrayList<>();
        phdrs.add(new ProgramHeader(0, ProgramHeader.PT_NULL, ProgramHeader.PHDR_SEGMENT_FLAGS, 0, 0, 0, headersSize, 0, 0));
        long hashPaddr = LOAD_BASE - ALIGN;
        phdrs.add(new ProgramHeader(1, ProgramHeader.PT_NULL, ProgramHeader.HASH_SEGMENT_FLAGS, hashOffset, hashPaddr,
                hashPaddr, hashSize, align(hashSize), ALIGN));
        long offset = align(hashOffset + hashSize);
        long paddr = LOAD_BASE;
        for (int i = 0; i < segments.size(); i++) {
            int len = segments.get(i).length;
            phdrs.add(new ProgramHeader(2 + i, ProgramHeader.PT_LOAD, i == 0 ? 5 : 6, offset, paddr, paddr, len, len, ALIGN));
            offset = align(offset + len);
            paddr += align(len);
        }
        long fileSize = phdrs.get(phdrs.size() - 1).offset() + segments.get(segments.size() - 1).length;
        byte[] file = new byte[(int) fileSize];
        System.arraycopy(eh.encode(), 0, file, 0, ehsize);
        byte[] table = new byte[phnum * phentsize];
        for (ProgramHeader p : phdrs) {
            p.encodeInto(table, elf64);
        }
        System.arraycopy(table, 0, file, ehsize, table.length);
        for (int i = 0; i < segments.size(); i++) {
            System.arraycopy(segments.get(i), 0, file, (int) phdrs.get(2 + i).offset(), segments.get(i).length);
        }
        List<byte[]> hashes = new ArrayList<>();
        for (ProgramHeader p : phdrs) {
            hashes.add(p.isHashSegment() ? new byte[HashSegment.DIGEST_SIZE]
                    : HashSegment.sha256(file, (int) p.offset(), (int) p.filesz()));
        }
        byte[] signature = filler("signature:" + new String(chain.get(chain.size() - 1), StandardCharsets.ISO_8859_1), 256);
        HashSegment hs = new HashSegment(13, hashPaddr + HashSegment.HEADER_SIZE, hashes, signature, chain);
        byte[] hashBytes = hs.encode(certPadding);
        if (hashBytes.length != hashSize) {
            throw new IllegalStateException("hash segment size " + hashBytes.length + " != planned " + hashSize);
        }
        System.arraycopy(hashBytes, 0, file, (int) hashOffset, hashBytes.length);
        return file;
    }

    private static long align(long v) {
        return (v + ALIGN - 1) / ALIGN * ALIGN;
    }

    static byte[] certificate(String subject, String key) {
        byte[] a = DerChain.tlv(0x0C, subject.getBytes(StandardCharsets.UTF_8));
        byte[] b = DerChain.tlv(0x0C, key.getBytes(StandardCharsets.UTF_8));
        byte[] content = new byte[a.length + b.length];
        System.arraycopy(a, 0, content, 0, a.length);
        System.arraycopy(b, 0, content, a.length, b.length);
        return DerChain.tlv(0x30, content);
    }

    /** Deterministic bytes: SHA-256 counter stream of {@code seed}. */
    static byte[] filler(String seed, int length) {
        byte[] out = new byte[length];
        int at = 0;
        for (int n = 0; at < length; n++) {
            byte[] h = HashSegment.sha256((seed + "#" + n).getBytes(StandardCharsets.UTF_8));
            int k = Math.min(h.length, length - at);
            System.arraycopy(h, 0, out, at, k);
            at += k;
        }
        return out;
    }
}
