package dev.lumiaagent.sim;

import java.nio.ByteBuffer;

/**
 * The phone side of a simulated channel: decodes what the host sent and answers with encoded bytes.
 * Called on the phone's own thread, one host message (one bulk OUT transfer) at a time.
 */
public interface SimFirmware {

    /**
     * The host opened the channel. Firmwares whose device speaks first (the Qualcomm PBL sends its
     * Sahara HELLO unasked, edl-protocol.md §2.1) send it here; the default says nothing.
     */
    default void opened(PhoneEndpoint out) {
    }

    /** Handles one message the host wrote; answers through {@code out}. */
    void onHostMessage(byte[] message, PhoneEndpoint out);

    /**
     * Handles one message the host wrote by a gathering write: the message is the remaining bytes of
     * {@code parts}, in order, exactly the bytes one plain write of their concatenation carries. The
     * parts are read-only views of the host's memory, valid only during this call (the host's write
     * completes when the phone has taken the message, as a bulk OUT transfer completes when the
     * device has received it); a firmware that keeps bytes copies them. The default hands the
     * concatenation to {@link #onHostMessage(byte[], PhoneEndpoint)}.
     */
    default void onHostMessage(ByteBuffer[] parts, PhoneEndpoint out) {
        onHostMessage(concatenate(parts), out);
    }

    /** {@link #refuse(byte[], PhoneEndpoint)} for a message that came in parts. */
    default void refuse(ByteBuffer[] parts, PhoneEndpoint out) {
        refuse(concatenate(parts), out);
    }

    /** The message the parts make up, copied; the parts' positions are not changed. */
    static byte[] concatenate(ByteBuffer[] parts) {
        int total = 0;
        for (ByteBuffer p : parts) {
            total = Math.addExact(total, p.remaining());
        }
        byte[] message = new byte[total];
        int at = 0;
        for (ByteBuffer p : parts) {
            int n = p.remaining();
            p.duplicate().get(message, at, n);
            at += n;
        }
        return message;
    }

    /**
     * The {@code nak-next} fault: refuse this message the way the protocol refuses (a JSON-RPC error,
     * {@code NOKU}, a Firehose NAK). Firmwares without a refusal form record a violation.
     */
    default void refuse(byte[] message, PhoneEndpoint out) {
        throw new IllegalStateException("this simulated mode has no way to refuse a command");
    }

    /** Where the phone writes its replies (one bulk IN transfer per call). */
    interface PhoneEndpoint {
        void send(byte[] message);
    }
}
