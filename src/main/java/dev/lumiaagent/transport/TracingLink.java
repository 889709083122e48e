package dev.lumiaagent.transport;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A link opened through a {@link TracingBus}: passes every call through unchanged and, while its port
 * is traced, writes one line per transfer:
 *
 * <pre>
 * 2024-05-02T09:14:03.120Z 1-3 &gt; 4 4E 4F 4B 56 "NOKV"
 * 2024-05-02T09:14:03.131Z 1-3 &lt; 91 4E 4F 4B 56 00 … |NOKV...| …
 * 2024-05-02T09:14:08.140Z 1-3 &lt; ! TransferTimeout after 5000 ms (0 bytes moved)
 * </pre>
 *
 * <p>{@code >} is host to phone, {@code <} phone to host. Only the head of a transfer is formatted (the
 * first {@code headBytes} as hex; up to 160 characters when the bytes are printable text), so a 2.25 MiB
 * flash message costs the same line as a 4-byte command. The caller's buffers are never moved: writes
 * are formatted from a duplicate, reads only from the bytes that arrived.
 */
public final class TracingLink extends ForwardingLink {
    private final UsbDevice device;
    private final TracingBus bus;

    TracingLink(Link inner, UsbDevice device, TracingBus bus) {
        super(inner);
        this.device = Objects.requireNonNull(device, "device");
        this.bus = Objects.requireNonNull(bus, "bus");
    }

    PortPath port() {
        return device.port();
    }

    UsbDevice device() {
        return device;
    }

    @Override
    public void write(ByteBuffer src, Duration timeout) {
        written(new ByteBuffer[] {src}, () -> inner.write(src, timeout));
    }

    /** One message in parts (a flash message's head + a view of the data): traced as one transfer, passed on in parts. */
    @Override
    public void write(ByteBuffer[] srcs, Duration timeout) {
        written(srcs, () -> inner.write(srcs, timeout));
    }

    /** Runs the write; when the port is traced, one line with the message's length and head bytes (its fault, if any). */
    private void written(ByteBuffer[] parts, Runnable write) {
        TracingBus.Trace t = bus.traceOf(device.port());
        if (t == null) {
            write.run();
            return;
        }
        Instant at = bus.now();
        int length = 0;
        for (ByteBuffer b : parts) {
            length += b.remaining();
        }
        ByteBuffer joined = ByteBuffer.allocate(Math.min(length, Math.max(bus.headBytes(), TracingBus.TEXT_CHARS)));
        for (ByteBuffer b : parts) {
            if (!joined.hasRemaining()) {
                break;
            }
            ByteBuffer d = b.duplicate();
            d.limit(d.position() + Math.min(d.remaining(), joined.remaining()));
            joined.put(d);
        }
        joined.flip();
        byte[] head = head(joined, joined.remaining());
        try {
            write.run();
        } catch (RuntimeException e) {
            t.line(prefix(at, '>') + transfer(length, head) + " ! " + TracingBus.describe(e));
            throw e;
        }
        t.line(prefix(at, '>') + transfer(length, head));
    }

    @Override
    public int read(ByteBuffer dst, Duration timeout) {
        TracingBus.Trace t = bus.traceOf(device.port());
        if (t == null) {
            return inner.read(dst, timeout);
        }
        int before = dst.position();
        int n;
        try {
            n = inner.read(dst, timeout);
        } catch (RuntimeException e) {
            t.line(prefix(bus.now(), '<') + "! " + TracingBus.describe(e));
            throw e;
        }
        Instant at = bus.now();
        ByteBuffer got = arrived(dst, before, n);
        t.line(prefix(at, '<') + transfer(n, head(got, got.remaining())));
        return n;
    }

    @Override
    public void close() {
        bus.closed(this);
        TracingBus.Trace t = bus.traceOf(device.port());
        try {
            inner.close();
        } finally {
            if (t != null) {
                t.line(bus.stamp() + " " + device.port() + " close " + describeQuietly());
            }
        }
    }

    /** The inner link's description, or the failure to get it: a trace line must not throw. */
    String describeQuietly() {
        try {
            return inner.describe();
        } catch (RuntimeException e) {
            return "(" + TracingBus.describe(e) + ")";
        }
    }

    // --- formatting --------------------------------------------------------------------------------

    private String prefix(Instant at, char direction) {
        return bus.stamp(at) + " " + device.port() + " " + direction + " ";
    }

    /** Copies at most what a line shows (hex head or text head) out of {@code b}, without moving the caller's buffer. */
    private byte[] head(ByteBuffer b, int available) {
        int n = Math.min(available, Math.max(bus.headBytes(), TracingBus.TEXT_CHARS));
        byte[] out = new byte[Math.max(0, n)];
        b.get(out);
        return out;
    }

    private String transfer(int length, byte[] head) {
        StringBuilder sb = new StringBuilder(16 + bus.headBytes() * 4).append(length);
        if (length == 0) {
            return sb.toString();
        }
        int shown = Math.min(head.length, bus.headBytes());
        sb.append(' ');
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            int v = head[i] & 0xFF;
            sb.append(HEX[v >>> 4]).append(HEX[v & 0x0F]);
        }
        if (length > shown) {
            sb.append(" …");
        }
        int textLength = textLength(head);
        if (textLength >= 0) {
            sb.append(" \"");
            for (int i = 0; i < textLength; i++) {
                escape(sb, head[i]);
            }
            sb.append('"');
            if (length > textLength) {
                sb.append(" …");
            }
        } else {
            sb.append(" |");
            for (int i = 0; i < shown; i++) {
                int v = head[i] & 0xFF;
                sb.append(v >= 0x20 && v < 0x7F ? (char) v : '.');
            }
            sb.append('|');
        }
        return sb.toString();
    }

    /**
     * How many head bytes to show as text when the head is printable ASCII (tab, CR, LF allowed; NULs
     * only at the end, as WDRT terminates JSON-RPC), else -1.
     */
    private static int textLength(byte[] head) {
        int n = Math.min(head.length, TracingBus.TEXT_CHARS);
        int end = n;
        while (end > 0 && head[end - 1] == 0) {
            end--;
        }
        if (end == 0) {
            return -1;
        }
        for (int i = 0; i < end; i++) {
            int v = head[i] & 0xFF;
            if (!(v >= 0x20 && v < 0x7F) && v != '\t' && v != '\r' && v != '\n') {
                return -1;
            }
        }
        return n;
    }

    /** Control characters as escapes; quotes and backslashes as they are, so JSON and XML read as sent. */
    private static void escape(StringBuilder sb, byte b) {
        switch (b) {
            case '\n':
                sb.append("\\n");
                break;
            case '\r':
                sb.append("\\r");
                break;
            case '\t':
                sb.append("\\t");
                break;
            case 0:
                sb.append("\\0");
                break;
            default:
                sb.append((char) b);
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
