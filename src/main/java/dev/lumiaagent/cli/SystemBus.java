package dev.lumiaagent.cli;

import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.CompositeBus;
import dev.lumiaagent.transport.serial.SerialBus;
import dev.lumiaagent.transport.usb.LibUsbBus;
import java.util.List;

/** The host's real buses: libusb first, then serial ports (qcserial ttyUSB / Qualcomm COM). */
final class SystemBus {
    private SystemBus() {
    }

    static Bus open() {
        return new CompositeBus(List.of(new LibUsbBus(), new SerialBus()));
    }
}
