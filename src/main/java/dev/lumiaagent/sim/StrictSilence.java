package dev.lumiaagent.sim;

import java.util.HexFormat;

/**
 * Firmware for a mode whose protocol is not simulated: it answers nothing and records every host
 * message as a protocol violation, so a test that talks to it sees its mistake instead of a silent pass.
 */
final class StrictSilence implements SimFirmware {
    static final SimBus.FirmwareProvider PROVIDER = (phone, bus, port) -> new StrictSilence(phone);

    private final SimPhone phone;

    StrictSilence(SimPhone phone) {
        this.phone = phone;
    }

    @Override
    public void onHostMessage(byte[] message, PhoneEndpoint out) {
        int shown = Math.min(message.length, 16);
        phone.recordViolation("host sent " + message.length + " bytes (" + HexFormat.of().formatHex(message, 0, shown)
                + (shown < message.length ? "…" : "") + ") in mode " + phone.mode().label()
                + ", for which no protocol is simulated");
    }
}
