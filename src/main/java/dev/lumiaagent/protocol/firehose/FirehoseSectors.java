package dev.lumiaagent.protocol.firehose;

import java.util.Map;
import java.util.Objects;

/** The addressing every sector command shares (edl-protocol.md §3.4): checks and wire form. */
final class FirehoseSectors {
    private FirehoseSectors() {
    }

    static void check(int sectorSize, int physicalPartition, FirehoseExpression startSector, long numSectors) {
        if (sectorSize <= 0 || Integer.bitCount(sectorSize) != 1 || sectorSize > 65536) {
            throw new IllegalArgumentException("sector size must be a power of two up to 64 KiB: " + sectorSize);
        }
        if (physicalPartition < 0 || physicalPartition > 255) {
            throw new IllegalArgumentException("physical partition number out of range: " + physicalPartition);
        }
        Objects.requireNonNull(startSector, "startSector");
        if (startSector.isCrc32()) {
            throw new IllegalArgumentException("a start sector cannot be a CRC32 expression: " + startSector);
        }
        if (numSectors < 0) {
            throw new IllegalArgumentException("sector count must not be negative: " + numSectors);
        }
    }

    static void put(Map<String, String> a, int sectorSize, long numSectors, int physicalPartition, FirehoseExpression start) {
        a.put("SECTOR_SIZE_IN_BYTES", Integer.toString(sectorSize));
        a.put("num_partition_sectors", Long.toString(numSectors));
        a.put("physical_partition_number", Integer.toString(physicalPartition));
        a.put("start_sector", start.text());
    }

    static String where(int sectorSize, int physicalPartition, FirehoseExpression start, long numSectors) {
        return numSectors + "×" + sectorSize + " B at sector " + start + " of LUN " + physicalPartition;
    }
}
