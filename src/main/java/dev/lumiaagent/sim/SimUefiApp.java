package dev.lumiaagent.sim;

/** Which UEFI application a simulated phone in {@code Mode.UEFI} is running (NOKV byte 5: 1, 2, 3). */
public enum SimUefiApp {
    BOOT_MANAGER(1),
    FLASH_APP(2),
    PHONE_INFO(3);

    private final int nokvType;

    SimUefiApp(int nokvType) {
        this.nokvType = nokvType;
    }

    /** The app type byte of the NOKV reply (lumia-protocols.md §3.3). */
    public int nokvType() {
        return nokvType;
    }
}
