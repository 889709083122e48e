package dev.lumiaagent.sim;

/** Which protocol peer serves a simulated phone in its current mode. */
final class SimFirmwares {
    private SimFirmwares() {
    }

    /** Modes whose protocols are simulated get their peer; the rest get {@link StrictSilence}. */
    static final SimBus.FirmwareProvider STANDARD = (phone, bus, port) -> {
        switch (phone.mode()) {
            case NORMAL:
            case LABEL:
                return new SimNcsdFirmware(bus.control(port));
            case UEFI:
                return new SimUefiFirmware(bus.control(port));
            case EDL_PBL: {
                SimPhoneControl control = bus.control(port);
                // One PBL per power-on: reopening the port reaches the same one (it greets once).
                return SimEdlFirmware.ofThisPowerOn(control,
                        () -> new SimEdlFirmware(control, () -> new SimFirehoseProgrammer(control), phone.saharaVersion()));
            }
            default:
                return StrictSilence.PROVIDER.firmwareFor(phone, bus, port);
        }
    };
}
