package dev.lumiaagent.transport;

import java.util.List;
import java.util.function.Consumer;

/**
 * A source of phones: libusb, serial ports, the simulated bench (in-process or remote).
 * Implementations are thread-safe.
 */
public interface Bus extends AutoCloseable {

    /** Phones present now (devices whose personality is not {@code UNKNOWN}-and-foreign), sorted by port. */
    List<UsbDevice> devices();

    /**
     * Delivers attach/detach events from now on, on a bus thread, until the subscription is closed.
     * A listener that throws is logged and kept.
     */
    Subscription watch(Consumer<BusEvent> listener);

    /** Opens the personality's protocol channel. */
    Link open(UsbDevice device, LinkOptions options);

    /** One line for people: what this bus is and its state, e.g. "libusb 1.0.22: no USB bus on this machine". */
    String describe();

    /**
     * Switching this bus's ports' power (issue 18): by default none ({@link PortPower#NO_CONTROL}). The host's USB bus
     * switches through uhubctl where its hub can; the simulated bench through its simulated hub.
     */
    default PortPower portPower() {
        return PortPower.none(PortPower.NO_CONTROL);
    }

    @Override
    void close();

    /** A registration that stops delivery when closed. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
