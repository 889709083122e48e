package dev.lumiaagent.image.ffu;

/**
 * A well-formed FFU of a kind this tool does not handle (ffu-format §1.7): recognised and refused by
 * name rather than misread as a broken V1 file.
 */
public final class FfuUnsupportedException extends FfuFormatException {
    private static final long serialVersionUID = 1L;

    /** The kinds of FFU that are recognised but refused. */
    public enum Kind {
        /** Store header MajorVersion 2 (multi-store desktop/IoT images). */
        V2_STORE("V2 store header (multi-store FFU, not a Lumia image)"),
        /** MajorVersion 1 with FullFlashMajorVersion 3: DISM /Capture-FFU compressed payload. */
        V1_COMPRESSED("V1-compressed store (FullFlashMajorVersion 3, DISM capture)"),
        /** UpdateType 1: a partial update with validation entries. */
        PARTIAL_UPDATE("partial update (UpdateType 1)"),
        /** A chunk-hash algorithm other than SHA-256 (AlgId 0x800C). */
        HASH_ALGORITHM("chunk-hash algorithm other than SHA-256"),
        /** IMAGE_HEADER cbSize 28 with device-target records (PC images). */
        IMAGE_HEADER_TARGETS("image header with device-target info (cbSize 28, PC image)");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final Kind kind;

    public FfuUnsupportedException(Kind kind, long offset, String structure, String field, String detail) {
        super(offset, structure, field, "unsupported: " + kind.description() + " (" + detail + ")");
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
