package dev.lumiaagent.protocol.firehose;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code <erase>} of a sector range. The whole-partition form (start and count omitted, §3.4) is
 * not offered: an agent that erases should say exactly what.
 */
public record FirehoseErase(int sectorSize, long numSectors, int physicalPartition, FirehoseExpression startSector)
        implements FirehoseCommand {
    public FirehoseErase {
        FirehoseSectors.check(sectorSize, physicalPartition, startSector, numSectors);
        if (numSectors == 0) {
            throw new IllegalArgumentException("an erase of 0 sectors");
        }
    }

    public static FirehoseErase of(int sectorSize, long startSector, long numSectors, int physicalPartition) {
        return new FirehoseErase(sectorSize, numSectors, physicalPartition, FirehoseExpression.of(startSector));
    }

    @Override
    public String element() {
        return "erase";
    }

    @Override
    public Map<String, String> attributes() {
        Map<String, String> a = new LinkedHashMap<>();
        FirehoseSectors.put(a, sectorSize, numSectors, physicalPartition, startSector);
        return a;
    }

    static FirehoseErase from(FirehoseAttributes a) {
        return new FirehoseErase(a.integer("SECTOR_SIZE_IN_BYTES"), a.number("num_partition_sectors"),
                a.integer("physical_partition_number"), a.expression("start_sector"));
    }

    @Override
    public String toString() {
        return "erase " + FirehoseSectors.where(sectorSize, physicalPartition, startSector, numSectors);
    }
}
