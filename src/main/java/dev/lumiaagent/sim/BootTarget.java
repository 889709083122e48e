package dev.lumiaagent.sim;

/** Where a simulated phone is headed when it restarts. */
public enum BootTarget {
    /** The phone OS: through the boot manager, whose watchdog continues the boot (lumia-protocols.md §5). */
    OS,
    /** The boot manager, which continues to the OS unless the host sends NOKD in time. */
    BOOT_MANAGER,
    FLASH_APP,
    PHONE_INFO,
    MASS_STORAGE,
    LABEL,
    /** Qualcomm emergency download (05C6:9008). */
    EDL,
    /** Powered off: leaves the bus and stays away. */
    OFF
}
