package dev.lumiaagent.sim;

import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.TransportFailure;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * The host's receive side of a simulated link: device messages in order, read either one transfer at a
 * time (packet link, like libusb) or as a byte stream cut at {@code streamChunk} bytes and merged
 * across messages (stream link, like a tty). Shared by the in-process and the remote simulated links.
 */
final class InboundQueue {
    private static final byte[] GONE = new byte[0];

    private final LinkedBlockingDeque<byte[]> messages = new LinkedBlockingDeque<>();
    private final boolean keepsBoundaries;
    private final int streamChunk;
    private byte[] partial;
    private int partialOffset;
    private volatile String goneReason;

    InboundQueue(boolean keepsBoundaries, int streamChunk) {
        if (streamChunk < 1) {
            throw new IllegalArgumentException("stream chunk must be at least 1 byte");
        }
        this.keepsBoundaries = keepsBoundaries;
        this.streamChunk = streamChunk;
    }

    void offer(byte[] message) {
        if (goneReason == null) {
            messages.offer(message.clone());
        }
    }

    /** The device left: wakes a waiting reader, and every later read fails with {@link DeviceGone}. */
    void gone(String reason) {
        if (goneReason == null) {
            goneReason = reason;
            messages.offer(GONE);
        }
    }

    boolean isGone() {
        return goneReason != null;
    }

    synchronized int read(ByteBuffer dst, Duration timeout) {
        if (goneReason != null) {
            throw new DeviceGone(goneReason);
        }
        if (!keepsBoundaries && partial != null) {
            return drainStream(dst);
        }
        byte[] next;
        try {
            next = messages.poll(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferTimeout(TransferTimeout.Direction.IN, timeout, 0);
        }
        if (next == null) {
            throw new TransferTimeout(TransferTimeout.Direction.IN, timeout, 0);
        }
        if (next == GONE) {
            throw new DeviceGone(goneReason);
        }
        if (keepsBoundaries) {
            if (next.length > dst.remaining()) {
                // libusb reports LIBUSB_ERROR_OVERFLOW when a transfer does not fit the buffer.
                throw new TransportFailure("OVERFLOW", "device sent " + next.length + " bytes into a "
                        + dst.remaining() + "-byte read buffer");
            }
            dst.put(next);
            return next.length;
        }
        partial = next;
        partialOffset = 0;
        return drainStream(dst);
    }

    /** Stream read: up to {@code streamChunk} bytes, merged across queued messages. */
    private int drainStream(ByteBuffer dst) {
        int budget = Math.min(dst.remaining(), streamChunk);
        int moved = 0;
        while (moved < budget) {
            if (partial == null) {
                byte[] more = messages.peek();
                if (more == null || more == GONE) {
                    break;
                }
                partial = messages.poll();
                partialOffset = 0;
            }
            int n = Math.min(budget - moved, partial.length - partialOffset);
            dst.put(partial, partialOffset, n);
            partialOffset += n;
            moved += n;
            if (partialOffset == partial.length) {
                partial = null;
            }
        }
        return moved;
    }
}
