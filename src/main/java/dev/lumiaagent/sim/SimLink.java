package dev.lumiaagent.sim;

import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.Link;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The host end of a simulated channel, in-process or across the simulator socket: a write hands one
 * whole message to the phone (so OUT ZLPs need no modelling), reads come from an {@link InboundQueue}.
 */
class SimLink implements Link {
    static final int MAX_PACKET = 512;

    private final InboundQueue inbound;
    private final Consumer<byte[]> toPhone;
    private final Runnable onClose;
    private final String description;
    private final boolean keepsBoundaries;
    private final int maxPacket;
    private volatile boolean closed;

    SimLink(InboundQueue inbound, boolean keepsBoundaries, int maxPacket, Consumer<byte[]> toPhone, Runnable onClose,
            String description) {
        this.inbound = inbound;
        this.keepsBoundaries = keepsBoundaries;
        this.maxPacket = maxPacket;
        this.toPhone = toPhone;
        this.onClose = onClose;
        this.description = description;
    }

    /** The in-process link: 512-byte packets, or 4 KiB slices on a stream link (like usb_wwan). */
    static SimLink inProcess(InboundQueue inbound, boolean keepsBoundaries, Consumer<byte[]> toPhone, Runnable onClose,
                             String description) {
        return new SimLink(inbound, keepsBoundaries, keepsBoundaries ? MAX_PACKET : 4096, toPhone, onClose, description);
    }

    @Override
    public void write(ByteBuffer src, Duration timeout) {
        if (closed) {
            throw new IllegalStateException("link closed: " + description);
        }
        if (inbound.isGone()) {
            throw new DeviceGone("the simulated phone left the bus (" + description + ")");
        }
        byte[] message = new byte[src.remaining()];
        src.get(message);
        toPhone.accept(message);
    }

    @Override
    public int read(ByteBuffer dst, Duration timeout) {
        if (closed) {
            throw new IllegalStateException("link closed: " + description);
        }
        return inbound.read(dst, timeout);
    }

    @Override
    public int maxPacketSize() {
        return maxPacket;
    }

    @Override
    public boolean keepsBoundaries() {
        return keepsBoundaries;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }
}
