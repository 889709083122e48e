package dev.lumiaagent.protocol.ncsd;

import java.util.Optional;

/** The optional {@code ResetMethod} param of {@code SetDeviceMode} (lumia-protocols.md §2.3). */
public enum ResetMethod {
    /** {@code "ResetMethod":"HwReset"}, as WPinternals and fg send it. */
    HW_RESET("HwReset"),
    /** No {@code ResetMethod} member, as LSU sends it. */
    NONE(null);

    private final String wireName;

    ResetMethod(String wireName) {
        this.wireName = wireName;
    }

    /** The wire value; empty for {@link #NONE}. */
    public Optional<String> wireName() {
        return Optional.ofNullable(wireName);
    }

    /** The method a param value names; absent param means {@link #NONE}; empty for an unknown value. */
    public static Optional<ResetMethod> fromWire(String name) {
        if (name == null) {
            return Optional.of(NONE);
        }
        return HW_RESET.wireName.equals(name) ? Optional.of(HW_RESET) : Optional.empty();
    }
}
