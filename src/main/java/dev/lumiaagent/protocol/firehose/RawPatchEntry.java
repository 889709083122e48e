package dev.lumiaagent.protocol.firehose;

import java.util.Objects;

/** One {@code <patch>} line of a QFIL {@code patch*.xml}; {@link #command()} is what goes on the wire. */
public record RawPatchEntry(String source, FirehosePatch command) {
    public RawPatchEntry {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(command, "command");
    }

    /** qdl sends only patches aimed at the storage ({@code filename="DISK"}); the others patch image files on the host. */
    public boolean targetsDisk() {
        return command.targetsDisk();
    }

    @Override
    public String toString() {
        return source + ": " + command;
    }
}
