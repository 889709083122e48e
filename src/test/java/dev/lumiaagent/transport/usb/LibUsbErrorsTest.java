package dev.lumiaagent.transport.usb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.transport.AccessDenied;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.TransportFailure;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.usb4java.LibUsb;

class LibUsbErrorsTest {

    @Test
    void noDeviceIsDeviceGone() {
        assertThat(LibUsbErrors.map(LibUsb.ERROR_NO_DEVICE, "open 1-1.4 (05C6:9008)", "Linux"))
                .isInstanceOf(DeviceGone.class).hasMessageContaining("1-1.4");
        assertThat(LibUsbErrors.transfer(LibUsb.ERROR_NO_DEVICE, TransferTimeout.Direction.IN, Duration.ofSeconds(1), 7, "1-1.4"))
                .isInstanceOf(DeviceGone.class).hasMessageContaining("7 bytes");
    }

    @Test
    void timeoutKeepsDirectionBoundAndBytesMoved() {
        TransferTimeout t = (TransferTimeout) LibUsbErrors.transfer(LibUsb.ERROR_TIMEOUT, TransferTimeout.Direction.OUT,
                Duration.ofMillis(1500), 1024, "1-2.3.1");
        assertThat(t.direction()).isEqualTo(TransferTimeout.Direction.OUT);
        assertThat(t.bytesMoved()).isEqualTo(1024);
        assertThat(t.timeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void accessDeniedNamesTheFixForEachOs() {
        AccessDenied linux = (AccessDenied) LibUsbErrors.map(LibUsb.ERROR_ACCESS, "open 1-1.4", "Linux");
        assertThat(linux.hint()).contains("udev-rules/51-lumia-agent.rules", "replug", "root", "ModemManager");
        AccessDenied windows = (AccessDenied) LibUsbErrors.map(LibUsb.ERROR_ACCESS, "open 1-1.4", "Windows 11");
        assertThat(windows.hint()).contains("WinUSB", "drivers/");
        AccessDenied mac = (AccessDenied) LibUsbErrors.map(LibUsb.ERROR_ACCESS, "open 1-1.4", "Mac OS X");
        assertThat(mac.hint()).isNotBlank().doesNotContain("udev");
        assertThat(linux.nextStep()).isEqualTo(linux.hint());
    }

    @Test
    void busyIsAccessDeniedNamingTheOtherDriver() {
        AccessDenied linux = (AccessDenied) LibUsbErrors.map(LibUsb.ERROR_BUSY, "claim interface 0 of 1-1.4", "Linux");
        assertThat(linux.getMessage()).contains("another driver");
        assertThat(linux.hint()).contains("qcserial");
        AccessDenied windows = (AccessDenied) LibUsbErrors.map(LibUsb.ERROR_BUSY, "claim", "Windows 10");
        assertThat(windows.hint()).contains("Qualcomm COM");
    }

    @Test
    void anythingElseIsATransportFailureWithTheLibusbName() {
        TransportFailure pipe = (TransportFailure) LibUsbErrors.transfer(LibUsb.ERROR_PIPE, TransferTimeout.Direction.IN,
                Duration.ofSeconds(1), 0, "1-1.4");
        assertThat(pipe.code()).isEqualTo("LIBUSB_ERROR_PIPE");
        TransportFailure io = (TransportFailure) LibUsbErrors.map(LibUsb.ERROR_IO, "open 1-1.4", "Linux");
        assertThat(io.code()).isEqualTo("LIBUSB_ERROR_IO");
        assertThat(io.getMessage()).contains("open 1-1.4").contains("LIBUSB_ERROR_IO");
    }
}
