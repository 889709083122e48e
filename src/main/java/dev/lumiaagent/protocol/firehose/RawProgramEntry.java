package dev.lumiaagent.protocol.firehose;

import java.util.Objects;

/**
 * One {@code <program>} line of a QFIL {@code rawprogram*.xml}.
 *
 * @param source           the file and line-entry it came from, for messages ({@code rawprogram0.xml #3})
 * @param filename         the image file to send; empty for placeholder entries QFIL skips
 * @param numPartitionSectors 0 in some files, meaning "as many as the file holds"
 * @param fileSectorOffset where in {@code filename} the data starts, in sectors
 */
public record RawProgramEntry(String source, String label, String filename, int sectorSize, int physicalPartition,
                              FirehoseExpression startSector, long numPartitionSectors, long fileSectorOffset, boolean sparse) {
    public RawProgramEntry {
        Objects.requireNonNull(source, "source");
        label = Objects.requireNonNullElse(label, "");
        filename = Objects.requireNonNullElse(filename, "");
        Objects.requireNonNull(startSector, "startSector");
    }

    /** QFIL skips entries without a file. */
    public boolean hasFile() {
        return !filename.isBlank();
    }

    /** The {@code <program>} for {@code sectors} sectors (the entry's count, or the file's when that is 0). */
    public FirehoseProgram toCommand(long sectors) {
        return new FirehoseProgram(sectorSize, sectors, physicalPartition, startSector, filename, label);
    }

    @Override
    public String toString() {
        return source + ": program " + (label.isEmpty() ? "" : label + " ") + "from " + (hasFile() ? filename : "(no file)")
                + " at sector " + startSector + " of LUN " + physicalPartition + ", " + numPartitionSectors + "×" + sectorSize
                + " B" + (sparse ? " sparse" : "");
    }
}
