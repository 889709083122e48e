package dev.lumiaagent.flow.gate;

import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.device.InfoField;
import java.util.Optional;

/**
 * The one place that decides the pre-flight gates shared by every destructive flow
 * (users-and-peers.md R4; reset-procedures.md). Each method evaluates one gate from what the agent
 * knows; what it cannot know is UNKNOWN, never PASSED.
 */
public final class Gates {
    /** WDRT's line: at least 25 % (lumia-protocols.md §6.1). */
    public static final int MIN_BATTERY_PERCENT = 25;

    public static final String ERASE_WARNING = "Everything on the phone will be erased: apps, messages, pictures, settings. "
            + "Back it up first (Settings → backup). A restore after the reset works only with the same Microsoft account; "
            + "pictures and files that were not backed up are lost.";

    private Gates() {
    }

    /** F006 is a dead battery; below 25 % is refused; unreadable is UNKNOWN and does not block (as WDRT). */
    public static GateResult battery(DeviceInfo phone, boolean emergencyCharging) {
        if (emergencyCharging) {
            return GateResult.failed(Gate.BATTERY, "the phone shows up only as emergency charging (05C6:F006): its battery is dead",
                    "Charge the phone for at least 20 minutes with a wall charger, then run the job again.");
        }
        Optional<Object> level = phone.get(InfoField.BATTERY_PERCENT);
        if (level.isEmpty()) {
            return GateResult.unknown(Gate.BATTERY, "the phone's current mode does not report the battery level", false,
                    "Make sure the phone has been charging for a while before you start.");
        }
        long percent = ((Number) level.get()).longValue();
        if (percent < MIN_BATTERY_PERCENT) {
            return GateResult.failed(Gate.BATTERY, "battery at " + percent + " %, below the " + MIN_BATTERY_PERCENT + " % needed",
                    "Charge the phone to at least " + MIN_BATTERY_PERCENT + " % (about 20 minutes on a wall charger), then run the job again.");
        }
        return GateResult.passed(Gate.BATTERY, "battery at " + percent + " %");
    }

    /** Recorded where the phone answers; a protected phone warns, an unknown state is said so. */
    public static GateResult resetProtection(DeviceInfo phone) {
        Optional<String> state = phone.text(InfoField.RESET_PROTECTION);
        if (state.isEmpty() || state.get().startsWith("unknown")) {
            return GateResult.unknown(Gate.RESET_PROTECTION, "reset protection state " + state.orElse("not reported in this mode")
                    + "; if it is on, whoever sets the phone up next needs the previous owner's Microsoft account", false, "");
        }
        return GateResult.warning(Gate.RESET_PROTECTION, "reset protection: " + state.get()
                + "; if it is on, whoever sets the phone up next needs the previous owner's Microsoft account");
    }

    /**
     * Whether the FFU is made for this phone: its platform IDs against the phone's. A phone that does not
     * tell its platform blocks (nothing is written on a guess). Decided here only: a bench that reads the
     * platform in normal mode and a flow that reads it in the flash app reach the same verdict and outcome.
     */
    public static GateResult firmwareMatch(java.util.List<String> ffuPlatformIds, Optional<String> phonePlatform) {
        String ffuIds = String.join(", ", ffuPlatformIds);
        if (phonePlatform.isEmpty()) {
            return GateResult.unknown(Gate.FIRMWARE_MATCH, "the phone did not report its platform ID", true,
                    "Read the phone with `lumia-agent info` and check the FFU's platform IDs (`lumia-agent ffu inspect`).");
        }
        if (dev.lumiaagent.image.ffu.FfuImage.platformMatches(ffuPlatformIds, phonePlatform.get())) {
            return GateResult.passed(Gate.FIRMWARE_MATCH, "phone " + phonePlatform.get() + " matches the FFU (" + ffuIds + ")");
        }
        return GateResult.failed(Gate.FIRMWARE_MATCH, "the phone is " + phonePlatform.get() + " but the FFU is for " + ffuIds,
                "Use the FFU for this phone's product type; nothing was written.");
    }

    /** Whether every chunk of the FFU matched its hash table ({@code when}: a note on an earlier verification reused). */
    public static GateResult ffuIntegrity(String ffuName, dev.lumiaagent.image.ffu.FfuVerification v, String when) {
        if (!v.valid()) {
            return GateResult.failed(Gate.FFU_INTEGRITY, ffuName + " is damaged: " + v.failures().get(0)
                    + (v.badChunks() > 0 ? "; first bad chunk " + v.firstBadChunk() + " at offset " + v.firstBadChunkOffset() : ""),
                    "Download the FFU again; nothing was written to the phone.");
        }
        return GateResult.passed(Gate.FFU_INTEGRITY, v.chunksChecked() + " chunks verified, file sha256 " + v.fileSha256()
                + (when != null ? " (" + when + ")" : ""));
    }

    public static GateResult backupWarning() {
        return GateResult.warning(Gate.BACKUP_WARNING, ERASE_WARNING);
    }

    public static GateResult consent(Consent consent, String what) {
        if (consent.confirm(what + "\n" + ERASE_WARNING)) {
            return GateResult.passed(Gate.CONSENT, "given (" + consent + ")");
        }
        return GateResult.failed(Gate.CONSENT, "consent to erase the phone was not given (" + consent + ")",
                "Run the command again with --yes once the owner agrees that everything on the phone is erased.");
    }
}
