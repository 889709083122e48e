package dev.lumiaagent.protocol.wire;

/**
 * Desync: bytes that do not parse as the protocol says (DESIGN §4, kind 2). The caller closes the
 * link, reopens and re-detects; it never retries the same read blindly. The message says where
 * (offset, structure, field) and what was expected.
 */
public class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
