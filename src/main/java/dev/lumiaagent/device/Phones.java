package dev.lumiaagent.device;

import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.time.Duration;

/**
 * Opens the phone on a device in the mode it is in now. {@link #open} picks the kind from the mode;
 * the typed openers are for a flow that has already decided from the mode what it talks to, and
 * refuse a device in another mode.
 */
public final class Phones {
    private Phones() {
    }

    /** The phone in its current mode, with each protocol's default reply bounds. */
    public static Phone open(Bus bus, UsbDevice device) {
        Mode mode = device.personality().mode();
        if (NormalPhone.speaks(mode)) {
            return openNormal(bus, device);
        }
        if (UefiPhone.speaks(mode)) {
            return openUefi(bus, device);
        }
        if (EdlPhone.speaks(mode)) {
            return openEdl(bus, device, EdlPhone.DEFAULT_WAIT);
        }
        return new PassivePhone(device);
    }

    /** A phone in normal or label mode; each request waits the NCSd default for its reply. */
    public static NormalPhone openNormal(Bus bus, UsbDevice device) {
        return openNormal(bus, device, NormalPhone.DEFAULT_REPLY_TIMEOUT);
    }

    /**
     * A phone in normal or label mode whose every request must be answered within {@code answerWithin}:
     * a phone that answers does so well within 2 s (WDRT allows 500 ms), a hung OS never does.
     */
    public static NormalPhone openNormal(Bus bus, UsbDevice device, Duration answerWithin) {
        require(device, NormalPhone.speaks(device.personality().mode()), "normal or label mode");
        return new NormalPhone(device, Channels.open(bus, device), answerWithin);
    }

    /** A phone in one of its UEFI apps. */
    public static UefiPhone openUefi(Bus bus, UsbDevice device) {
        require(device, UefiPhone.speaks(device.personality().mode()), "UEFI");
        return new UefiPhone(device, Channels.open(bus, device));
    }

    /** A phone in Qualcomm 9008; {@code wait} bounds Sahara's reads (and the detection of what answers). */
    public static EdlPhone openEdl(Bus bus, UsbDevice device, Duration wait) {
        require(device, EdlPhone.speaks(device.personality().mode()), "Qualcomm emergency download (9008)");
        return new EdlPhone(device, Channels.open(bus, device), wait);
    }

    private static void require(UsbDevice device, boolean ok, String wanted) {
        if (!ok) {
            throw new IllegalArgumentException("the phone on " + device.port() + " is in " + device.personality().mode().label()
                    + ", not in " + wanted);
        }
    }

    /** Closes a link when opening its phone fails half-way. */
    static void closeQuietly(Link link, RuntimeException cause) {
        try {
            link.close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
