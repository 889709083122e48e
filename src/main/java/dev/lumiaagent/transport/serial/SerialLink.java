package dev.lumiaagent.transport.serial;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.time.Deadline;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.TransportException;
import dev.lumiaagent.transport.TransportFailure;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Link} over a serial port: {@code /dev/ttyUSBn} behind Linux {@code qcserial}, {@code COMn}
 * behind the Windows Qualcomm QDLoader driver, or a pseudo-terminal in tests.
 *
 * <p>A tty is a byte stream: {@link #keepsBoundaries()} is false and a read returns whatever bytes
 * have arrived, so codecs above reassemble (DESIGN §3, edl-protocol.md §1.6).
 *
 * <p>Port settings follow what qdl programs for the QDLoader COM port (edl-protocol.md §1.5):
 * 115200 8N1 (the baud rate means nothing on USB), no CTS/DSR/XON-XOFF flow control, DTR and RTS
 * on, and reads that return as soon as one byte is there. The receive queue is <b>not</b> purged on
 * open: the driver binds at plug-in time and the PBL sends its single Sahara HELLO then, so it is
 * usually already waiting.
 *
 * <p>ZLPs: there is no {@link dev.lumiaagent.transport.ZlpPolicy} on a tty. The kernel driver
 * (qcserial / usb_wwan, QDLoader) decides how the byte stream is cut into USB packets, and through
 * qcserial no ZLP follows a write whose length is a multiple of wMaxPacketSize (edl-protocol.md
 * §1.4, §1.6). The policy in {@code LinkOptions} is ignored here.
 *
 * <p>Timing: the port is configured once with a {@value #POLL_MS} ms semi-blocking read quantum
 * (jSerialComm maps it to VTIME on POSIX and to COMMTIMEOUTS on Windows, and VTIME cannot express
 * more than 25.5 s), and {@link #read} loops on that quantum until its own timeout. A blocking tty
 * write has no timeout at all, so writes run on a private writer thread and the caller waits for it
 * with the caller's timeout.
 *
 * <p>Thread-safety: one reader and one writer may work at the same time; {@link #close()} may be
 * called from any thread and makes a blocked read or write end.
 */
public final class SerialLink implements Link {
    private static final Logger log = LoggerFactory.getLogger(SerialLink.class);

    /** The size reported as {@link #maxPacketSize()}: usb_wwan's OUT URB size (raw pieces are whole multiples). */
    public static final int CHUNK_SIZE = 4096;
    /** Bytes per {@code write(2)} within one transfer (see {@link #writeAll}). */
    static final int WRITE_SLICE = 16384;
    /** The semi-blocking read quantum programmed into the port. */
    static final int POLL_MS = 100;
    private static final int BAUD = 115200;
    private static final int HEX_LOG_LIMIT = 64;
    private static final long OPEN_RETRY_MS = 100;
    private static final long CLOSE_WAIT_MS = 2000;

    private final SerialPort port;
    private final String path;
    private final SerialErrors.Platform platform;
    private final ExecutorService writer;
    private final Object readLock = new Object();
    private final Object writeLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The transfer buffer of the last write, reused by the next one (touched under {@link #writeLock}). */
    private byte[][] spare;
    /** The last write that timed out while its chunk was still inside the driver, or null. */
    private volatile Future<?> stuckWrite;
    /** Runs on the reader's thread once a read has begun waiting on the port (tests wait on it, not on a sleep). */
    private volatile Runnable readWaiting = () -> { };

    private SerialLink(SerialPort port, String path, SerialErrors.Platform platform) {
        this.port = port;
        this.path = path;
        this.platform = platform;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "serial-writer " + path);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the tty / COM port at {@code path}. While the port does not exist yet, is refused
     * (udev applies its permission rule a moment after the node appears) or is busy, tries again
     * every 100 ms until {@code openTimeout} ends, then throws what the last attempt said.
     *
     * @throws dev.lumiaagent.transport.AccessDenied permission denied or the port is held by another program
     * @throws DeviceGone the port does not exist
     * @throws TransportFailure any other refusal, with the OS code
     */
    static SerialLink open(String path, Duration openTimeout) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(openTimeout, "openTimeout");
        SerialErrors.Platform platform = SerialErrors.Platform.current();
        Deadline deadline = Deadline.after(AgentClock.system(), openTimeout);
        while (true) {
            SerialPort port;
            try {
                port = SerialPort.getCommPort(path);
            } catch (SerialPortInvalidPortException e) {
                // jSerialComm throws this when the device node does not exist (POSIX).
                if (!retry(deadline)) {
                    throw new DeviceGone("Serial port " + path + " does not exist: the phone is not connected,"
                            + " or no serial driver is bound to it", e);
                }
                continue;
            }
            configure(port);
            if (port.openPort(0)) {
                SerialLink link = new SerialLink(port, path, platform);
                log.debug("serial {}: opened ({}), {} bytes already waiting", path, port.getSystemPortPath(), port.bytesAvailable());
                return link;
            }
            int code = port.getLastErrorCode();
            boolean exists = platform == SerialErrors.Platform.WINDOWS || Files.exists(Path.of(path));
            TransportException failure = SerialErrors.onOpen(path, code, platform, exists);
            log.debug("serial {}: open failed, code {} at native line {}: {}", path, code, port.getLastErrorLocation(),
                    failure.getMessage());
            if (!SerialErrors.mayClearUp(failure) || !retry(deadline)) {
                throw failure;
            }
        }
    }

    /** Sleeps one retry interval if the deadline allows another attempt. */
    private static boolean retry(Deadline deadline) {
        if (deadline.expired()) {
            return false;
        }
        try {
            Thread.sleep(deadline.shorter(Duration.ofMillis(OPEN_RETRY_MS)).toMillis() + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    private static void configure(SerialPort port) {
        port.setComPortParameters(BAUD, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        // Before open these only record the wish; jSerialComm raises both lines right after open().
        port.setDTR();
        port.setRTS();
        // Semi-blocking reads with a short quantum; no TIMEOUT_WRITE_BLOCKING, whose tcdrain() can wait forever.
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, POLL_MS, 0);
        // Deliberately no flushIOBuffers(): it would make open() purge the RX queue and lose the Sahara HELLO.
    }

    @Override
    public void write(ByteBuffer src, Duration timeout) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(timeout, "timeout");
        synchronized (writeLock) {
            ensureOpen("write");
            Future<?> previous = stuckWrite;
            if (previous != null && !previous.isDone()) {
                throw new TransportFailure("WRITE_STUCK", "Serial port " + path + " has not finished an earlier write that"
                        + " timed out; close and reopen the port");
            }
            stuckWrite = null;
            int total = src.remaining();
            if (total == 0) {
                return;
            }
            int start = src.position();
            // One copy of the whole transfer into slices the writer thread owns: the caller's buffer may be
            // reused as soon as this returns, even after a timeout, while the writer may still be inside the driver.
            // The slices are reused for the next transfer unless a write timed out (a stuck writer may hold them).
            byte[][] slices = transferSlices(total);
            for (int i = 0, left = total; left > 0; i++) {
                int n = Math.min(WRITE_SLICE, left);
                src.get(slices[i], 0, n);
                left -= n;
            }
            src.position(start);
            if (log.isDebugEnabled()) {
                log.debug("serial {} OUT {} bytes: {}", path, total, hex(slices[0], 0, Math.min(total, WRITE_SLICE)));
            }
            AtomicInteger moved = new AtomicInteger();
            AtomicBoolean abandon = new AtomicBoolean();
            // One handoff per transfer (a Firehose raw piece is MaxPayloadSizeToTargetInBytes, 1 MiB), not per slice.
            Future<?> task = writer.submit(() -> writeAll(slices, total, moved, abandon));
            try {
                task.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                abandon.set(true);
                stuckWrite = task;
                spare = null;
                src.position(start + moved.get());
                throw new TransferTimeout(TransferTimeout.Direction.OUT, timeout, moved.get());
            } catch (ExecutionException e) {
                src.position(start + moved.get());
                Throwable cause = e.getCause();
                if (cause instanceof TransportException) {
                    throw (TransportException) cause;
                }
                throw new TransportFailure("WRITE_FAILED", "Serial write on " + path + " failed: " + cause, cause);
            } catch (InterruptedException e) {
                abandon.set(true);
                stuckWrite = task;
                spare = null;
                Thread.currentThread().interrupt();
                src.position(start + moved.get());
                throw new TransferTimeout(TransferTimeout.Direction.OUT, timeout, moved.get());
            }
            src.position(start + total);
        }
    }

    /**
     * The writer's slices for a transfer of {@code size} bytes; called under the write lock. Slices, not
     * one array: jSerialComm's native {@code writeBytes} takes the array with {@code GetByteArrayElements}
     * (seen in libjSerialComm.so 2.11.0, Linux x86_64), which on HotSpot copies the WHOLE array on every
     * call whatever the offset and length; writing 4 KiB at a time out of a 1 MiB array used to copy
     * 256 MiB per MiB sent. A slice-sized array makes that copy the slice.
     */
    private byte[][] transferSlices(int size) {
        int count = (size + WRITE_SLICE - 1) / WRITE_SLICE;
        byte[][] s = spare;
        if (s == null || s.length < count) {
            byte[][] grown = new byte[count][];
            for (int i = 0; i < count; i++) {
                grown[i] = s != null && i < s.length ? s[i] : new byte[WRITE_SLICE];
            }
            s = grown;
            spare = s;
        }
        return s;
    }

    /**
     * Runs on the writer thread. The transfer goes to the driver in {@value #WRITE_SLICE}-byte
     * {@code write(2)}s, one per slice. A tty may take fewer bytes than offered
     * (usb_wwan returns a short count when its URBs are busy, edl-protocol.md §1.4); jSerialComm's
     * {@code writeBytes} loops until the slice is in. Why slices and not one {@code write(2)} of the
     * whole transfer: a blocking tty write reports nothing until it returns, and the caller's timeout
     * must say how many bytes moved ({@link TransferTimeout#bytesMoved()}) and stop the transfer soon
     * after; after the caller gave up at most one slice goes out. 16 KiB: a pty pair with nobody reading holds
     * less than 32 KiB (SerialLinkPtyTest, a far end that never reads), so 32 KiB slices reported no
     * progress at all; 4 KiB slices (usb_wwan's OUT URB size) cost a syscall per 4 KiB, the largest cost
     * left once the whole-array copy per call (see {@link #transferSlices}) and the reads' sleeps were
     * gone (docs/performance.md, "Emergency over a serial port").
     */
    private Void writeAll(byte[][] slices, int length, AtomicInteger moved, AtomicBoolean abandon) {
        int off = 0;
        while (off < length) {
            if (abandon.get()) {
                return null;
            }
            if (closed.get()) {
                throw closedDuring("write");
            }
            int inSlice = off % WRITE_SLICE;
            int len = Math.min(WRITE_SLICE - inSlice, length - off);
            int n = port.writeBytes(slices[off / WRITE_SLICE], len, inSlice);
            if (n <= 0) {
                // jSerialComm returns 0 (not -1) when the native write failed before moving a byte.
                if (closed.get()) {
                    throw closedDuring("write");
                }
                throw SerialErrors.onIo(path, "write", port.getLastErrorCode(), platform);
            }
            off += n;
            moved.set(off);
        }
        return null;
    }

    /**
     * Blocks on the port until bytes arrive or the timeout ends; never sleeps. The port is in
     * jSerialComm's semi-blocking mode with a {@value #POLL_MS} ms quantum (termios VMIN=0, VTIME=1
     * on POSIX; COMMTIMEOUTS on Windows): each {@code read(2)} returns as soon as the first byte is
     * there, with everything that is there, or after one quantum of silence. VTIME counts in tenths
     * of a second, so a read that finds nothing times out up to one quantum after its deadline,
     * never before it; a zero timeout takes what is queued and does not wait.
     */
    @Override
    public int read(ByteBuffer dst, Duration timeout) {
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(timeout, "timeout");
        synchronized (readLock) {
            ensureOpen("read");
            int want = dst.remaining();
            if (want == 0) {
                return 0;
            }
            byte[] buf;
            int off;
            if (dst.hasArray()) {
                buf = dst.array();
                off = dst.arrayOffset() + dst.position();
            } else {
                buf = new byte[Math.min(want, 64 * 1024)];
                off = 0;
                want = buf.length;
            }
            Deadline deadline = Deadline.after(AgentClock.system(), timeout);
            boolean last = false;
            readWaiting.run();
            while (true) {
                if (deadline.expired()) {
                    // The deadline passed: take only what is already queued, then give up.
                    int available = port.bytesAvailable();
                    if (available < 0) {
                        throw readFailure();
                    }
                    if (available == 0 || last) {
                        throw new TransferTimeout(TransferTimeout.Direction.IN, timeout, 0);
                    }
                    want = Math.min(want, available);
                    last = true;
                }
                int n = port.readBytes(buf, want, off);
                if (n < 0) {
                    throw readFailure();
                }
                if (n > 0) {
                    if (!dst.hasArray()) {
                        dst.put(buf, 0, n);
                    } else {
                        dst.position(dst.position() + n);
                    }
                    if (log.isDebugEnabled()) {
                        log.debug("serial {} IN {} bytes: {}", path, n, hex(buf, off, n));
                    }
                    return n;
                }
            }
        }
    }

    /** Sets what runs once each read has begun waiting on the port: from now on, a close ends that read. */
    void onReadWaiting(Runnable r) {
        this.readWaiting = Objects.requireNonNull(r, "r");
    }

    private TransportException readFailure() {
        if (closed.get()) {
            return closedDuring("read");
        }
        return SerialErrors.onIo(path, "read", port.getLastErrorCode(), platform);
    }

    private void ensureOpen(String operation) {
        if (closed.get()) {
            throw new TransportFailure("LINK_CLOSED", "Serial " + operation + " on " + path + " after the link was closed");
        }
    }

    private TransportFailure closedDuring(String operation) {
        return new TransportFailure("LINK_CLOSED", "Serial link " + path + " was closed during a " + operation);
    }

    @Override
    public int maxPacketSize() {
        return CHUNK_SIZE;
    }

    @Override
    public boolean keepsBoundaries() {
        return false;
    }

    @Override
    public String describe() {
        return "serial " + path + " (stream, 115200 8N1, no flow control)";
    }

    /** The OS path this link was opened with, e.g. {@code /dev/ttyUSB0} or {@code COM5}. */
    public String path() {
        return path;
    }

    /**
     * Closes the port; idempotent. jSerialComm's close switches the descriptor to non-blocking and
     * flushes both queues, which also releases a writer stuck on a full queue.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Future<?> stuck = stuckWrite;
        if (stuck != null) {
            stuck.cancel(false);
        }
        boolean ok = port.closePort();
        writer.shutdownNow();
        try {
            if (!writer.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                log.warn("serial {}: writer thread still inside the driver {} ms after close; abandoning it", path, CLOSE_WAIT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.debug("serial {}: closed{}", path, ok ? "" : " (jSerialComm reported a close failure)");
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Hex of at most {@value #HEX_LOG_LIMIT} bytes, for DEBUG traces. */
    static String hex(byte[] bytes, int off, int len) {
        int shown = Math.min(len, HEX_LOG_LIMIT);
        StringBuilder sb = new StringBuilder(shown * 3 + 16);
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            int b = bytes[off + i] & 0xFF;
            sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        if (shown < len) {
            sb.append(" … (+").append(len - shown).append(" bytes)");
        }
        return sb.toString();
    }
}
