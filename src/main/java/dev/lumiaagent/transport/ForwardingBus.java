package dev.lumiaagent.transport;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/** A bus that passes every call to the bus below, for decorators that wrap the links it opens (trace, capture). */
public abstract class ForwardingBus implements Bus {
    protected final Bus inner;

    protected ForwardingBus(Bus inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    /** The bus below: commands that drive a simulated bench reach it through here. */
    public Bus inner() {
        return inner;
    }

    @Override
    public List<UsbDevice> devices() {
        return inner.devices();
    }

    @Override
    public Subscription watch(Consumer<BusEvent> listener) {
        return inner.watch(listener);
    }

    @Override
    public Link open(UsbDevice device, LinkOptions options) {
        return inner.open(device, options);
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public PortPower portPower() {
        return inner.portPower();
    }

    @Override
    public void close() {
        inner.close();
    }
}
