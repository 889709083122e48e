package dev.lumiaagent.image.ffu;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/** The hash table (ffu-format §1.3): one SHA-256 per C-byte chunk from the image header to EOF. */
public final class HashTable {
    public static final int ENTRY_SIZE = 32;
    private final byte[] table;

    public HashTable(byte[] table) {
        if (table.length % ENTRY_SIZE != 0) {
            throw new IllegalArgumentException("hash table length " + table.length + " is not a multiple of 32");
        }
        this.table = table.clone();
    }

    public int count() {
        return table.length / ENTRY_SIZE;
    }

    public int size() {
        return table.length;
    }

    public byte[] entry(int chunk) {
        return Arrays.copyOfRange(table, chunk * ENTRY_SIZE, (chunk + 1) * ENTRY_SIZE);
    }

    /** Whether chunk {@code chunk}'s SHA-256 equals {@code digest}, without copying. */
    public boolean matches(int chunk, byte[] digest) {
        if (chunk < 0 || chunk >= count() || digest.length != ENTRY_SIZE) {
            return false;
        }
        return Arrays.equals(table, chunk * ENTRY_SIZE, (chunk + 1) * ENTRY_SIZE, digest, 0, ENTRY_SIZE);
    }

    public byte[] bytes() {
        return table.clone();
    }

    /** The table's digest under a catalog algorithm name ("SHA-1", "SHA-256"). */
    public byte[] digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm).digest(table);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from the JDK", e);
        }
    }

    @Override
    public String toString() {
        return "HASH_TABLE " + count() + " x SHA-256";
    }
}
