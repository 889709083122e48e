package dev.lumiaagent.image.ffu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * GUID partition tables as a Lumia eMMC carries them: protective MBR at LBA 0, header at LBA 1, 128
 * entries of 128 bytes from LBA 2, and the backup entries and header at the end of the disk (UEFI
 * spec §5). Used to make demo disks and to list partitions in a built manifest.
 */
public final class Gpt {
    public static final int ENTRIES = 128;
    public static final int ENTRY_SIZE = 128;
    /** LBAs taken by the entry array: 128 × 128 / 512. */
    public static final int ENTRY_SECTORS = ENTRIES * ENTRY_SIZE / 512;

    public static final UUID BASIC_DATA = UUID.fromString("ebd0a0a2-b9e5-4433-87c0-68b6b72699c7");
    public static final UUID EFI_SYSTEM = UUID.fromString("c12a7328-f81f-11d2-ba4b-00a0c93ec93b");

    /** One entry. LBAs are inclusive. */
    public record Partition(String name, UUID type, UUID id, long firstLba, long lastLba) {
        public long sectors() {
            return lastLba - firstLba + 1;
        }

        @Override
        public String toString() {
            return name + " LBA " + firstLba + ".." + lastLba;
        }
    }

    /** LBA 0 to 33: protective MBR, primary header, entries. */
    public static byte[] primary(long diskSectors, UUID diskId, List<Partition> parts) {
        byte[] entries = entries(parts);
        byte[] b = new byte[512 * (2 + ENTRY_SECTORS)];
        // protective MBR: one 0xEE partition covering the disk (capped at 2^32-1 sectors)
        b[446 + 4] = (byte) 0xEE;
        b[446 + 1] = 0x00;
        b[446 + 2] = 0x02;
        b[446 + 5] = (byte) 0xFF;
        b[446 + 6] = (byte) 0xFF;
        b[446 + 7] = (byte) 0xFF;
        Le.put32(b, 446 + 8, 1);
        Le.put32(b, 446 + 12, Math.min(diskSectors - 1, 0xFFFF_FFFFL));
        b[510] = 0x55;
        b[511] = (byte) 0xAA;
        byte[] h = header(diskSectors, diskId, 1, diskSectors - 1, 2, entries);
        System.arraycopy(h, 0, b, 512, h.length);
        System.arraycopy(entries, 0, b, 1024, entries.length);
        return b;
    }

    /** The last 33 sectors: backup entries, then the backup header in the last LBA. */
    public static byte[] backup(long diskSectors, UUID diskId, List<Partition> parts) {
        byte[] entries = entries(parts);
        byte[] b = new byte[512 * (ENTRY_SECTORS + 1)];
        System.arraycopy(entries, 0, b, 0, entries.length);
        byte[] h = header(diskSectors, diskId, diskSectors - 1, 1, diskSectors - 1 - ENTRY_SECTORS, entries);
        System.arraycopy(h, 0, b, 512 * ENTRY_SECTORS, h.length);
        return b;
    }

    private static byte[] entries(List<Partition> parts) {
        if (parts.size() > ENTRIES) {
            throw new IllegalArgumentException("at most 128 partitions");
        }
        byte[] e = new byte[ENTRIES * ENTRY_SIZE];
        for (int i = 0; i < parts.size(); i++) {
            Partition p = parts.get(i);
            int o = i * ENTRY_SIZE;
            guid(e, o, p.type());
            guid(e, o + 16, p.id());
            Le.put64(e, o + 32, p.firstLba());
            Le.put64(e, o + 40, p.lastLba());
            byte[] n = p.name().getBytes(StandardCharsets.UTF_16LE);
            System.arraycopy(n, 0, e, o + 56, Math.min(n.length, 70));
        }
        return e;
    }

