package dev.lumiaagent.image.ede;

/**
 * A programmer file ({@code .ede} / {@code .mbn}) that does not parse as the signed ELF it should be.
 * Names the byte offset in the file (or in the piece handed to the parser) and the field.
 */
public final class EdeFormatException extends RuntimeException {
    private final long offset;
    private final String field;

    public EdeFormatException(long offset, String field, String problem) {
        super(field + " at offset 0x" + Long.toHexString(offset) + ": " + problem);
        this.offset = offset;
        this.field = field;
    }

    public long offset() {
        return offset;
    }

    public String field() {
        return field;
    }
}
