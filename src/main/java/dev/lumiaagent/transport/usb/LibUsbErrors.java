package dev.lumiaagent.transport.usb;

import dev.lumiaagent.transport.AccessDenied;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.TransportException;
import dev.lumiaagent.transport.TransportFailure;
import java.time.Duration;
import java.util.Locale;
import org.usb4java.LibUsb;

/**
 * The one place where libusb's integer error codes become typed transport exceptions (DESIGN §3).
 * Nothing outside this package sees an {@code int} code.
 */
final class LibUsbErrors {
    private LibUsbErrors() {
    }

    /** libusb's own name for a code, e.g. {@code LIBUSB_ERROR_ACCESS}; never throws. */
    static String name(int code) {
        try {
            String n = LibUsb.errorName(code);
            // libusb names 0 "LIBUSB_SUCCESS / LIBUSB_TRANSFER_COMPLETED"; keep the first word only
            int slash = n.indexOf(' ');
            return slash > 0 ? n.substring(0, slash) : n;
        } catch (Throwable e) { // natives missing: still give the number
            return "LIBUSB_ERROR_" + code;
        }
    }

    /**
     * Maps a failed libusb call that is not a data transfer (open, claim, detach, descriptors).
     *
     * @param what what we were doing, for people: "open 1-1.4 (05C6:9008)"
     */
    static TransportException map(int code, String what) {
        return map(code, what, os());
    }

    static TransportException map(int code, String what, String os) {
        switch (code) {
            case LibUsb.ERROR_NO_DEVICE:
                return new DeviceGone("Could not " + what + ": the device is no longer on the USB bus");
            case LibUsb.ERROR_NOT_FOUND:
                return new DeviceGone("Could not " + what + ": the device or interface is not there any more");
            case LibUsb.ERROR_ACCESS:
                return new AccessDenied("Could not " + what + ": the operating system denied access", accessHint(os));
            case LibUsb.ERROR_BUSY:
                return new AccessDenied("Could not " + what + ": another driver or program holds the interface",
                        busyHint(os));
            case LibUsb.ERROR_TIMEOUT:
                return new TransportFailure(name(code), "Could not " + what + ": the device did not answer in time");
            default:
                return new TransportFailure(name(code), "Could not " + what);
        }
    }

    /** Maps a failed bulk transfer; a timeout keeps the count of bytes that did move. */
    static TransportException transfer(int code, TransferTimeout.Direction direction, Duration timeout, int bytesMoved,
                                       String where) {
        if (code == LibUsb.ERROR_TIMEOUT) {
            return new TransferTimeout(direction, timeout, bytesMoved);
        }
        if (code == LibUsb.ERROR_NO_DEVICE) {
            return new DeviceGone("The device at " + where + " left the USB bus during a bulk " + direction
                    + " transfer (" + bytesMoved + " bytes moved)");
        }
        if (code == LibUsb.ERROR_PIPE) {
            return new TransportFailure(name(code), "The device at " + where + " stalled the bulk " + direction + " endpoint");
        }
        if (code == LibUsb.ERROR_OVERFLOW) {
            return new TransportFailure(name(code), "The device at " + where
                    + " sent more bytes than the read buffer holds (bulk IN)");
        }
        return map(code, "move data " + direction + " on " + where);
    }

    static String accessHint(String os) {
        String o = os.toLowerCase(Locale.ROOT);
        if (o.contains("win")) {
            return "Bind the WinUSB driver to the phone's interface (see drivers/ in the agent's folder, or use Zadig), "
                    + "then unplug and replug the phone.";
        }
        if (o.contains("mac") || o.contains("darwin")) {
            return "Close any other program that talks to the phone (iTunes-style sync tools, another agent), "
                    + "then unplug and replug it; if it still fails, run the agent with sudo.";
        }
        return "Install udev-rules/51-lumia-agent.rules into /etc/udev/rules.d/, run 'sudo udevadm control --reload', "
                + "then unplug and replug the phone (or run the agent as root). For 05C6:9008 also stop ModemManager "
                + "('sudo systemctl stop ModemManager').";
    }

    static String busyHint(String os) {
        String o = os.toLowerCase(Locale.ROOT);
        if (o.contains("win")) {
            return "The Qualcomm COM-port driver (QDLoader 9008) or another program owns the interface: close other "
                    + "flashing tools, or bind WinUSB to it (see drivers/), then replug the phone.";
        }
        if (o.contains("mac") || o.contains("darwin")) {
            return "Another program (perhaps another lumia-agent) has the phone open: close it and replug the phone.";
        }
        return "The kernel driver qcserial (ttyUSB), ModemManager or another lumia-agent holds the interface: stop "
                + "the other program, or blacklist qcserial ('modprobe -r qcserial'), then replug the phone.";
    }

    static String os() {
        return System.getProperty("os.name", "linux");
    }
}
