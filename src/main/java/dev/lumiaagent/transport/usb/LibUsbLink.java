package dev.lumiaagent.transport.usb;

import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.time.Deadline;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.TransportFailure;
import dev.lumiaagent.transport.ZlpPolicy;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.usb4java.DeviceHandle;
import org.usb4java.LibUsb;

/**
 * One claimed interface's bulk IN/OUT pair through libusb: a packet link, one read = one device
 * transfer (DESIGN §3). Writes go out in pieces of at most 1 MiB (a multiple of wMaxPacketSize, as
 * qdl does) and end with a zero-length packet when the {@link ZlpPolicy} says so (edl-protocol.md §1.7).
 */
public final class LibUsbLink implements Link {
    private static final Logger LOG = LoggerFactory.getLogger(LibUsbLink.class);
    static final int MAX_CHUNK = 1024 * 1024;

    private final DeviceHandle handle;
    private final int interfaceNumber;
    private final byte inEndpoint;
    private final byte outEndpoint;
    private final int maxPacket;
    private final boolean reattachKernelDriver;
    private final ZlpPolicy zlp;
    private final String where;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object writeLock = new Object();
    private final Object readLock = new Object();
    private ByteBuffer outBuffer = ByteBuffer.allocateDirect(0);
    private ByteBuffer inBuffer = ByteBuffer.allocateDirect(0);

    LibUsbLink(DeviceHandle handle, int interfaceNumber, int inEndpoint, int outEndpoint, int maxPacket,
               boolean reattachKernelDriver, ZlpPolicy zlp, String where, Runnable onClose) {
        this.handle = Objects.requireNonNull(handle);
        this.interfaceNumber = interfaceNumber;
        this.inEndpoint = (byte) inEndpoint;
        this.outEndpoint = (byte) outEndpoint;
        this.maxPacket = maxPacket > 0 ? maxPacket : 512;
        this.reattachKernelDriver = reattachKernelDriver;
        this.zlp = Objects.requireNonNull(zlp);
        this.where = where;
        this.onClose = onClose;
    }

    /** Bytes per bulk OUT submission: 1 MiB rounded down to a whole number of packets. */
    static int chunkSize(int maxPacket) {
        return Math.max(maxPacket, MAX_CHUNK / maxPacket * maxPacket);
    }

    /** A ZLP ends a message whose length is a non-zero multiple of the packet size (edl-protocol.md §1.7). */
    static boolean needsZlp(long total, int maxPacket, ZlpPolicy policy) {
        return policy == ZlpPolicy.TERMINATE_OUT && total > 0 && total % maxPacket == 0;
    }

