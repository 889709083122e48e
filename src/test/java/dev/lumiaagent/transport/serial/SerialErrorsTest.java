package dev.lumiaagent.transport.serial;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.transport.AccessDenied;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.TransportException;
import dev.lumiaagent.transport.TransportFailure;
import dev.lumiaagent.transport.serial.SerialErrors.Platform;
import org.junit.jupiter.api.Test;

/** The code → exception table. EACCES cannot be provoked for real here (tests may run as root). */
class SerialErrorsTest {

    @Test
    void permissionDeniedOnLinuxNamesDialoutUdevAndModemManager() {
        TransportException e = SerialErrors.onOpen("/dev/ttyUSB0", SerialErrors.EACCES, Platform.POSIX, true);
        assertThat(e).isInstanceOf(AccessDenied.class);
        assertThat(e.getMessage()).contains("/dev/ttyUSB0").contains("permission denied").contains("EACCES");
        assertThat(e.nextStep()).contains("dialout").contains("udev-rules/51-lumia-agent.rules").contains("ModemManager");
        assertThat(SerialErrors.mayClearUp(e)).as("udev may still be applying its rule").isTrue();
    }

    @Test
    void aPortHeldByAnotherProcessIsAccessDenied() {
        for (int code : new int[] {SerialErrors.EBUSY, SerialErrors.EAGAIN_LINUX}) {
            TransportException e = SerialErrors.onOpen("/dev/ttyUSB0", code, Platform.POSIX, true);
            assertThat(e).isInstanceOf(AccessDenied.class);
            assertThat(e.getMessage()).contains("in use by another program");
        }
    }

    @Test
    void codeTwoMeansAlreadyOpenHereWhenTheNodeExistsAndGoneWhenItDoesNot() {
        TransportException here = SerialErrors.onOpen("/dev/ttyUSB0", 2, Platform.POSIX, true);
        assertThat(here).isInstanceOf(AccessDenied.class);
        assertThat(SerialErrors.mayClearUp(here)).isFalse();
        TransportException gone = SerialErrors.onOpen("/dev/ttyUSB0", 2, Platform.POSIX, false);
        assertThat(gone).isInstanceOf(DeviceGone.class);
        assertThat(SerialErrors.mayClearUp(gone)).isTrue();
    }

    @Test
    void windowsAccessDeniedPointsAtTheOtherProgramOrTheDriver() {
        TransportException e = SerialErrors.onOpen("COM5", SerialErrors.ERROR_ACCESS_DENIED, Platform.WINDOWS, true);
        assertThat(e).isInstanceOf(AccessDenied.class);
        assertThat(e.nextStep()).contains("Another program holds the COM port").contains("QDLoader 9008 driver");
        assertThat(SerialErrors.onOpen("COM5", SerialErrors.ERROR_FILE_NOT_FOUND, Platform.WINDOWS, false))
                .isInstanceOf(DeviceGone.class);
    }

    @Test
    void theSameNumberMeansDifferentThingsPerPlatformOnIo() {
        // 5 is EIO on Linux (the phone left) and ERROR_ACCESS_DENIED on Windows (a dead handle): both gone.
        assertThat(SerialErrors.onIo("/dev/ttyUSB0", "read", SerialErrors.EIO, Platform.POSIX)).isInstanceOf(DeviceGone.class);
        assertThat(SerialErrors.onIo("COM5", "read", 5, Platform.WINDOWS)).isInstanceOf(DeviceGone.class);
        assertThat(SerialErrors.onIo("/dev/ttyUSB0", "read", 0, Platform.POSIX))
                .as("read returned 0 and FIONREAD failed: hangup without errno").isInstanceOf(DeviceGone.class);
        assertThat(SerialErrors.onIo("COM5", "write", SerialErrors.ERROR_DEVICE_NOT_CONNECTED, Platform.WINDOWS))
                .isInstanceOf(DeviceGone.class);
        // 13 on an open tty is not "gone" on POSIX; 13 on Windows is ERROR_INVALID_DATA, not a removal code either.
        assertThat(SerialErrors.onIo("/dev/ttyUSB0", "write", SerialErrors.EACCES, Platform.POSIX)).isInstanceOf(TransportFailure.class);
    }

    @Test
    void unknownCodesKeepTheirNumberInTheTypedFailure() {
        TransportException e = SerialErrors.onOpen("/dev/ttyUSB0", 71, Platform.POSIX, true);
        assertThat(e).isInstanceOf(TransportFailure.class);
        assertThat(((TransportFailure) e).code()).isEqualTo("errno (errno 71)");
        assertThat(SerialErrors.mayClearUp(e)).isFalse();
        assertThat(SerialErrors.codeName(SerialErrors.EIO, Platform.POSIX)).isEqualTo("EIO (errno 5)");
        assertThat(SerialErrors.codeName(5, Platform.WINDOWS)).isEqualTo("ERROR_ACCESS_DENIED (Win32 5)");
    }
}
