package dev.lumiaagent.protocol.flashapp;

import java.util.Optional;

/** Flash-app parameters readable with {@code NOKXFR} that the agent decodes (lumia-protocols.md §3.4, §6). */
public enum NokParam {
    /** Firmware version string. */
    FVER,
    /** Root key hash, 32 bytes. */
    RRKH,
    /** Security status, 8 flag bytes. */
    SS,
    /** Fuse flags, BE32. */
    FCS,
    /** Charge state: level and current (§6.1). */
    CS,
    /** Flash-app info: app type and versions. */
    FAI,
    /** Device platform ID string. */
    DPI,
    /** Public ID: 4-byte prefix + 20 bytes. */
    PID,
    /** eMMC CID; bytes 0..1 name the manufacturer. */
    CID,
    /** eMMC size in sectors, BE32. */
    EMS,
    /** SD-card size in sectors, BE32. */
    SDS,
    /** Flashing status: byte 3 ≠ 0 = an FFU flash is incomplete. */
    FS,
    /** Reset protection (UFP name; whether Lumia flash apps answer it is unknown, §6.2, §9). */
    ATRP;

    /** The name on the wire (1..4 ASCII characters, NUL-padded in the message). */
    public String wireName() {
        return name();
    }

    public static Optional<NokParam> byWireName(String name) {
        for (NokParam p : values()) {
            if (p.wireName().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
