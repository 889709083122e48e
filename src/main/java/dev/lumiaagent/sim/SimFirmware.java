package dev.lumiaagent.sim;

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
