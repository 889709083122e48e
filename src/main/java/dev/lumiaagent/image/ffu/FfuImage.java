package dev.lumiaagent.image.ffu;

import java.util.List;
import java.util.Locale;

/**
 * A parsed V1 FFU: its headers, descriptors and the offsets of its regions (ffu-format §1). Holds no
 * payload; read payload through {@link PayloadReader} or {@link FfuFile}.
 *
 * @param imageOffset   where the IMAGE_HEADER starts; the first hashed byte
 * @param storeOffset   where the STORE_HEADER starts
 * @param payloadOffset length of the combined header; where payload block 0 starts
 * @param payloadBlocks Σ BlockCount over all descriptors
 */
public record FfuImage(SecurityHeader security, Catalog catalog, HashTable hashTable, ImageHeader imageHeader, Manifest manifest,
        StoreHeader store, List<WriteDescriptor> descriptors, long imageOffset, long storeOffset, long payloadOffset, long payloadBlocks) {

    public FfuImage {
        descriptors = List.copyOf(descriptors);
    }

    /** C: the hash-chunk size in bytes (equal to the block size in every image this parser accepts). */
    public int chunkSize() {
        return security.chunkSize();
    }

    public int blockSize() {
        return (int) store.blockSizeInBytes();
    }

    /** Bytes [0, payloadOffset): what the flash app receives in its one header message (lumia-protocols §4.1). */
    public long combinedHeaderLength() {
        return payloadOffset;
    }

    public long payloadSize() {
        return payloadBlocks * blockSize();
    }

    /** The EOF formula: payloadOff + Σ BlockCount × BlockSize. */
    public long expectedFileLength() {
        return payloadOffset + payloadSize();
    }

    /** Hash-table entries: chunks from imageOff to EOF. */
    public int chunkCount() {
        return hashTable.count();
    }

    /** Hashed chunks before the payload (image and store regions). */
    public int headerChunkCount() {
        return (int) ((payloadOffset - imageOffset) / chunkSize());
    }

    /** File offset of hashed chunk {@code i}. */
    public long chunkOffset(long i) {
        return imageOffset + i * chunkSize();
    }

    /** The store header's platform IDs (what flashers compare). */
    public List<String> platformIds() {
        return store.platformIds();
    }

    /**
     * The pre-flight rule of ffu-format §3: accept when one of the FFU's IDs equals the phone's, or is a
     * case-insensitive prefix of it ending at a '.' boundary ({@code Nokia.MSM8926.P6164} matches
     * {@code Nokia.MSM8926.P6164.1.1}; {@code Nokia.MSM8926.P616} does not). WPinternals' host check is
     * a plain prefix; the '.' boundary keeps P616 from passing for P6164.
     */
    public boolean platformMatches(String phonePlatformId) {
        return platformMatches(platformIds(), phonePlatformId);
    }

    public static boolean platformMatches(List<String> ffuIds, String phonePlatformId) {
        if (phonePlatformId == null) {
            return false;
        }
        String phone = phonePlatformId.strip().toLowerCase(Locale.ROOT);
        if (phone.isEmpty()) {
            return false;
        }
        for (String id : ffuIds) {
            String f = id.strip().toLowerCase(Locale.ROOT);
            if (f.isEmpty()) {
                continue;
            }
            if (phone.equals(f)) {
                return true;
            }
            if (phone.startsWith(f) && (f.endsWith(".") || phone.charAt(f.length()) == '.')) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append("FFU V1 chunk=").append(chunkSize() / 1024).append("KiB image@").append(Le.hex(imageOffset)).append(" store@")
                .append(Le.hex(storeOffset)).append(" payload@").append(Le.hex(payloadOffset)).append(" blocks=").append(payloadBlocks)
                .append(" EOF=").append(Le.hex(expectedFileLength())).append('\n');
        s.append("  ").append(security).append('\n');
        s.append("  ").append(catalog).append('\n');
        s.append("  ").append(hashTable).append('\n');
        s.append("  ").append(imageHeader).append('\n');
        s.append("  ").append(manifest).append('\n');
        s.append("  ").append(store).append('\n');
        for (int i = 0; i < descriptors.size(); i++) {
            s.append("  D").append(i).append(' ').append(descriptors.get(i)).append('\n');
        }
        return s.toString();
    }
}
