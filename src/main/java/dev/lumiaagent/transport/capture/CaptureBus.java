package dev.lumiaagent.transport.capture;

import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.UsbDevice;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A bus whose every link is captured into one usbmon pcap ({@link UsbmonCapture}): USB, serial and the
 * simulated buses alike, since all of them hand out {@link Link}s. It changes nothing the links do; a
 * capture that fails stops itself and the links go on.
 */
public final class CaptureBus implements Bus {
    private final Bus inner;
    private final UsbmonCapture capture;
    private final Subscription detaches;

    public CaptureBus(Bus inner, UsbmonCapture capture) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.capture = Objects.requireNonNull(capture, "capture");
        // A phone that left and came back is a new enumeration with a new address, even when it looks the same.
        this.detaches = inner.watch(e -> {
            if (e instanceof BusEvent.Detached) {
                capture.detached(e.device().port());
            }
        });
    }

    /** The bus below: commands that drive a simulated bench reach it through here. */
    public Bus inner() {
        return inner;
    }

    public UsbmonCapture capture() {
        return capture;
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
        Link link = inner.open(device, options);
        return new CaptureLink(link, capture.opened(device), device.port().bus());
    }

    @Override
    public String describe() {
        return inner.describe();
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
    private final class CaptureLink implements Link {
        private final Link inner;
        private final int devnum;
        private final int bus;

        CaptureLink(Link inner, int devnum, int bus) {
            this.inner = inner;
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
            int arrived = Math.max(0, Math.min(n, dst.position() - before));
            ByteBuffer got = dst.duplicate();
            got.limit(before + arrived).position(before);
            capture.completeIn(id, devnum, bus, got, null);
            return n;
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
    }
}
