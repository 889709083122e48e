package dev.lumiaagent.protocol.ncsd;

import java.util.Optional;

/** The {@code DeviceMode} param of {@code SetDeviceMode} (lumia-protocols.md §2.3, §5). */
public enum DeviceMode {
    /** Reboot to the phone OS; with {@link ResetMethod#HW_RESET} this is the soft reset (§2.4). */
    NORMAL("Normal"),
    /** Reboot to the UEFI flash app (0421:066E etc.). */
    FLASH("Flash"),
    /** Reboot to label / MMOS test mode (old WPinternals, LSU). */
    TEST("Test"),
    /** Power off (LSU's default for an unknown target). */
    POWER_OFF("PowerOff");

    private final String wireName;

    DeviceMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<DeviceMode> fromWire(String name) {
        for (DeviceMode m : values()) {
            if (m.wireName.equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
