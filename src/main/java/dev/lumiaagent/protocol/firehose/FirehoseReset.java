package dev.lumiaagent.protocol.firehose;

import java.util.List;

/**
 * How a {@code <power value="reset"/>} ended (§3.4, §5): the phone leaving the bus is the expected
 * outcome, not a failure.
 *
 * @param acknowledged the ACK was read (false when the phone left before it could be read)
 * @param deviceLeft   the link reported the device gone within the wait
 * @param logs         logs the programmer sent after its ACK
 */
public record FirehoseReset(boolean acknowledged, boolean deviceLeft, List<FirehoseLog> logs) {
    public FirehoseReset {
        logs = List.copyOf(logs);
    }

    @Override
    public String toString() {
        return "reset " + (acknowledged ? "acknowledged" : "not acknowledged") + ", "
                + (deviceLeft ? "device left the bus" : "device still on the bus");
    }
}
