package dev.lumiaagent.image.ffu;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The catalog after the security header (ffu-format §1.2): a DER PKCS#7 SignedData holding a trust
 * list with one member, {@code HashTable.blob}, whose indirect-data digest is the SHA-1 of the hash
 * table. The bytes are kept as read; the digest is found by walking the DER, never by offset, because
 * signed catalogs carry certificates and a signer before and after it.
 */
public final class Catalog {
    static final String OID_SIGNED_DATA = "1.2.840.113549.1.7.2";
    static final String OID_CTL = "1.3.6.1.4.1.311.10.1";
    static final String OID_CATALOG_LIST = "1.3.6.1.4.1.311.12.1.1";
    static final String OID_CATALOG_MEMBER = "1.3.6.1.4.1.311.12.1.2";
    static final String OID_MEMBER_INFO = "1.3.6.1.4.1.311.12.2.2";
    static final String OID_SPC_INDIRECT_DATA = "1.3.6.1.4.1.311.2.1.4";
    static final String OID_SPC_CAB_DATA = "1.3.6.1.4.1.311.2.1.25";
    static final String OID_SHA1 = "1.3.14.3.2.26";
    static final String OID_SHA256 = "2.16.840.1.101.3.4.2.1";
    /** The member-info GUID MakeCat writes for catalog members (ffu-format §1.2). */
    static final String MEMBER_INFO_GUID = "{DE351A42-8E59-11D0-8C47-00C04FC295EE}";

    private final byte[] der;
    private final String digestAlgorithm;
    private final byte[] hashTableDigest;
    private final int signerCount;
    private final String problem;

    private Catalog(byte[] der, String digestAlgorithm, byte[] hashTableDigest, int signerCount, String problem) {
        this.der = der;
        this.digestAlgorithm = digestAlgorithm;
        this.hashTableDigest = hashTableDigest;
        this.signerCount = signerCount;
        this.problem = problem;
    }

    /** Reads what it can from the bytes; a catalog it cannot read is kept, with the reason as {@link #problem()}. */
    public static Catalog parse(byte[] der) {
        byte[] b = der.clone();
        try {
            Der.Node root = Der.parse(b);
            if (!root.is(Der.SEQUENCE) || !Der.isOid(b, root.child(0), OID_SIGNED_DATA) || root.child(1) == null
                    || root.child(1).tag() != 0xA0 || root.child(1).child(0) == null || !root.child(1).child(0).is(Der.SEQUENCE)) {
                return new Catalog(b, null, null, 0, "not a PKCS#7 SignedData");
            }
            Der.Node signedData = root.child(1).child(0);
            if (signedData.children().isEmpty()) {
                // An empty SEQUENCE where SignedData's fields belong (fuzz input; was an AIOOBE).
                return new Catalog(b, null, null, 0, "empty SignedData (no version, digests, content or signers)");
            }
            Der.Node last = signedData.children().get(signedData.children().size() - 1);
            int signers = last.is(Der.SET) ? last.children().size() : 0;
            Der.Node content = signedData.child(2);
            if (content == null || !content.is(Der.SEQUENCE) || !Der.isOid(b, content.child(0), OID_CTL)) {
                return new Catalog(b, null, null, signers, "content is not a certificate trust list");
            }
            List<Der.Node> digests = new ArrayList<>();
            findIndirectDigests(b, content, digests);
            if (digests.size() != 1) {
                return new Catalog(b, null, null, signers,
                        digests.isEmpty() ? "no member with an indirect-data digest" : digests.size() + " member digests (expected one, HashTable.blob)");
            }
            Der.Node digestInfo = digests.get(0);
            String alg = Der.oid(b, digestInfo.child(0).child(0));
            Der.Node value = digestInfo.child(1);
            String name = alg.equals(OID_SHA1) ? "SHA-1" : alg.equals(OID_SHA256) ? "SHA-256" : null;
            if (name == null) {
                return new Catalog(b, null, null, signers, "member digest algorithm " + alg + " is neither SHA-1 nor SHA-256");
            }
            int expected = name.equals("SHA-1") ? 20 : 32;
            if (value.length() != expected) {
                return new Catalog(b, null, null, signers, name + " digest of " + value.length() + " bytes");
            }
            byte[] digest = java.util.Arrays.copyOfRange(b, value.valueOffset(), value.end());
            return new Catalog(b, name, digest, signers, null);
        } catch (Der.DerException e) {
            return new Catalog(b, null, null, 0, "DER: " + e.getMessage());
        }
    }

