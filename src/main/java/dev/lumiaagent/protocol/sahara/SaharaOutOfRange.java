package dev.lumiaagent.protocol.sahara;

/**
 * The loader asked for bytes the image does not have and the session's policy was to abort: qdl's
 * rule ("device requested invalid range", edl-protocol.md §2.4); the session has sent RESET.
 */
public final class SaharaOutOfRange extends RuntimeException {
    private final long offset;
    private final long length;
    private final long imageSize;

    public SaharaOutOfRange(long offset, long length, long imageSize) {
        super("the phone requested 0x" + Long.toHexString(length) + " bytes at 0x" + Long.toHexString(offset)
                + " of a 0x" + Long.toHexString(imageSize) + "-byte image");
        this.offset = offset;
        this.length = length;
        this.imageSize = imageSize;
    }

    public long offset() {
        return offset;
    }

    public long length() {
        return length;
    }

    public long imageSize() {
        return imageSize;
    }

    public String nextStep() {
        return "The phone's loader expects a different image: use the emergency files for this phone's product type.";
    }
}
