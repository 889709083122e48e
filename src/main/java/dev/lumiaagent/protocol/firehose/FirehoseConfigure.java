package dev.lumiaagent.protocol.firehose;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code <configure>} (edl-protocol.md §3.3): the storage to open and the largest raw-data transfer
 * the host proposes to send. Both qdl and edl declare themselves ZLP-aware.
 */
public record FirehoseConfigure(String memoryName, long maxPayloadSizeToTargetInBytes, boolean zlpAwareHost,
                                int verbose, boolean skipStorageInit) implements FirehoseCommand {
    public FirehoseConfigure {
        Objects.requireNonNull(memoryName, "memoryName");
        if (memoryName.isBlank()) {
            throw new IllegalArgumentException("memory name is empty");
        }
        if (maxPayloadSizeToTargetInBytes <= 0) {
            throw new IllegalArgumentException("max payload must be positive: " + maxPayloadSizeToTargetInBytes);
        }
        if (verbose < 0) {
            throw new IllegalArgumentException("verbose must be 0 or more");
        }
    }

    /** What this agent sends: ZLP-aware, quiet, storage initialised. */
    public static FirehoseConfigure of(String memoryName, long maxPayload) {
        return new FirehoseConfigure(memoryName, maxPayload, true, 0, false);
    }

    @Override
    public String element() {
        return "configure";
    }

    @Override
    public Map<String, String> attributes() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("MemoryName", memoryName);
        a.put("ZLPAwareHost", zlpAwareHost ? "1" : "0");
        a.put("MaxPayloadSizeToTargetInBytes", Long.toString(maxPayloadSizeToTargetInBytes));
        a.put("Verbose", Integer.toString(verbose));
        a.put("SkipStorageInit", skipStorageInit ? "1" : "0");
        return a;
    }

    static FirehoseConfigure from(FirehoseAttributes a) {
        return new FirehoseConfigure(a.text("MemoryName"), a.number("MaxPayloadSizeToTargetInBytes"),
                a.flag("ZLPAwareHost", "ZlpAwareHost"), (int) Math.min(Integer.MAX_VALUE, a.numberOr("Verbose", 0)),
                a.flag("SkipStorageInit"));
    }

    @Override
    public String toString() {
        return "configure " + memoryName.toLowerCase(Locale.ROOT) + " to-target " + maxPayloadSizeToTargetInBytes
                + (zlpAwareHost ? " zlp-aware" : "") + (skipStorageInit ? " skip-storage-init" : "");
    }
}
