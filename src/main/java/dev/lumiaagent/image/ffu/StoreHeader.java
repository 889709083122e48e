package dev.lumiaagent.image.ffu;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** STORE_HEADER V1 at storeOff, 248 bytes (ffu-format §1.6). Unsigned 32-bit fields are held as longs. */
public record StoreHeader(long updateType, int majorVersion, int minorVersion, int fullFlashMajorVersion, int fullFlashMinorVersion,
        List<String> platformIds, long blockSizeInBytes, long writeDescriptorCount, long writeDescriptorLength,
        long validateDescriptorCount, long validateDescriptorLength, long initialTableIndex, long initialTableCount,
        long flashOnlyTableIndex, long flashOnlyTableCount, long finalTableIndex, long finalTableCount) {
    public static final int SIZE = 248;
    public static final int PLATFORM_ID_OFFSET = 0x0C;
    public static final int PLATFORM_ID_SIZE = 192;

    public StoreHeader {
        platformIds = List.copyOf(platformIds);
    }

    /** The platform-ID field's bytes: each ID NUL-terminated, concatenated, the rest zero; the last byte stays NUL. */
    public static byte[] encodePlatformIds(List<String> ids) {
        byte[] b = new byte[PLATFORM_ID_SIZE];
        int p = 0;
        for (String id : ids) {
            byte[] s = id.getBytes(StandardCharsets.US_ASCII);
            if (id.isEmpty() || p + s.length + 1 > PLATFORM_ID_SIZE) {
                throw new IllegalArgumentException("platform IDs do not fit in 191 bytes: " + ids);
            }
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                if (c < 0x21 || c > 0x7E) {
                    throw new IllegalArgumentException("platform ID must be printable ASCII without spaces: \"" + id + "\"");
                }
            }
            System.arraycopy(s, 0, b, p, s.length);
            p += s.length + 1;
        }
        return b;
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        Le.put32(b, 0x00, updateType);
        Le.put16(b, 0x04, majorVersion);
        Le.put16(b, 0x06, minorVersion);
        Le.put16(b, 0x08, fullFlashMajorVersion);
        Le.put16(b, 0x0A, fullFlashMinorVersion);
        System.arraycopy(encodePlatformIds(platformIds), 0, b, PLATFORM_ID_OFFSET, PLATFORM_ID_SIZE);
        Le.put32(b, 0xCC, blockSizeInBytes);
        Le.put32(b, 0xD0, writeDescriptorCount);
        Le.put32(b, 0xD4, writeDescriptorLength);
        Le.put32(b, 0xD8, validateDescriptorCount);
        Le.put32(b, 0xDC, validateDescriptorLength);
        Le.put32(b, 0xE0, initialTableIndex);
        Le.put32(b, 0xE4, initialTableCount);
        Le.put32(b, 0xE8, flashOnlyTableIndex);
        Le.put32(b, 0xEC, flashOnlyTableCount);
        Le.put32(b, 0xF0, finalTableIndex);
        Le.put32(b, 0xF4, finalTableCount);
        return b;
    }

    @Override
    public String toString() {
        return "STORE_HEADER UpdateType=" + updateType + " version=" + majorVersion + "." + minorVersion + " FullFlash="
                + fullFlashMajorVersion + "." + fullFlashMinorVersion + " PlatformId=" + platformIds + " BlockSize="
                + Le.hex(blockSizeInBytes) + " WriteDescriptors=" + writeDescriptorCount + "/" + writeDescriptorLength + "B"
                + " ValidateDescriptors=" + validateDescriptorCount + "/" + validateDescriptorLength + "B"
                + " tables initial=" + initialTableIndex + "+" + initialTableCount + " flashOnly=" + flashOnlyTableIndex + "+"
                + flashOnlyTableCount + " final=" + finalTableIndex + "+" + finalTableCount;
    }
}
