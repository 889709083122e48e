package dev.lumiaagent.protocol.firehose;

import java.util.Objects;

/**
 * What {@code <configure>} settled (§3.3).
 *
 * @param maxPayloadToTarget          the agreed raw-data transfer size host → device
 * @param maxPayloadToTargetSupported the largest the device said it could take
 * @param maxPayloadFromTarget        the largest transfer device → host (edl's default 8192 when not named)
 * @param maxXmlSize                  MaxXMLSizeInBytes (4096 when not named)
 * @param attempts                    how many configure documents it took (2 after a size NAK)
 */
public record FirehoseConfiguration(String memoryName, long maxPayloadToTarget, long maxPayloadToTargetSupported,
                                    long maxPayloadFromTarget, int maxXmlSize, String targetName, int attempts) {
    public FirehoseConfiguration {
        Objects.requireNonNull(memoryName, "memoryName");
        Objects.requireNonNull(targetName, "targetName");
        if (maxPayloadToTarget <= 0 || maxPayloadFromTarget <= 0 || maxXmlSize <= 0) {
            throw new IllegalArgumentException("sizes must be positive");
        }
    }

    @Override
    public String toString() {
        return memoryName + " to-target " + maxPayloadToTarget + " (supports " + maxPayloadToTargetSupported + ") from-target "
                + maxPayloadFromTarget + " xml " + maxXmlSize + (targetName.isEmpty() ? "" : " target " + targetName)
                + " after " + attempts + (attempts == 1 ? " attempt" : " attempts");
    }
}
