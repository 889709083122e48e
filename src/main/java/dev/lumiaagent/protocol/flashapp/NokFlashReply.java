package dev.lumiaagent.protocol.flashapp;

import java.util.Arrays;
import java.util.Objects;

/**
 * The reply to a {@code NOKXFS} message (lumia-protocols.md §4.2): {@code NOKXFS}, BE16 status at
 * [6..7], and possibly more. Clients need only 8 bytes (lp-externals), but thor2 expects 16 in async
 * mode and names "payload status" sub-blocks in replies, so real replies may be longer (§4.2
 * [derived], layout unknown, §9): the bytes after the status are kept raw in {@link #extra()}.
 *
 * <p>On stream links the reply is framed as 8 bytes ({@link NokCodec#replyLength}); nothing says how
 * long a longer one is, so extra bytes survive only on packet links, where one transfer is one reply.
 */
public record NokFlashReply(int code, byte[] extra) implements NokReply {
    public static final String SIGNATURE = "NOKXFS";

    public NokFlashReply {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("status is a BE16: " + code);
        }
        extra = Objects.requireNonNull(extra, "extra").clone();
    }

    /** An 8-byte reply with no bytes after the status. */
    public NokFlashReply(int code) {
        this(code, new byte[0]);
    }

    @Override
    public String signature() {
        return SIGNATURE;
    }

    @Override
    public byte[] extra() {
        return extra.clone();
    }

    public NokStatus status() {
        return NokStatus.of(code);
    }

    public boolean ok() {
        return code == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NokFlashReply && ((NokFlashReply) o).code == code && Arrays.equals(((NokFlashReply) o).extra, extra);
    }

    @Override
    public int hashCode() {
        return code * 31 + Arrays.hashCode(extra);
    }

    @Override
    public String toString() {
        return "NOKXFS status " + status() + (extra.length == 0 ? "" : " + " + NokFields.shortHex(extra));
    }
}
