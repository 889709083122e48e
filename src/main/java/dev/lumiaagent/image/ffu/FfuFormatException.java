package dev.lumiaagent.image.ffu;

import java.io.IOException;

/**
 * An FFU whose bytes break a rule of the format: truncated, oversized or inconsistent. Names where:
 * the file offset of the structure, the structure and the field, e.g.
 * {@code store header @0x40000, WriteDescriptorLength: 12 bytes cannot hold 3 descriptors}.
 */
public class FfuFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long offset;
    private final String structure;
    private final String field;
    private final String problem;

    public FfuFormatException(long offset, String structure, String field, String problem) {
        super(structure + " @0x" + Long.toHexString(offset) + ", " + field + ": " + problem);
        this.offset = offset;
        this.structure = structure;
        this.field = field;
        this.problem = problem;
    }

    /** File offset of the structure the problem was found in. */
    public long offset() {
        return offset;
    }

    public String structure() {
        return structure;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }
}
