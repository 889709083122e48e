package dev.lumiaagent.transport;

/**
 * Whether an OUT message whose length is a multiple of wMaxPacketSize is terminated with a
 * zero-length packet. Nokia's own stack sets SHORT_PACKET_TERMINATE on its bulk OUT pipes
 * (lumia-protocols.md §1.2); qdl terminates Firehose writes, but one Sahara implementation timed out
 * on the extra ZLP (qdl issue #320, edl-protocol.md §1.7), so Sahara links use {@link #NEVER}.
 */
public enum ZlpPolicy {
    TERMINATE_OUT,
    NEVER
}
