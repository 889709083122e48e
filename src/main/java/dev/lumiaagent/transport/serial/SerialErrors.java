package dev.lumiaagent.transport.serial;

import dev.lumiaagent.transport.AccessDenied;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.TransportException;
import dev.lumiaagent.transport.TransportFailure;
import java.util.Locale;

/**
 * The one place where jSerialComm's integer error codes become typed {@link TransportException}s
 * (DESIGN §3). jSerialComm reports the raw OS code through {@code getLastErrorCode()}: an errno on
 * Linux / macOS, a Win32 {@code GetLastError()} value on Windows. The same number means different
 * things on the two (5 is EIO on Linux but ERROR_ACCESS_DENIED on Windows), so every mapping takes
 * the platform.
 */
final class SerialErrors {

    /** Which numbering the code comes from. */
    enum Platform {
        POSIX, WINDOWS;

        static Platform current() {
            return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") ? WINDOWS : POSIX;
        }
    }

    // errno values shared by Linux and macOS, except EAGAIN/EWOULDBLOCK (11 on Linux, 35 on macOS).
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EIO = 5;
    static final int ENXIO = 6;
    static final int EBADF = 9;
    static final int EAGAIN_LINUX = 11;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EPIPE = 32;
    static final int EAGAIN_MACOS = 35;

    // Win32 error codes.
    static final int ERROR_FILE_NOT_FOUND = 2;
    static final int ERROR_PATH_NOT_FOUND = 3;
    static final int ERROR_ACCESS_DENIED = 5;
    static final int ERROR_INVALID_HANDLE = 6;
    static final int ERROR_BAD_COMMAND = 22;
    static final int ERROR_GEN_FAILURE = 31;
    static final int ERROR_SHARING_VIOLATION = 32;
    static final int ERROR_OPERATION_ABORTED = 995;
    static final int ERROR_DEVICE_NOT_CONNECTED = 1167;

    static final String LINUX_HINT = "Add your user to the 'dialout' group (sudo usermod -aG dialout $USER, then log out and in)"
            + " or install udev-rules/51-lumia-agent.rules, and stop ModemManager (sudo systemctl stop ModemManager),"
            + " which probes every new ttyUSB port and can hold it open.";
    static final String WINDOWS_HINT = "Another program holds the COM port (close QPST, QFIL, WPinternals or a second lumia-agent),"
            + " or the Qualcomm HS-USB QDLoader 9008 driver is missing: check the port in Device Manager.";
    static final String IN_USE_HINT_POSIX = "Another program has the port open: stop ModemManager (sudo systemctl stop ModemManager)"
            + " and close any other flashing tool or lumia-agent using it, then try again.";
    static final String SAME_PROCESS_HINT = "This agent already has the port open for another job; finish or cancel that job first.";

    private SerialErrors() {
    }

    /**
     * Why {@code openPort()} failed.
     *
     * @param pathExists whether the port's device node exists now. jSerialComm reports "this process
     *     already has the port open" as code 2 on POSIX, the same number as ENOENT, so the node's
     *     existence tells the two apart.
     */
    static TransportException onOpen(String path, int code, Platform platform, boolean pathExists) {
        String name = codeName(code, platform);
        if (platform == Platform.WINDOWS) {
            switch (code) {
                case ERROR_ACCESS_DENIED:
                case ERROR_SHARING_VIOLATION:
                    return new AccessDenied("Serial port " + path + " cannot be opened: access denied (" + name + ")", WINDOWS_HINT);
                case ERROR_FILE_NOT_FOUND:
                case ERROR_PATH_NOT_FOUND:
                case ERROR_DEVICE_NOT_CONNECTED:
                case ERROR_GEN_FAILURE:
                    return new DeviceGone("Serial port " + path + " does not exist (" + name + "): the phone is not"
                            + " connected, or no Qualcomm COM-port driver is bound to it");
                default:
                    return new TransportFailure(name, "Serial port " + path + " cannot be opened");
            }
        }
        switch (code) {
            case EPERM:
            case EACCES:
                return new AccessDenied("Serial port " + path + " cannot be opened: permission denied (" + name + ")", LINUX_HINT);
            case EBUSY:
            case EAGAIN_LINUX:
            case EAGAIN_MACOS:
                // EAGAIN/EWOULDBLOCK here comes from jSerialComm's flock(LOCK_EX | LOCK_NB): another process holds the port.
                return new AccessDenied("Serial port " + path + " is in use by another program (" + name + ")", IN_USE_HINT_POSIX);
            case ENOENT:
                if (pathExists) {
                    return new AccessDenied("Serial port " + path + " is already open in this agent", SAME_PROCESS_HINT);
                }
                return gone(path);
            case ENXIO:
            case ENODEV:
                return gone(path);
            default:
                return new TransportFailure(name, "Serial port " + path + " cannot be opened");
        }
    }

