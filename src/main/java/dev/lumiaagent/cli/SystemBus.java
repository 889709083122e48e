package dev.lumiaagent.cli;

import dev.lumiaagent.exec.Exec;
import dev.lumiaagent.host.Uhubctl;
import dev.lumiaagent.host.UhubctlPortPower;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.CompositeBus;
import dev.lumiaagent.transport.ForwardingBus;
import dev.lumiaagent.transport.PortPower;
import dev.lumiaagent.transport.serial.SerialBus;
import dev.lumiaagent.transport.usb.LibUsbBus;
import java.util.List;

/**
 * The host's real buses: libusb first, then serial ports (qcserial ttyUSB / Qualcomm COM), with the USB hubs' port power
 * switched through uhubctl (issue 18). The uhubctl-backed PortPower lives in {@code host} with the machine's other tools,
 * and is wired here by wrapping the bus: transport stays free of programs, host may not be used below cli.
 */
final class SystemBus {
    /**
     * How programs are started: the system's PATH. A test seam: the cli tests put a fake uhubctl first on PATH here,
     * as the JVM's own environment cannot be changed in process.
     */
    static volatile Exec exec = Exec.system();

    private SystemBus() {
    }

    static Bus open() {
        return new PortPowered(new CompositeBus(List.of(new LibUsbBus(), new SerialBus())), uhubctl());
    }

    static Uhubctl uhubctl() {
        return new Uhubctl(exec);
    }

    /** A bus whose port power is uhubctl's. */
    static final class PortPowered extends ForwardingBus {
        private final PortPower power;

        PortPowered(Bus inner, Uhubctl uhubctl) {
            super(inner);
            this.power = new UhubctlPortPower(uhubctl);
        }

        @Override
        public PortPower portPower() {
            return power;
        }
    }
}
