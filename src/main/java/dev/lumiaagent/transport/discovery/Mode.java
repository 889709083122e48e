package dev.lumiaagent.transport.discovery;

/**
 * The USB personality families a Lumia can present (lumia-protocols.md §1, edl-protocol.md §1).
 * Which UEFI app answers (boot manager, flash app, phone-info app) is not visible on the bus: all
 * three share one PID and are told apart by the {@code NOKV} reply, so the bus reports {@link #UEFI}.
 */
public enum Mode {
    NORMAL("normal OS"),
    LABEL("label / test mode"),
    UEFI("UEFI (boot manager / flash app / phone-info app)"),
    MASS_STORAGE("mass storage"),
    EDL_PBL("Qualcomm emergency download (PBL)"),
    EDL_PROGRAMMER("Qualcomm emergency flash (programmer running)"),
    EDL("Qualcomm emergency download (sub-mode unknown)"),
    MEMORY_DEBUG("Qualcomm memory-debug / crash dump"),
    EMERGENCY_CHARGING("Qualcomm emergency charging (battery dead)"),
    SIMPLE_IO("SimpleIO (MsFlashing)"),
    UNKNOWN("unknown");

    private final String label;

    Mode(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** True for the 05C6:9008 family where Sahara / Firehose / DLOAD may answer. */
    public boolean isEmergencyDownload() {
        return this == EDL_PBL || this == EDL_PROGRAMMER || this == EDL;
    }
}
