package dev.lumiaagent.transport.capture;

import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.ForwardingBus;
import dev.lumiaagent.transport.ForwardingLink;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.UsbDevice;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

/**
 * A bus whose every link is captured into one usbmon pcap ({@link UsbmonCapture}): USB, serial and the
 * simulated buses alike, since all of them hand out {@link Link}s. It changes nothing the links do; a
 * capture that fails stops itself and the links go on.
 */
public final class CaptureBus extends ForwardingBus {
    private final UsbmonCapture capture;
    private final Subscription detaches;

    public CaptureBus(Bus inner, UsbmonCapture capture) {
        super(inner);
        this.capture = Objects.requireNonNull(capture, "capture");
        // A phone that left and came back is a new enumeration with a new address, even when it looks the same.
        this.detaches = inner.watch(e -> {
            if (e instanceof BusEvent.Detached) {
                capture.detached(e.device().port());
            }
        });
    }

    public UsbmonCapture capture() {
        return capture;
    }

    @Override
    public Link open(UsbDevice device, LinkOptions options) {
        Link link = inner.open(device, options);
        return new CaptureLink(link, capture.opened(device), device.port().bus());
    }

    /** Completes the capture file, then closes the bus below. */
    @Override
    public void close() {
        try {
            detaches.close();
            capture.close();
        } finally {
            inner.close();
        }
    }

    /** Passes every call through; records each transfer's submission before it and its completion after it. */
    private final class CaptureLink extends ForwardingLink {
        private final int devnum;
        private final int bus;

        CaptureLink(Link inner, int devnum, int bus) {
            super(inner);
            this.devnum = devnum;
            this.bus = bus;
        }

        @Override
        public void write(ByteBuffer src, Duration timeout) {
            written(new ByteBuffer[] {src}, () -> inner.write(src, timeout));
        }

        @Override
        public void write(ByteBuffer[] srcs, Duration timeout) {
            written(srcs, () -> inner.write(srcs, timeout));
        }

        private void written(ByteBuffer[] parts, Runnable write) {
            if (!capture.active()) {
                write.run();
                return;
            }
            int length = 0;
            for (ByteBuffer b : parts) {
                length += b.remaining();
            }
            long id = capture.submitOut(devnum, bus, parts, length);
            try {
                write.run();
            } catch (RuntimeException e) {
                capture.completeOut(id, devnum, bus, length, e);
                throw e;
            }
            capture.completeOut(id, devnum, bus, length, null);
        }

        @Override
        public int read(ByteBuffer dst, Duration timeout) {
            if (!capture.active()) {
                return inner.read(dst, timeout);
            }
            int before = dst.position();
            long id = capture.submitIn(devnum, bus, dst.remaining());
            int n;
            try {
                n = inner.read(dst, timeout);
            } catch (RuntimeException e) {
                capture.completeIn(id, devnum, bus, null, e);
                throw e;
            }
            capture.completeIn(id, devnum, bus, arrived(dst, before, n), null);
            return n;
        }

    }
}
