package dev.lumiaagent.protocol.sahara;

import dev.lumiaagent.protocol.wire.DeviceRefusal;
import java.util.Objects;

/**
 * The device's verdict: it ended a step with a non-success Sahara status (END_OF_IMAGE_TRANSFER, or
 * one sent where CMD_READY / EXECUTE_RESP was expected). Carries the named status and its next step.
 */
public final class SaharaRefused extends DeviceRefusal {
    private final SaharaStatus status;
    private final String step;

    public SaharaRefused(String step, SaharaStatus status) {
        super(step + " refused by the phone: " + status + " (" + status.text() + ")");
        this.step = Objects.requireNonNull(step, "step");
        this.status = Objects.requireNonNull(status, "status");
    }

    public SaharaStatus status() {
        return status;
    }

    public String step() {
        return step;
    }

    /** The refused step: Sahara has no command names of its own for what the host asked. */
    @Override
    public String command() {
        return step;
    }

    @Override
    public String nextStep() {
        return status.nextStep();
    }
}