    /**
     * Whether an open failure can clear up by itself within an open timeout: the node appears a
     * moment after plug-in, udev applies its permission rule after that, and ModemManager lets go
     * of a port after probing it. "Already open in this agent" and unknown codes do not.
     */
    static boolean mayClearUp(TransportException failure) {
        if (failure instanceof DeviceGone) {
            return true;
        }
        return failure instanceof AccessDenied && !SAME_PROCESS_HINT.equals(((AccessDenied) failure).hint());
    }

    private static DeviceGone gone(String path) {
        return new DeviceGone("Serial port " + path + " does not exist: the phone is not connected,"
                + " or no serial driver (qcserial) is bound to it");
    }

    /**
     * A read, write or status call on an open port failed. On a tty the phone leaving shows up as
     * EIO (a pty whose far end closed, a ttyUSB whose device was unplugged), sometimes with errno 0
     * when the read returned 0 and the follow-up FIONREAD failed; on Windows as ACCESS_DENIED,
     * GEN_FAILURE, BAD_COMMAND or DEVICE_NOT_CONNECTED on the dead handle.
     */
    static TransportException onIo(String path, String operation, int code, Platform platform) {
        String name = codeName(code, platform);
        boolean gone;
        if (platform == Platform.WINDOWS) {
            gone = code == 0 || code == ERROR_ACCESS_DENIED || code == ERROR_FILE_NOT_FOUND || code == ERROR_INVALID_HANDLE
                    || code == ERROR_BAD_COMMAND || code == ERROR_GEN_FAILURE || code == ERROR_OPERATION_ABORTED
                    || code == ERROR_DEVICE_NOT_CONNECTED;
        } else {
            gone = code == 0 || code == EIO || code == ENXIO || code == ENODEV || code == EBADF || code == EPIPE || code == ENOENT;
        }
        if (gone) {
            return new DeviceGone("Serial port " + path + " went away during " + operation + " (" + name + ")");
        }
        return new TransportFailure(name, "Serial " + operation + " on " + path + " failed");
    }

    /** A readable name for a code, e.g. {@code EIO (errno 5)} or {@code ERROR_ACCESS_DENIED (Win32 5)}. */
    static String codeName(int code, Platform platform) {
        if (platform == Platform.WINDOWS) {
            String n;
            switch (code) {
                case 0: n = "no error code"; break;
                case ERROR_FILE_NOT_FOUND: n = "ERROR_FILE_NOT_FOUND"; break;
                case ERROR_PATH_NOT_FOUND: n = "ERROR_PATH_NOT_FOUND"; break;
                case ERROR_ACCESS_DENIED: n = "ERROR_ACCESS_DENIED"; break;
                case ERROR_INVALID_HANDLE: n = "ERROR_INVALID_HANDLE"; break;
                case ERROR_BAD_COMMAND: n = "ERROR_BAD_COMMAND"; break;
                case ERROR_GEN_FAILURE: n = "ERROR_GEN_FAILURE"; break;
                case ERROR_SHARING_VIOLATION: n = "ERROR_SHARING_VIOLATION"; break;
                case ERROR_OPERATION_ABORTED: n = "ERROR_OPERATION_ABORTED"; break;
                case ERROR_DEVICE_NOT_CONNECTED: n = "ERROR_DEVICE_NOT_CONNECTED"; break;
                default: n = "Win32 error";
            }
            return code == 0 ? n : n + " (Win32 " + code + ")";
        }
        String n;
        switch (code) {
            case 0: return "no errno";
            case EPERM: n = "EPERM"; break;
            case ENOENT: n = "ENOENT"; break;
            case EIO: n = "EIO"; break;
            case ENXIO: n = "ENXIO"; break;
            case EBADF: n = "EBADF"; break;
            case EAGAIN_LINUX: n = "EAGAIN"; break;
            case EACCES: n = "EACCES"; break;
            case EBUSY: n = "EBUSY"; break;
            case ENODEV: n = "ENODEV"; break;
            case EPIPE: n = "EPIPE"; break;
            default: n = "errno";
        }
        return n + " (errno " + code + ")";
    }
}
