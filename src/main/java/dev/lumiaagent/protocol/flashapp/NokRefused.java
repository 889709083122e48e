package dev.lumiaagent.protocol.flashapp;

import dev.lumiaagent.protocol.wire.DeviceRefusal;

/**
 * The phone answered, but refused a command the caller cannot go on without: {@code NOKU} (the app
 * does not know the command) or a non-zero status. A device verdict, not a desync (DESIGN §4): the
 * link is fine and the flow decides what to tell the technician.
 */
public final class NokRefused extends DeviceRefusal {
    private final String command;
    private final NokStatus status;

    /** @param status null when the answer was {@code NOKU} */
    public NokRefused(String command, NokStatus status) {
        super(status == null ? "the phone's UEFI app answered NOKU (unknown command) to " + command
                : command + " refused: " + status);
        this.command = command;
        this.status = status;
    }

    @Override
    public String command() {
        return command;
    }

    /** True for {@code NOKU}. */
    @Override
    public boolean unsupported() {
        return status == null;
    }

    public NokStatus status() {
        return status;
    }

    /** What a technician can do about it. */
    @Override
    public String nextStep() {
        return status != null ? status.nextStep()
                : "This UEFI app does not support the command. Restart the phone (hold Volume-Down + Power) and try again; "
                + "if it keeps answering NOKU, it may not be a Lumia UEFI app.";
    }
}
