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
    /** Hands a gathered message to the phone without a copy and returns when the phone took it; null: concatenate. */
    private final Gathered toPhoneGathered;
    private final Runnable onClose;
    private final String description;
    private final boolean keepsBoundaries;
    private final int maxPacket;
    private volatile boolean closed;

    /** How a link hands the phone the parts of one message in place; returns once the phone has taken them. */
    interface Gathered {
        void deliver(ByteBuffer[] parts, Duration timeout);
    }

    /** A link whose gathering writes concatenate (across the simulator socket, for instance). */
    SimLink(InboundQueue inbound, boolean keepsBoundaries, int maxPacket, Consumer<byte[]> toPhone, Runnable onClose,
            String description) {
        this(inbound, keepsBoundaries, maxPacket, toPhone, null, onClose, description);
    }

    SimLink(InboundQueue inbound, boolean keepsBoundaries, int maxPacket, Consumer<byte[]> toPhone, Gathered toPhoneGathered,
            Runnable onClose, String description) {
        this.inbound = inbound;
        this.toPhoneGathered = toPhoneGathered;
        this.keepsBoundaries = keepsBoundaries;
        this.maxPacket = maxPacket;
        this.toPhone = toPhone;
        this.onClose = onClose;
        this.description = description;
    }

    /** The in-process link: 512-byte packets, or 4 KiB slices on a stream link (like usb_wwan). */
    static SimLink inProcess(InboundQueue inbound, boolean keepsBoundaries, Consumer<byte[]> toPhone, Gathered toPhoneGathered,
                             Runnable onClose, String description) {
        return new SimLink(inbound, keepsBoundaries, keepsBoundaries ? MAX_PACKET : 4096, toPhone, toPhoneGathered, onClose,
                description);
    }

    @Override
    public void write(ByteBuffer src, Duration timeout) {
        checkWritable();
        byte[] message = new byte[src.remaining()];
        src.get(message);
        toPhone.accept(message);
    }

    /**
     * One message, as {@link #write(ByteBuffer, Duration)} sends it, without copying it: the phone's
     * firmware parses read-only views of the parts on its own thread, and the write returns once it
     * has, as a bulk OUT transfer completes once the device has the data. The phone sees one message
     * of exactly the concatenated bytes; where the parts were cut is invisible to its parser.
     */
    @Override
    public void write(ByteBuffer[] srcs, Duration timeout) {
        if (toPhoneGathered == null) {
            Link.super.write(srcs, timeout);
            return;
        }
        checkWritable();
        ByteBuffer[] views = new ByteBuffer[srcs.length];
        for (int i = 0; i < srcs.length; i++) {
            views[i] = srcs[i].asReadOnlyBuffer();
        }
        toPhoneGathered.deliver(views, timeout);
        for (ByteBuffer src : srcs) {
            src.position(src.limit());
        }
    }

    private void checkWritable() {
        if (closed) {
            throw new IllegalStateException("link closed: " + description);
        }
        if (inbound.isGone()) {
            throw new DeviceGone("the simulated phone left the bus (" + description + ")");
        }
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
