package dev.lumiaagent.protocol.sahara;

import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of the memory-debug region table (edl-protocol.md §2.6): 32-bit entries are save_pref
 * u32, base u32, length u32, description[20], filename[20] (52 bytes); 64-bit entries use three u64
 * (64 bytes). Listed, never dumped here.
 */
public record SaharaMemoryRegion(long savePref, long base, long length, String description, String filename) {
    public static final int ENTRY_32 = 52;
    public static final int ENTRY_64 = 64;
    /** qdl caps the table at 64 KiB. */
    public static final int MAX_TABLE = 64 * 1024;

    public SaharaMemoryRegion {
        if (filename.contains("/") || filename.contains("\\")) {
            // qdl refuses region filenames with path separators: a dump must not escape its folder.
            throw new ProtocolException("memory region filename with a path separator: " + filename);
        }
    }

    public static List<SaharaMemoryRegion> parseTable(byte[] table, boolean is64) {
        int size = is64 ? ENTRY_64 : ENTRY_32;
        if (table.length > MAX_TABLE) {
            throw new ProtocolException("memory table of " + table.length + " bytes exceeds " + MAX_TABLE);
        }
        if (table.length % size != 0) {
            throw new ProtocolException("memory table of " + table.length + " bytes is not a whole number of "
                    + size + "-byte entries");
        }
        List<SaharaMemoryRegion> out = new ArrayList<>();
        for (int o = 0; o < table.length; o += size) {
            if (is64) {
                out.add(new SaharaMemoryRegion(Bytes.le64(table, o), Bytes.le64(table, o + 8), Bytes.le64(table, o + 16),
                        Bytes.ascii(table, o + 24, 20), Bytes.ascii(table, o + 44, 20)));
            } else {
                out.add(new SaharaMemoryRegion(Bytes.le32(table, o), Bytes.le32(table, o + 4), Bytes.le32(table, o + 8),
                        Bytes.ascii(table, o + 12, 20), Bytes.ascii(table, o + 32, 20)));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format("region %s (%s) base 0x%X length 0x%X save %d", filename, description, base, length, savePref);
    }
}