    /** Attribute {SPC_INDIRECT_DATA, SET { SpcIndirectDataContent { data, DigestInfo } } } anywhere under the CTL. */
    private static void findIndirectDigests(byte[] b, Der.Node n, List<Der.Node> out) {
        if (n.is(Der.SEQUENCE) && Der.isOid(b, n.child(0), OID_SPC_INDIRECT_DATA)) {
            Der.Node set = n.child(1);
            Der.Node content = set == null ? null : set.child(0);
            Der.Node digestInfo = content == null ? null : content.child(1);
            // Every node is checked before it is followed: an empty SET here was a NullPointerException.
            if (set != null && set.is(Der.SET) && content != null && content.is(Der.SEQUENCE) && digestInfo != null && digestInfo.is(Der.SEQUENCE)
                    && digestInfo.child(0) != null && digestInfo.child(0).is(Der.SEQUENCE) && digestInfo.child(0).child(0) != null
                    && digestInfo.child(0).child(0).is(Der.OID) && digestInfo.child(1) != null && digestInfo.child(1).is(Der.OCTET_STRING)) {
                out.add(digestInfo);
            }
            return;
        }
        for (Der.Node k : n.children()) {
            findIndirectDigests(b, k, out);
        }
    }

    /**
     * The unsigned catalog a builder writes: SignedData (version 1, no digest algorithms, no signers)
     * around a catalog trust list with one member, {@code HashTable.blob}, carrying {@code sha1} of the
     * hash table. Built here from the OIDs of ffu-format §1.2; a phone with a locked bootloader will
     * refuse it (no signature), an unlocked one flashes with SkipSignatureCheck.
     */
    public static byte[] unsignedFor(byte[] sha1OfHashTable) {
        if (sha1OfHashTable.length != 20) {
            throw new IllegalArgumentException("SHA-1 digest must be 20 bytes");
        }
        byte[] tag = "HashTable.blob\0".getBytes(StandardCharsets.UTF_16LE);
        byte[] indirect = Der.seq(Der.oid(OID_SPC_INDIRECT_DATA), Der.set(Der.seq(
                Der.seq(Der.oid(OID_SPC_CAB_DATA), Der.tlv(0xA2, Der.tlv(0x80, "<<<Obsolete>>>".getBytes(StandardCharsets.UTF_16BE)))),
                Der.seq(Der.seq(Der.oid(OID_SHA1), Der.nullValue()), Der.octets(sha1OfHashTable)))));
        byte[] memberInfo = Der.seq(Der.oid(OID_MEMBER_INFO), Der.set(Der.seq(Der.bmp(MEMBER_INFO_GUID), Der.integer(0x200))));
        byte[] member = Der.seq(Der.octets(tag), Der.set(indirect, memberInfo));
        byte[] listId = new byte[16]; // a fixed identifier keeps builds reproducible
        for (int i = 0; i < 16; i++) {
            listId[i] = (byte) (0x4C + i);
        }
        byte[] ctl = Der.seq(Der.seq(Der.oid(OID_CATALOG_LIST)), Der.octets(listId), Der.utcTime("150101000000Z"),
                Der.seq(Der.oid(OID_CATALOG_MEMBER), Der.nullValue()), Der.seq(member));
        byte[] signedData = Der.seq(Der.integer(1), Der.set(), Der.seq(Der.oid(OID_CTL), Der.explicit(0, ctl)), Der.set());
        return Der.seq(Der.oid(OID_SIGNED_DATA), Der.explicit(0, signedData));
    }

    public byte[] bytes() {
        return der.clone();
    }

    public int size() {
        return der.length;
    }

    /** "SHA-1" (Microsoft tooling) or "SHA-256", when the member digest was found. */
    public Optional<String> digestAlgorithm() {
        return Optional.ofNullable(digestAlgorithm);
    }

    public Optional<byte[]> hashTableDigest() {
        return Optional.ofNullable(hashTableDigest == null ? null : hashTableDigest.clone());
    }

    /** SignerInfos present: the catalog is signed (this tool does not check the signature). */
    public int signerCount() {
        return signerCount;
    }

    /** Why the digest could not be read, when it could not. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    @Override
    public String toString() {
        return "CATALOG " + der.length + "B " + (signerCount > 0 ? signerCount + " signer(s)" : "unsigned")
                + (hashTableDigest != null ? " member HashTable.blob " + digestAlgorithm + "=" + Le.hex(hashTableDigest) : " (" + problem + ")");
    }
}
