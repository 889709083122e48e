package dev.lumiaagent.transport;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

/**
 * A link that passes every call to the link below, for decorators that observe transfers (the protocol
 * trace, the usbmon capture): each overrides only what it watches and changes nothing the link does.
 */
public abstract class ForwardingLink implements Link {
    protected final Link inner;

    protected ForwardingLink(Link inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    @Override
    public void write(ByteBuffer src, Duration timeout) {
        inner.write(src, timeout);
    }

    @Override
    public void write(ByteBuffer[] srcs, Duration timeout) {
        inner.write(srcs, timeout);
    }

    @Override
    public int read(ByteBuffer dst, Duration timeout) {
        return inner.read(dst, timeout);
    }

    @Override
    public int maxPacketSize() {
        return inner.maxPacketSize();
    }

    @Override
    public boolean keepsBoundaries() {
        return inner.keepsBoundaries();
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() {
        inner.close();
    }

    /**
     * What a read that returned {@code n} put into {@code dst} from {@code before}: a view of those bytes
     * (never more than moved, whatever the read reported), so an observer never moves the caller's buffer.
     */
    protected static ByteBuffer arrived(ByteBuffer dst, int before, int n) {
        int arrived = Math.max(0, Math.min(n, dst.position() - before));
        ByteBuffer got = dst.duplicate();
        got.limit(before + arrived).position(before);
        return got;
    }
}
