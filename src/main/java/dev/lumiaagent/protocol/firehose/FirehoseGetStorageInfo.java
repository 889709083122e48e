package dev.lumiaagent.protocol.firehose;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code <getstorageinfo>}: the programmer logs the storage's geometry (§3.4). */
public record FirehoseGetStorageInfo(int physicalPartition) implements FirehoseCommand {
    public FirehoseGetStorageInfo {
        if (physicalPartition < 0 || physicalPartition > 255) {
            throw new IllegalArgumentException("physical partition number out of range: " + physicalPartition);
        }
    }

    @Override
    public String element() {
        return "getstorageinfo";
    }

    @Override
    public Map<String, String> attributes() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("physical_partition_number", Integer.toString(physicalPartition));
        return a;
    }

    static FirehoseGetStorageInfo from(FirehoseAttributes a) {
        return new FirehoseGetStorageInfo((int) Math.min(255, a.numberOr("physical_partition_number", 0)));
    }

    @Override
    public String toString() {
        return "getstorageinfo LUN " + physicalPartition;
    }
}
