package dev.lumiaagent.transport;

/** A device arrived on or left the bus. */
public sealed interface BusEvent permits BusEvent.Attached, BusEvent.Detached {
    UsbDevice device();

    record Attached(UsbDevice device) implements BusEvent {
        @Override
        public String toString() {
            return "attached " + device;
        }
    }

    record Detached(UsbDevice device) implements BusEvent {
        @Override
        public String toString() {
            return "detached " + device;
        }
    }
}
