package dev.lumiaagent.protocol.firehose;

import java.util.Objects;

/** A {@code rawprogram*.xml} / {@code patch*.xml} file this agent will not act on, with the reason named. */
public final class RawProgramException extends RuntimeException {
    /** What was wrong. Stable names for reports. */
    public enum Kind {
        /** Not readable as the attribute-only XML these files are (or contains a DTD). */
        MALFORMED_XML,
        /** The root is not {@code <data>}. */
        WRONG_ROOT,
        /** An element other than {@code <program>} (rawprogram) or {@code <patch>} (patch). */
        UNEXPECTED_ELEMENT,
        MISSING_ATTRIBUTE,
        /** A number that is not one, or out of range. */
        BAD_NUMBER,
        /** A sector or value expression outside the supported subset ({@link FirehoseExpression}). */
        BAD_EXPRESSION,
        /** The file could not be read. */
        UNREADABLE,
        /**
         * A {@code filename} that is not a plain name inside the images directory: absolute, a drive, a
         * {@code ..} segment, or a link that leads out of it ({@link ImageFileNames}).
         */
        OUTSIDE_IMAGES
    }

    private final Kind kind;
    private final String source;

    public RawProgramException(Kind kind, String source, String message) {
        super(source + ": " + message);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.source = source;
    }

    public Kind kind() {
        return kind;
    }

    public String source() {
        return source;
    }
}
