package dev.lumiaagent.protocol.firehose;

/** One element a programmer sends inside a {@code <data>} document: a log line or a response (§3.1). */
public sealed interface FirehoseDeviceMessage permits FirehoseLog, FirehoseResponse {
}
