package dev.lumiaagent.protocol.firehose;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code <patch>}: write {@code sizeInBytes} little-endian bytes of {@code value} at
 * {@code byteOffset} inside sector {@code startSector} (§3.4). {@code filename="DISK"} patches the
 * storage; qdl sends nothing else. {@code what} is the file's human description.
 */
public record FirehosePatch(int sectorSize, long byteOffset, String filename, int physicalPartition, int sizeInBytes,
                            FirehoseExpression startSector, FirehoseExpression value, String what)
        implements FirehoseCommand {
    public FirehosePatch {
        FirehoseSectors.check(sectorSize, physicalPartition, startSector, 0);
        Objects.requireNonNull(value, "value");
        filename = Objects.requireNonNullElse(filename, "DISK");
        what = Objects.requireNonNullElse(what, "");
        if (byteOffset < 0) {
            throw new IllegalArgumentException("negative byte offset: " + byteOffset);
        }
        if (sizeInBytes < 1 || sizeInBytes > 8) {
            throw new IllegalArgumentException("a patch writes 1..8 bytes, not " + sizeInBytes);
        }
    }

    public boolean targetsDisk() {
        return filename.equals("DISK");
    }

    @Override
    public String element() {
        return "patch";
    }

    @Override
    public Map<String, String> attributes() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("SECTOR_SIZE_IN_BYTES", Integer.toString(sectorSize));
        a.put("byte_offset", Long.toString(byteOffset));
        a.put("filename", filename);
        a.put("physical_partition_number", Integer.toString(physicalPartition));
        a.put("size_in_bytes", Integer.toString(sizeInBytes));
        a.put("start_sector", startSector.text());
        a.put("value", value.text());
        if (!what.isEmpty()) {
            a.put("what", what);
        }
        return a;
    }

    static FirehosePatch from(FirehoseAttributes a) {
        return new FirehosePatch(a.integer("SECTOR_SIZE_IN_BYTES"), a.number("byte_offset"), a.optional("filename").orElse("DISK"),
                a.integer("physical_partition_number"), a.integer("size_in_bytes"), a.expression("start_sector"),
                a.expression("value"), a.optional("what").orElse(""));
    }

    @Override
    public String toString() {
        return "patch " + filename + " LUN " + physicalPartition + " sector " + startSector + " +" + byteOffset + " "
                + sizeInBytes + " B = " + value + (what.isEmpty() ? "" : " (" + what + ")");
    }
}
