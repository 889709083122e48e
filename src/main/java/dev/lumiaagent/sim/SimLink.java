package dev.lumiaagent.sim;

import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.Link;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The host end of an in-process simulated channel. A write is one bulk OUT message handed to the
 * phone; reads come from an {@link InboundQueue}.
 */
final class SimLink implements Link {
    static final int MAX_PACKET = 512;

    private final InboundQueue inbound;
    private final Consumer<byte[]> toPhone;
    private final Runnable onClose;
    private final String description;
    private final boolean keepsBoundaries;
    private volatile boolean closed;

    SimLink(InboundQueue inbound, boolean keepsBoundaries, Consumer<byte[]> toPhone,
            Runnable onClose, String description) {
        this.inbound = inbound;
        this.keepsBoundaries = keepsBoundaries;
        this.toPhone = toPhone;
        this.onClose = onClose;
        this.description = description;
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
        // One write is one whole message to the phone, so OUT ZLPs need no modelling here.
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
        return keepsBoundaries ? MAX_PACKET : 4096;
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
