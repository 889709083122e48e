package dev.lumiaagent.device;

import dev.lumiaagent.protocol.sahara.MsmHwId;
import dev.lumiaagent.protocol.sahara.SaharaDetect;
import dev.lumiaagent.protocol.sahara.SaharaRefused;
import dev.lumiaagent.protocol.wire.Bytes;

/**
 * Reads a phone in Qualcomm 9008 over Sahara command mode (edl-protocol.md §2.5): chip serial, MSM HW
 * ID, OEM PK hash (the root-key hash), then leaves command mode so the phone stays usable for a flash.
 * A programmer already running (Firehose answers) or a silent PBL is said in a note.
 */
final class EdlReader {
    private EdlReader() {
    }

    static DeviceInfo read(EdlPhone phone) {
        DeviceInfo.Builder b = DeviceInfo.builder();
        SaharaDetect.Detection seen = phone.detect();
        if (seen instanceof SaharaDetect.SaharaHelloSeen) {
            // the session has the HELLO
        } else if (seen instanceof SaharaDetect.Silent) {
            b.note("The loader's Sahara HELLO had already been taken (by a driver or an earlier run); the agent answered it unasked.");
        } else if (seen instanceof SaharaDetect.FirehoseSeen) {
            return b.note("A Firehose programmer is already running on this phone: chip info is read by the PBL only. "
                    + "Run the emergency flash to continue, or restart the phone to get back to the PBL.").build();
        } else {
            return b.note("The phone in 9008 answered neither Sahara nor Firehose (" + seen + ").").build();
        }
        try {
            phone.enterCommandMode();
            b.put(InfoField.CHIP_SERIAL, String.format("%08X", phone.serialNumber()));
            try {
                MsmHwId hw = phone.msmHwId();
                b.put(InfoField.MSM_HW_ID, hw.toString());
            } catch (SaharaRefused e) {
                b.note("This loader does not report the MSM HW ID (" + e.status() + ").");
            }
            b.put(InfoField.ROOT_KEY_HASH, Bytes.hex(phone.oemPkHash()));
            phone.leaveCommandMode();
        } catch (SaharaRefused e) {
            b.note("The loader refused command mode (" + e.status() + "): chip info is not available from it.");
        }
        return b.build();
    }
}
