package dev.lumiaagent.device;

import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;

/**
 * A phone in a mode with nothing to talk to over USB: mass storage (a USB disk), Qualcomm emergency
 * charging (05C6:F006, a dead battery), memory debug, SimpleIO or an unknown personality. What it is
 * comes from enumeration alone, with a note saying what to do; no channel is opened.
 */
public final class PassivePhone implements Phone {
    private final UsbDevice device;

    PassivePhone(UsbDevice device) {
        this.device = device;
    }

    @Override
    public UsbDevice device() {
        return device;
    }

    /** True for F006: the battery is too flat for the phone to start. */
    public boolean batteryDead() {
        return mode() == Mode.EMERGENCY_CHARGING;
    }

    @Override
    public DeviceInfo readInfo() {
        DeviceInfo base = InfoReader.fromBus(device);
        Mode mode = mode();
        switch (mode) {
            case EMERGENCY_CHARGING:
                return base.merge(DeviceInfo.builder().put(InfoField.BATTERY_PERCENT, 0)
                        .note("Battery dead: the phone shows up only as Qualcomm emergency charging (05C6:F006). "
                                + "Charge it for at least 20 minutes with a wall charger, then check again.").build());
            case MASS_STORAGE:
                return base.merge(DeviceInfo.builder().note("Mass-storage mode: the phone is a USB disk and has no "
                        + "information channel. Restart it (hold Volume-Down + Power) to read it in normal mode.").build());
            default:
                return base.merge(DeviceInfo.builder().note("The agent cannot read a phone in " + mode.label() + ".").build());
        }
    }

    /** Nothing to ask: unknown. */
    @Override
    public PhoneIdentity identity() {
        return new PhoneIdentity(null, null);
    }

    @Override
    public void close() {
        // no channel was opened
    }

    @Override
    public String toString() {
        return "phone in " + mode().label() + " " + device;
    }
}
