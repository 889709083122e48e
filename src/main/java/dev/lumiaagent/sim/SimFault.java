package dev.lumiaagent.sim;

import java.util.Arrays;
import java.util.Locale;

/**
 * The simulator's fault vocabulary (DESIGN §2). Each fault is named in bench files in lower case with
 * dashes ({@code dead-battery}). Only the faults listed here exist; later protocol work adds more.
 */
public enum SimFault {
    /** The battery is flat: the phone shows up only as Qualcomm emergency charging (05C6:F006). */
    DEAD_BATTERY,
    /** The phone enumerates but never answers on its bulk channel. */
    STALL,
    /** The next command the host sends is refused in the protocol's own way (JSON-RPC error, NOKU); once. */
    NAK_NEXT,
    /**
     * The next reply the phone sends is garbled on the wire, once: its bytes 4..7 read 0xFF (the length field of
     * a Sahara packet; fields of a NOK reply; the text of a JSON-RPC or Firehose XML answer), as a bad cable or a
     * confused USB stack delivers them. The phone itself did the command. Assumed: no capture shows such a reply
     * (USB checks each packet's CRC, so a real bad cable mostly gives transfer errors); it exists to test that a
     * reply that does not parse ends in a named outcome.
     */
    CORRUPT_NEXT,
    /** Firehose: the storage has 4096-byte sectors; commands with another SECTOR_SIZE_IN_BYTES are NAKed with the size (edl-protocol.md §3.5). */
    WRONG_SECTOR_SIZE,
    /** Firehose: a VIP programmer refuses every program with an authentication log (§3.6, §5). */
    VIP_REFUSAL,
    /** Firehose: program and erase answer only after a long delay on the bench clock (§5, qdl issue #163). */
    SLOW_STORAGE,
    /**
     * In 9008 the PBL's one Sahara HELLO was already taken (a driver, an earlier run; edl-protocol.md §5):
     * opening the channel yields nothing, while the PBL still accepts an unsolicited HELLO_RESP.
     * A Sahara RESET clears it.
     */
    HELLO_CONSUMED,
    /**
     * The known bug of some older Lumias (reset-procedures.md): a factory reset never finishes; the phone
     * keeps rebooting into the spinning gears and never comes back in normal mode. A reflash is the fix.
     */
    RESET_NEVER_FINISHES,
    /**
     * Firehose: the eMMC keeps one byte of every {@code program} wrong: once a program's data is stored, one bit of
     * the byte in the middle of its range is flipped, so a {@code read} of it returns other bytes than were written.
     * Assumed, as the simulator's picture of a bad eMMC block (no capture shows one; the programmer ACKs the program
     * because the controller reported no error); it exists to test the read-back check of an emergency write.
     */
    BAD_EMMC_BLOCK,
    /**
     * At its first mode change the phone leaves the bus and does not come back, whatever the host waits, until its
     * port's power is cycled ({@code SimBus.portPower()}); then it arrives where that mode change took it (it ran on its
     * battery all along) and the fault is gone. Assumed, modelled
     * on the field reports of "a port whose phone never comes back until it is unplugged" (a phone or hub port wedged
     * after a re-enumeration); no capture shows what the phone is doing meanwhile. In a reflash from normal mode it
     * makes AwaitFlashApp end PHONE_DID_NOT_RETURN.
     */
    GONE_UNTIL_POWER_CYCLE;

    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static SimFault parse(String key) {
        for (SimFault f : values()) {
            if (f.key().equals(key)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown simulated fault '" + key + "'; simulated faults are: "
                + String.join(", ", Arrays.stream(values()).map(SimFault::key).toList()));
    }
}
