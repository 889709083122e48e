package dev.lumiaagent.flow.gate;

/** The pre-flight checks every destructive flow (reflash, hard reset, emergency) passes first. */
public enum Gate {
    FFU_INTEGRITY("firmware file intact"),
    FIRMWARE_MATCH("firmware made for this phone"),
    BATTERY("battery charged enough"),
    RESET_PROTECTION("reset protection recorded"),
    BACKUP_WARNING("owner warned that data will be erased"),
    CONSENT("explicit consent");

    private final String label;

    Gate(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
