package dev.lumiaagent.protocol.flashapp;

import dev.lumiaagent.protocol.wire.ProtocolException;

/** The UEFI application answering on the shared UEFI PID: NOKV byte 5 (lumia-protocols.md §3.3). */
public enum NokApp {
    BOOT_MANAGER(1, "BootMgr"),
    FLASH_APP(2, "FlashApp"),
    PHONE_INFO(3, "PhoneInfoApp");

    private final int type;
    private final String traceName;

    NokApp(int type, String traceName) {
        this.type = type;
        this.traceName = traceName;
    }

    public int type() {
        return type;
    }

    public String traceName() {
        return traceName;
    }

    public static NokApp ofType(int type) {
        for (NokApp a : values()) {
            if (a.type == type) {
                return a;
            }
        }
        throw new ProtocolException("NOKV byte 5: app type " + type + " is none of BootMgr(1), FlashApp(2), PhoneInfoApp(3)");
    }
}
