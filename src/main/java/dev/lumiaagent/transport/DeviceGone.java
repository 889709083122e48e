package dev.lumiaagent.transport;

/** The device left the bus (unplugged, rebooted, re-enumerated) while we were talking to it. */
public final class DeviceGone extends TransportException {
    public DeviceGone(String message) {
        super(message);
    }

    public DeviceGone(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String nextStep() {
        return "The phone left the USB bus. Check the cable, then run the command again; the agent picks the phone up in whatever mode it comes back in.";
    }
}
