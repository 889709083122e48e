package dev.lumiaagent.protocol.firehose;

import java.util.Map;

/**
 * One host → programmer command: the single child element of a {@code <data>} document
 * (edl-protocol.md §3.1, §3.4). {@link #attributes()} are in the order they go on the wire.
 */
public sealed interface FirehoseCommand permits FirehoseConfigure, FirehoseProgram, FirehoseRead, FirehoseErase,
        FirehosePatch, FirehoseGetStorageInfo, FirehoseGetSha256Digest, FirehoseNop, FirehosePower, FirehoseOtherCommand {

    /** The element name, e.g. {@code program}. */
    String element();

    Map<String, String> attributes();
}