    /** libusb takes an unsigned int of milliseconds, where 0 means "forever": never pass 0. */
    static long millis(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            return 1;
        }
        long ms = timeout.toMillis();
        return Math.max(1, Math.min(ms, Integer.MAX_VALUE));
    }

    @Override
    public void write(ByteBuffer src, Duration timeout) {
        synchronized (writeLock) {
            ensureOpen();
            Deadline deadline = Deadline.after(AgentClock.system(), Duration.ofMillis(millis(timeout))); // one bound for all packets
            int total = src.remaining();
            int chunk = chunkSize(maxPacket);
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} OUT {} bytes: {}", where, total, hex(src));
            }
            int moved = 0;
            while (src.hasRemaining()) {
                int n = Math.min(chunk, src.remaining());
                ByteBuffer piece = outBuffer(n);
                ByteBuffer view = src.duplicate();
                view.limit(view.position() + n);
                piece.put(view).flip();
                int done = transferOut(piece, remainingMillis(deadline), timeout, moved);
                src.position(src.position() + done);
                moved += done;
            }
            if (needsZlp(total, maxPacket, zlp)) {
                LOG.debug("{} OUT zero-length packet (message of {} bytes = {} packets)", where, total, total / maxPacket);
                transferOut(outBuffer(0), remainingMillis(deadline), timeout, moved);
            }
        }
    }

    private int transferOut(ByteBuffer piece, long ms, Duration timeout, int movedBefore) {
        IntBuffer transferred = IntBuffer.allocate(1);
        int r = LibUsb.bulkTransfer(handle, outEndpoint, piece, transferred, ms);
        int done = transferred.get(0);
        if (r != LibUsb.SUCCESS) {
            throw LibUsbErrors.transfer(r, TransferTimeout.Direction.OUT, timeout, movedBefore + done, where);
        }
        return done;
    }

    /** What is left for the next packet; past the deadline still 1 ms, as libusb reads 0 as "forever". */
    private static long remainingMillis(Deadline deadline) {
        return millis(deadline.remainingReal());
    }

    @Override
    public int read(ByteBuffer dst, Duration timeout) {
        synchronized (readLock) {
            ensureOpen();
            int want = dst.remaining();
            ByteBuffer target;
            if (dst.isDirect()) {
                target = dst.slice();
            } else {
                if (inBuffer.capacity() < want) {
                    inBuffer = ByteBuffer.allocateDirect(want);
                }
                target = inBuffer.clear().limit(want);
                target = target.slice();
            }
            IntBuffer transferred = IntBuffer.allocate(1);
            int r = LibUsb.bulkTransfer(handle, inEndpoint, target, transferred, millis(timeout));
            int got = transferred.get(0);
            if (r == LibUsb.ERROR_TIMEOUT && got > 0) {
                // The device sent part of a transfer before the bound: keep the bytes, they left the device.
                LOG.debug("{} IN timed out after {} bytes; returning them", where, got);
            } else if (r != LibUsb.SUCCESS) {
                throw LibUsbErrors.transfer(r, TransferTimeout.Direction.IN, timeout, got, where);
            }
            if (!dst.isDirect()) {
                target.limit(got);
                dst.put(target);
            } else {
                dst.position(dst.position() + got);
            }
            if (LOG.isDebugEnabled()) {
                ByteBuffer view = dst.duplicate();
                view.limit(view.position()).position(view.position() - got);
                LOG.debug("{} IN {} bytes: {}", where, got, hex(view));
            }
            return got;
        }
    }

    private ByteBuffer outBuffer(int n) {
        if (outBuffer.capacity() < n) {
            outBuffer = ByteBuffer.allocateDirect(n);
        }
        // usb4java passes the buffer's capacity to libusb: hand it a slice exactly n bytes long
        outBuffer.clear().limit(n);
        return outBuffer.slice();
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new TransportFailure("LINK_CLOSED", "The USB link to " + where + " is closed");
        }
    }

    @Override
    public int maxPacketSize() {
        return maxPacket;
    }

    @Override
    public boolean keepsBoundaries() {
        return true;
    }

    @Override
    public String describe() {
        return String.format("libusb %s if%d ep 0x%02x/0x%02x", where, interfaceNumber, inEndpoint & 0xFF,
                outEndpoint & 0xFF);
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Releases the interface, gives the kernel driver back if we took it, closes the handle. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (writeLock) {
            synchronized (readLock) {
                int r = LibUsb.releaseInterface(handle, interfaceNumber);
                if (r != LibUsb.SUCCESS) {
                    LOG.debug("{}: releasing interface {} gave {}", where, interfaceNumber, LibUsbErrors.name(r));
                }
                if (reattachKernelDriver) {
                    r = LibUsb.attachKernelDriver(handle, interfaceNumber);
                    if (r != LibUsb.SUCCESS) {
                        LOG.debug("{}: re-attaching the kernel driver gave {}", where, LibUsbErrors.name(r));
                    }
                }
                LibUsb.close(handle);
            }
        }
        if (onClose != null) {
            onClose.run();
        }
        LOG.debug("{} closed", where);
    }

    static String hex(ByteBuffer b) {
        ByteBuffer v = b.duplicate();
        int n = Math.min(64, v.remaining());
        StringBuilder sb = new StringBuilder(n * 2 + 4);
        for (int i = 0; i < n; i++) {
            int x = v.get() & 0xFF;
            sb.append(Character.forDigit(x >> 4, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        if (b.remaining() > n) {
            sb.append('…');
        }
        return sb.toString();
    }
}
