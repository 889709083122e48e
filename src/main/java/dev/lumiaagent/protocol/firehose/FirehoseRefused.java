package dev.lumiaagent.protocol.firehose;

import dev.lumiaagent.protocol.wire.DeviceRefusal;
import java.util.OptionalInt;

/** A NAK turned into an exception by {@link FirehoseResult#orElseThrow()}; carries the response and its logs. */
public final class FirehoseRefused extends DeviceRefusal {
    private final String command;
    private final transient FirehoseResponse response;

    public FirehoseRefused(String command, FirehoseResponse response) {
        super(command + " refused by the programmer: " + response);
        this.command = command;
        this.response = response;
    }

    @Override
    public String command() {
        return command;
    }

    public FirehoseResponse response() {
        return response;
    }

    public FirehoseNakReason reason() {
        return response.nakReason().orElse(FirehoseNakReason.OTHER);
    }

    /** From what the programmer said with its NAK: {@link #nextStep(FirehoseResponse)}. */
    @Override
    public String nextStep() {
        return nextStep(response);
    }

    /** The next step after a NAK, from what the programmer said with it (a sector size it names is used as it is). */
    public static String nextStep(FirehoseResponse response) {
        switch (response.nakReason().orElse(FirehoseNakReason.OTHER)) {
            case SECTOR_SIZE_MISMATCH: {
                OptionalInt size = response.sectorSizeHint();
                return size.isPresent()
                        ? "The phone's storage has " + size.getAsInt() + "-byte sectors: use files made for " + size.getAsInt() + "-byte sectors."
                        : "The phone's storage uses another sector size than the image: use files made for this phone's storage.";
            }
            case AUTHENTICATION_REFUSED:
                return "The programmer checks signatures (VIP): it needs the signed .edp payload made for this phone.";
            case PAYLOAD_TOO_LARGE:
                return "The programmer took a smaller payload size than asked; run the step again.";
            case UNSUPPORTED_MEMORY:
                return "The programmer does not drive this storage type: use the programmer made for this phone.";
            default:
                return "Read the programmer's reason above, then run the step again; if it repeats, run `lumia-agent diag` "
                        + "and send the bundle to the maintainers.";
        }
    }
}
