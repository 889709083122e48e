package dev.lumiaagent.device;

import dev.lumiaagent.protocol.firehose.FirehoseSession;
import dev.lumiaagent.protocol.sahara.MsmHwId;
import dev.lumiaagent.protocol.sahara.SaharaDetect;
import dev.lumiaagent.protocol.sahara.SaharaSession;
import dev.lumiaagent.protocol.sahara.SaharaUpload;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;

/**
 * A phone in Qualcomm emergency download, 05C6:9008 (edl-protocol.md §2–§5). First {@link #detect}
 * what answers: the PBL's Sahara (its HELLO, or silence when a driver or an earlier run took it), or
 * a Firehose programmer already running. Then, in Sahara, the chip is read in command mode and the
 * programmer uploaded; after that {@link #firehose()} talks to the programmer on the same channel.
 * Chip reads the loader refuses throw {@code SaharaRefused}, a verdict the caller decides on.
 */
public final class EdlPhone implements Phone {
    /** How long a read of this phone waits for Sahara (edl-protocol.md §2.5). */
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(2);

    private final UsbDevice device;
    private final Link link;
    private final Duration wait;
    private SaharaSession sahara;
    private Firehose firehose;

    EdlPhone(UsbDevice device, Link link, Duration wait) {
        this.device = device;
        this.link = link;
        this.wait = wait;
        try {
            this.sahara = new SaharaSession(link, wait);
        } catch (RuntimeException e) {
            Phones.closeQuietly(link, e);
            throw e;
        }
    }

    static boolean speaks(Mode mode) {
        return mode.isEmergencyDownload();
    }

    @Override
    public UsbDevice device() {
        return device;
    }

    /**
     * Finds out what answers on 9008, within the phone's wait. A Sahara HELLO seen is kept for the
     * session; silence means the PBL's only HELLO went to someone else, and Sahara still takes a
     * HELLO_RESP (§5), so the session goes on as if it had read it.
     */
    public SaharaDetect.Detection detect() {
        SaharaDetect.Detection seen = SaharaDetect.detect(link, wait);
        if (seen instanceof SaharaDetect.SaharaHelloSeen) {
            sahara = new SaharaSession(link, wait, ((SaharaDetect.SaharaHelloSeen) seen).hello());
        } else if (seen instanceof SaharaDetect.Silent) {
            sahara.assumeHelloConsumed();
        }
        return seen;
    }

    /** Sahara command mode, for the chip reads below; refused by some loaders. */
    public void enterCommandMode() {
        sahara.enterCommandMode();
    }

    public long serialNumber() {
        return sahara.serialNumber();
    }

    public MsmHwId msmHwId() {
        return sahara.msmHwId();
    }

    /** The OEM PK hash: the hash of the root key a programmer must be signed for. */
    public byte[] oemPkHash() {
        return sahara.oemPkHash();
    }

    /** Back from command mode to image transfer, so the phone stays usable for a flash. */
    public void leaveCommandMode() {
        sahara.leaveCommandMode();
    }

    /** Uploads the programmer through Sahara; it then runs on the phone and answers Firehose. */
    public SaharaUpload uploadProgrammer(SeekableByteChannel programmer) {
        return sahara.uploadImage(programmer);
    }

    /** The programmer running on the phone (uploaded now, or found running by {@link #detect}). */
    public Firehose firehose() {
        if (firehose == null) {
            firehose = new Firehose(new FirehoseSession(link));
        }
        return firehose;
    }

    /** Chip serial, MSM HW ID and root-key hash, read over Sahara command mode; notes for what could not be read. */
    @Override
    public DeviceInfo readInfo() {
        DeviceInfo base = InfoReader.fromBus(device);
        return base.merge(EdlReader.read(this));
    }

    /** A phone in 9008 tells neither IMEI nor public ID: unknown, and nothing is sent to it. */
    @Override
    public PhoneIdentity identity() {
        return new PhoneIdentity(null, null);
    }

    @Override
    public void close() {
        link.close();
    }

    @Override
    public String toString() {
        return "9008 phone " + device;
    }
}
