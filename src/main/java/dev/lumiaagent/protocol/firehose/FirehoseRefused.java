package dev.lumiaagent.protocol.firehose;

/** A NAK turned into an exception by {@link FirehoseResult#orElseThrow()}; carries the response and its logs. */
public final class FirehoseRefused extends RuntimeException {
    private final transient FirehoseResponse response;

    public FirehoseRefused(String command, FirehoseResponse response) {
        super(command + " refused by the programmer: " + response);
        this.response = response;
    }

    public FirehoseResponse response() {
        return response;
    }

    public FirehoseNakReason reason() {
        return response.nakReason().orElse(FirehoseNakReason.OTHER);
    }
}
