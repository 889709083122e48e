package dev.lumiaagent.device;

import dev.lumiaagent.protocol.sahara.MsmHwId;
import dev.lumiaagent.protocol.sahara.SaharaDetect;
import dev.lumiaagent.protocol.sahara.SaharaRefused;
import dev.lumiaagent.protocol.sahara.SaharaSession;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.transport.Link;
import java.time.Duration;

/**
 * Reads a phone in Qualcomm 9008 over Sahara command mode (edl-protocol.md §2.5): chip serial, MSM HW
 * ID, OEM PK hash (the root-key hash), then leaves command mode so the phone stays usable for a flash.
 * A programmer already running (Firehose answers) or a silent PBL is said in a note.
 */
public final class EdlReader {
    private static final Duration WAIT = Duration.ofSeconds(2);

    private EdlReader() {
    }

    public static DeviceInfo read(Link link) {
        DeviceInfo.Builder b = DeviceInfo.builder();
        SaharaDetect.Detection seen = SaharaDetect.detect(link, WAIT);
        SaharaSession s;
        if (seen instanceof SaharaDetect.SaharaHelloSeen) {
            s = new SaharaSession(link, WAIT, ((SaharaDetect.SaharaHelloSeen) seen).hello());
        } else if (seen instanceof SaharaDetect.Silent) {
            s = new SaharaSession(link, WAIT);
            s.assumeHelloConsumed();
            b.note("The loader's Sahara HELLO had already been taken (by a driver or an earlier run); the agent answered it unasked.");
        } else if (seen instanceof SaharaDetect.FirehoseSeen) {
            return b.note("A Firehose programmer is already running on this phone: chip info is read by the PBL only. "
                    + "Run the emergency flash to continue, or restart the phone to get back to the PBL.").build();
        } else {
            return b.note("The phone in 9008 answered neither Sahara nor Firehose (" + seen + ").").build();
        }
        try {
            s.enterCommandMode();
            b.put(InfoField.CHIP_SERIAL, String.format("%08X", s.serialNumber()));
            try {
                MsmHwId hw = s.msmHwId();
                b.put(InfoField.MSM_HW_ID, hw.toString());
            } catch (SaharaRefused e) {
                b.note("This loader does not report the MSM HW ID (" + e.status() + ").");
            }
            b.put(InfoField.ROOT_KEY_HASH, Bytes.hex(s.oemPkHash()));
            s.leaveCommandMode();
        } catch (SaharaRefused e) {
            b.note("The loader refused command mode (" + e.status() + "): chip info is not available from it.");
        }
        return b.build();
    }
}
