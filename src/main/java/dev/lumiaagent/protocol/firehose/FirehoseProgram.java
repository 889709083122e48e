package dev.lumiaagent.protocol.firehose;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code <program>}: the programmer ACKs with {@code rawmode="true"}, takes exactly
 * {@code numSectors × sectorSize} raw bytes, then answers again (edl-protocol.md §3.4, §3.5).
 * {@code filename} and {@code label} are informational and sent only when non-empty.
 */
public record FirehoseProgram(int sectorSize, long numSectors, int physicalPartition, FirehoseExpression startSector,
                              String filename, String label) implements FirehoseCommand {
    public FirehoseProgram {
        FirehoseSectors.check(sectorSize, physicalPartition, startSector, numSectors);
        if (numSectors == 0) {
            throw new IllegalArgumentException("a program of 0 sectors has no raw phase");
        }
        filename = Objects.requireNonNullElse(filename, "");
        label = Objects.requireNonNullElse(label, "");
    }

    public static FirehoseProgram of(int sectorSize, long startSector, long numSectors, int physicalPartition) {
        return new FirehoseProgram(sectorSize, numSectors, physicalPartition, FirehoseExpression.of(startSector), "", "");
    }

    public long byteCount() {
        return Math.multiplyExact(numSectors, (long) sectorSize);
    }

    @Override
    public String element() {
        return "program";
    }

    @Override
    public Map<String, String> attributes() {
        Map<String, String> a = new LinkedHashMap<>();
        FirehoseSectors.put(a, sectorSize, numSectors, physicalPartition, startSector);
        if (!filename.isEmpty()) {
            a.put("filename", filename);
        }
        if (!label.isEmpty()) {
            a.put("label", label);
        }
        return a;
    }

    static FirehoseProgram from(FirehoseAttributes a) {
        return new FirehoseProgram(a.integer("SECTOR_SIZE_IN_BYTES"), a.number("num_partition_sectors"),
                a.integer("physical_partition_number"), a.expression("start_sector"), a.optional("filename").orElse(""),
                a.optional("label").orElse(""));
    }

    @Override
    public String toString() {
        return "program " + FirehoseSectors.where(sectorSize, physicalPartition, startSector, numSectors)
                + (label.isEmpty() ? "" : " label " + label) + (filename.isEmpty() ? "" : " from " + filename);
    }
}
