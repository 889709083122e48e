package dev.lumiaagent.protocol.sahara;

import java.util.Set;

/**
 * How an image upload ended: the loader accepted it (END_OF_IMAGE_TRANSFER success, then DONE_RESP).
 *
 * @param requests READ_DATA / READ_DATA_64 requests served
 * @param bytesServed image bytes sent (padding included)
 * @param imageIds image ids the loader asked for (13 for a Firehose programmer, §2.4)
 * @param donePending DONE_RESP said "pending" after our single image: qdl's MSM8916 quirk, treated as done
 */
public record SaharaUpload(int requests, long bytesServed, Set<Long> imageIds, boolean donePending) {
    public SaharaUpload {
        imageIds = Set.copyOf(imageIds);
    }
}
