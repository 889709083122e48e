package dev.lumiaagent.protocol.firehose;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code <read>}: ACK {@code rawmode="true"}, exactly {@code numSectors × sectorSize} bytes from the device, then a closing response (§3.4, §3.5). */
public record FirehoseRead(int sectorSize, long numSectors, int physicalPartition, FirehoseExpression startSector)
        implements FirehoseCommand {
    public FirehoseRead {
        FirehoseSectors.check(sectorSize, physicalPartition, startSector, numSectors);
        if (numSectors == 0) {
            throw new IllegalArgumentException("a read of 0 sectors has no raw phase");
        }
    }

    public static FirehoseRead of(int sectorSize, long startSector, long numSectors, int physicalPartition) {
        return new FirehoseRead(sectorSize, numSectors, physicalPartition, FirehoseExpression.of(startSector));
    }

    public long byteCount() {
        return Math.multiplyExact(numSectors, (long) sectorSize);
    }

    @Override
    public String element() {
        return "read";
    }

    @Override
    public Map<String, String> attributes() {
        Map<String, String> a = new LinkedHashMap<>();
        FirehoseSectors.put(a, sectorSize, numSectors, physicalPartition, startSector);
        return a;
    }

    static FirehoseRead from(FirehoseAttributes a) {
        return new FirehoseRead(a.integer("SECTOR_SIZE_IN_BYTES"), a.number("num_partition_sectors"),
                a.integer("physical_partition_number"), a.expression("start_sector"));
    }

    @Override
    public String toString() {
        return "read " + FirehoseSectors.where(sectorSize, physicalPartition, startSector, numSectors);
    }
}
