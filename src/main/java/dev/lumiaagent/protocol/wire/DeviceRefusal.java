package dev.lumiaagent.protocol.wire;

/**
 * The device answered and said no (DESIGN §4, kind 3): a flash-app status or {@code NOKU}, a Firehose
 * NAK, a Sahara error status. The link is fine and nothing is out of step; the flow decides what to
 * tell the technician, and needs no protocol's own exception to do it: every protocol's refusal
 * names the command, says whether the device does not know the command at all, and gives the next step.
 */
public abstract class DeviceRefusal extends RuntimeException {

    protected DeviceRefusal(String message) {
        super(message);
    }

    /** What was refused, in the protocol's words ({@code NOKV}, {@code program}, {@code command mode}). */
    public abstract String command();

    /**
     * True when the device does not know the command at all ({@code NOKU}), rather than refusing to do
     * it: the flow reports it as an unsupported command, not as a rejection.
     */
    public boolean unsupported() {
        return false;
    }

    /** What a technician can do about it. */
    public abstract String nextStep();
}
