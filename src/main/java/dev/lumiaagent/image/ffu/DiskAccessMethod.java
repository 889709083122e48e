package dev.lumiaagent.image.ffu;

/** DISK_LOCATION.DiskAccessMethod (ffu-format §1.9). Value 1 (emmcdl's DISK_SEQ) is used by no writer and refused. */
public enum DiskAccessMethod {
    /** BlockIndex counts blocks from the start of the disk. */
    DISK_BEGIN(0),
    /** BlockIndex counts from the end: index 0 is the last block of the disk. */
    DISK_END(2);

    private final int code;

    DiskAccessMethod(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The method for a wire value, or null when the value is not one of 0 and 2. */
    public static DiskAccessMethod of(long code) {
        for (DiskAccessMethod m : values()) {
            if (m.code == code) {
                return m;
            }
        }
        return null;
    }
}
