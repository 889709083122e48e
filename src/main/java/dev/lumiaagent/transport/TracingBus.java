package dev.lumiaagent.transport;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bus that can write a protocol trace of the phone on a chosen port: every transfer on every link
 * opened on that port (one line each: time, port, direction, length, the head bytes as hex and text),
 * timeouts and faults, and link open/close. A maintainer reads it in a diagnostics bundle (issue #8).
 *
 * <p>Every link this bus opens is wrapped, so tracing can start on a link that is already open and
 * follows the phone across re-enumerations on its port. A link on a port that is not traced costs one
 * map lookup per transfer. Tracing never throws into a link: an I/O error on the trace file ends that
 * trace with one WARN.
 */
public final class TracingBus extends ForwardingBus {
    private static final Logger LOG = LoggerFactory.getLogger(TracingBus.class);
    /** Bytes shown as hex per transfer unless told otherwise. */
    public static final int DEFAULT_HEAD_BYTES = 64;
    /** Characters shown when a transfer is printable text (NOKV, JSON-RPC, Firehose XML). */
    static final int TEXT_CHARS = 160;
    private static final long FLUSH_EVERY_NANOS = 1_000_000_000L;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final int headBytes;
    private final Map<PortPath, Trace> traces = new ConcurrentHashMap<>();
    private final Set<TracingLink> openLinks = ConcurrentHashMap.newKeySet();

    public TracingBus(Bus inner) {
        this(inner, Clock.systemUTC(), DEFAULT_HEAD_BYTES);
    }

    /** @param headBytes how many bytes of each transfer are shown as hex (at least 1) */
    public TracingBus(Bus inner, Clock clock, int headBytes) {
        super(inner);
        this.clock = Objects.requireNonNull(clock, "clock");
        if (headBytes < 1) {
            throw new IllegalArgumentException("a trace shows at least 1 byte per transfer, not " + headBytes);
        }
        this.headBytes = headBytes;
    }

    /**
     * Traces every link on {@code port} into {@code file} (appended) from now on, including links already
     * open through this bus. A port already traced switches to the new file. When the file cannot be
     * opened, the port is not traced and one WARN says why; nothing is thrown.
     */
    public void traceTo(PortPath port, Path file) {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(file, "file");
        Trace trace;
        try {
            // Not Files.newBufferedWriter: an interruptible channel would be closed by the first interrupted worker.
            // 0600 in a 0700 directory when new (PrivateFiles): a trace carries the phone's identity.
            BufferedWriter w = new BufferedWriter(new java.io.OutputStreamWriter(dev.lumiaagent.paths.PrivateFiles.newOutputStream(file, true),
                    StandardCharsets.UTF_8));
            trace = new Trace(port, file, w);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write the protocol trace of {} to {}: {}; the port is not traced", port, file, e.toString());
            stopTracing(port);
            return;
        }
        Trace old = traces.put(port, trace);
        if (old != null) {
            old.line(stamp() + " " + port + " trace continues in " + file);
            old.close();
        }
        trace.line(stamp() + " " + port + " trace started (" + inner.describe() + ")");
        for (TracingLink l : openLinks) {
            if (l.port().equals(port)) {
                trace.line(stamp() + " " + port + " open (already) " + l.device() + " " + l.describeQuietly());
            }
        }
    }

    /** Ends the trace of {@code port}: a last line, flushed and closed. Nothing happens when it is not traced. */
    public void stopTracing(PortPath port) {
        Trace t = traces.remove(port);
        if (t != null) {
            t.line(stamp() + " " + port + " trace stopped");
            t.close();
        }
    }

    /** True while {@code port} is traced (false after an I/O error disabled its trace). */
    public boolean tracing(PortPath port) {
        Trace t = traces.get(port);
        return t != null && !t.disabled();
    }

    @Override
    public Link open(UsbDevice device, LinkOptions options) {
        Trace t = traces.get(device.port());
        Link link;
        try {
            link = inner.open(device, options);
        } catch (RuntimeException e) {
            if (t != null) {
                t.line(stamp() + " " + device.port() + " open " + device + " failed ! " + describe(e));
            }
            throw e;
        }
        TracingLink tl = new TracingLink(link, device, this);
        openLinks.add(tl);
        if (t != null) {
            t.line(stamp() + " " + device.port() + " open " + device + " " + tl.describeQuietly());
        }
        return tl;
    }

    /** Ends every trace, then closes the bus below. */
    @Override
    public void close() {
        for (PortPath p : List.copyOf(traces.keySet())) {
            stopTracing(p);
        }
        inner.close();
    }

    // --- for TracingLink ---------------------------------------------------------------------------

    /** The live trace of a port, or null: read on every transfer, so a trace can start or stop at any time. */
    Trace traceOf(PortPath port) {
        Trace t = traces.get(port);
        return t == null || t.disabled() ? null : t;
    }

    void closed(TracingLink link) {
        openLinks.remove(link);
    }

    int headBytes() {
        return headBytes;
    }

    String stamp() {
        return TIME.format(clock.instant());
    }

    String stamp(Instant at) {
        return TIME.format(at);
    }

    Instant now() {
        return clock.instant();
    }

    static String describe(Throwable e) {
        if (e instanceof TransferTimeout) {
            TransferTimeout t = (TransferTimeout) e;
            return "TransferTimeout after " + t.timeout().toMillis() + " ms (" + t.bytesMoved() + " bytes moved)";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
    }

    /**
     * One trace file. Lines go to a buffered writer under a lock and are flushed at most once a second
     * (and when the trace stops), so hundreds of 2.25 MiB flash messages a minute cost a few hundred
     * short lines, not a disk flush each.
     */
    static final class Trace {
        private final PortPath port;
        private final Path file;
        private final Object lock = new Object();
        private Writer writer;
        private long lastFlush = System.nanoTime();
        private volatile boolean disabled;

        Trace(PortPath port, Path file, Writer writer) {
            this.port = port;
            this.file = file;
            this.writer = writer;
        }

        boolean disabled() {
            return disabled;
        }

        void line(String text) {
            Throwable failure = null;
            synchronized (lock) {
                if (writer == null) {
                    return;
                }
                try {
                    writer.write(text);
                    writer.write('\n');
                    long now = System.nanoTime();
                    if (now - lastFlush >= FLUSH_EVERY_NANOS) {
                        lastFlush = now;
                        writer.flush();
                    }
                } catch (IOException | RuntimeException e) {
                    failure = e;
                    abandon();
                }
            }
            if (failure != null) {
                LOG.warn("protocol trace of {} to {} stopped: {}", port, file, failure.toString());
            }
        }

        void close() {
            Throwable failure = null;
            synchronized (lock) {
                if (writer == null) {
                    return;
                }
                try {
                    writer.close();
                } catch (IOException | RuntimeException e) {
                    failure = e;
                }
                writer = null;
            }
            if (failure != null) {
                disabled = true;
                LOG.warn("protocol trace of {} to {} could not be completed: {}", port, file, failure.toString());
            }
        }

        /** Called under the lock after a failure: no more lines, the file closed as far as it goes. */
        private void abandon() {
            disabled = true;
            try {
                writer.close();
            } catch (IOException | RuntimeException ignored) {
                // the trace already failed; its WARN says so
            }
            writer = null;
        }
    }
}