    private static byte[] header(long diskSectors, UUID diskId, long myLba, long altLba, long entriesLba, byte[] entries) {
        byte[] h = new byte[512];
        System.arraycopy("EFI PART".getBytes(StandardCharsets.US_ASCII), 0, h, 0, 8);
        Le.put32(h, 8, 0x00010000);
        Le.put32(h, 12, 92);
        Le.put64(h, 24, myLba);
        Le.put64(h, 32, altLba);
        Le.put64(h, 40, 2 + ENTRY_SECTORS);
        Le.put64(h, 48, diskSectors - 2 - ENTRY_SECTORS);
        guid(h, 56, diskId);
        Le.put64(h, 72, entriesLba);
        Le.put32(h, 80, ENTRIES);
        Le.put32(h, 84, ENTRY_SIZE);
        Le.put32(h, 88, crc(entries, 0, entries.length));
        Le.put32(h, 16, crc(h, 0, 92));
        return h;
    }

    /** Reads the primary GPT from the first bytes of a disk; empty when there is no valid one (bad signature or CRC). */
    public static Optional<List<Partition>> read(byte[] start) {
        if (start.length < 512 * (2 + ENTRY_SECTORS)) {
            return Optional.empty();
        }
        if (!new String(start, 512, 8, StandardCharsets.US_ASCII).equals("EFI PART")) {
            return Optional.empty();
        }
        long hsize = Le.u32(start, 512 + 12);
        if (hsize < 92 || hsize > 512) {
            return Optional.empty();
        }
        byte[] h = java.util.Arrays.copyOfRange(start, 512, 512 + (int) hsize);
        long stored = Le.u32(h, 16);
        Le.put32(h, 16, 0);
        if (crc(h, 0, h.length) != stored) {
            return Optional.empty();
        }
        long entriesLba = Le.u64(h, 72);
        long count = Le.u32(h, 80);
        long esize = Le.u32(h, 84);
        if (entriesLba != 2 || esize < 128 || esize > 512 || count > 1024 || 1024 + count * esize > start.length) {
            return Optional.empty();
        }
        if (crc(start, 1024, (int) (count * esize)) != Le.u32(h, 88)) {
            return Optional.empty();
        }
        List<Partition> parts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int o = 1024 + i * (int) esize;
            UUID type = guid(start, o);
            if (type.getMostSignificantBits() == 0 && type.getLeastSignificantBits() == 0) {
                continue;
            }
            String name = new String(start, o + 56, 72, StandardCharsets.UTF_16LE);
            int nul = name.indexOf('\0');
            parts.add(new Partition(nul >= 0 ? name.substring(0, nul) : name, type, guid(start, o + 16), Le.u64(start, o + 32), Le.u64(start, o + 40)));
        }
        return Optional.of(parts);
    }

    static long crc(byte[] b, int off, int len) {
        CRC32 c = new CRC32();
        c.update(b, off, len);
        return c.getValue();
    }

    /** GUIDs on disk: the first three fields little-endian, the last eight bytes as written. */
    static void guid(byte[] b, int off, UUID u) {
        ByteBuffer bb = ByteBuffer.allocate(16);
        long msb = u.getMostSignificantBits();
        bb.order(ByteOrder.LITTLE_ENDIAN).putInt((int) (msb >>> 32)).putShort((short) (msb >>> 16)).putShort((short) msb);
        bb.order(ByteOrder.BIG_ENDIAN).putLong(u.getLeastSignificantBits());
        System.arraycopy(bb.array(), 0, b, off, 16);
    }

    static UUID guid(byte[] b, int off) {
        ByteBuffer bb = ByteBuffer.wrap(b, off, 16).order(ByteOrder.LITTLE_ENDIAN);
        long a = bb.getInt() & 0xFFFF_FFFFL;
        long c = bb.getShort() & 0xFFFFL;
        long d = bb.getShort() & 0xFFFFL;
        long lsb = bb.order(ByteOrder.BIG_ENDIAN).getLong();
        return new UUID(a << 32 | c << 16 | d, lsb);
    }

    private Gpt() {
    }
}
