package dev.lumiaagent.protocol.firehose;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code <getsha256digest>}: the programmer hashes a sector range and reports the digest in a log (§3.4). */
public record FirehoseGetSha256Digest(int sectorSize, long numSectors, int physicalPartition, FirehoseExpression startSector)
        implements FirehoseCommand {
    public FirehoseGetSha256Digest {
        FirehoseSectors.check(sectorSize, physicalPartition, startSector, numSectors);
        if (numSectors == 0) {
            throw new IllegalArgumentException("a digest of 0 sectors");
        }
    }

    public static FirehoseGetSha256Digest of(int sectorSize, long startSector, long numSectors, int physicalPartition) {
        return new FirehoseGetSha256Digest(sectorSize, numSectors, physicalPartition, FirehoseExpression.of(startSector));
    }

    @Override
    public String element() {
        return "getsha256digest";
    }

    @Override
    public Map<String, String> attributes() {
        Map<String, String> a = new LinkedHashMap<>();
        FirehoseSectors.put(a, sectorSize, numSectors, physicalPartition, startSector);
        return a;
    }

    static FirehoseGetSha256Digest from(FirehoseAttributes a) {
        return new FirehoseGetSha256Digest(a.integer("SECTOR_SIZE_IN_BYTES"), a.number("num_partition_sectors"),
                a.integer("physical_partition_number"), a.expression("start_sector"));
    }

    @Override
    public String toString() {
        return "getsha256digest " + FirehoseSectors.where(sectorSize, physicalPartition, startSector, numSectors);
    }
}
