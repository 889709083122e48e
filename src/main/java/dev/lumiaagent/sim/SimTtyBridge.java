package dev.lumiaagent.sim;

import dev.lumiaagent.protocol.firehose.FirehoseCodec;
import dev.lumiaagent.protocol.sahara.SaharaCodec;
import dev.lumiaagent.protocol.sahara.SaharaPacket;
import dev.lumiaagent.protocol.wire.ProtocolException;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.TransportException;
import dev.lumiaagent.transport.discovery.Mode;
import dev.lumiaagent.transport.serial.SerialBus;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One simulated phone in Qualcomm 9008 served over a tty (usually one end of a socat pty pair), so
 * the agent reaches it through the real serial transport ({@code --serial PATH}) the way it reaches a
 * phone behind {@code qcserial} or the QDLoader COM driver (edl-protocol.md §1.4–§1.6).
 *
 * <p>The phone is a {@link SimPhone} in {@link Mode#EDL_PBL} on a private {@link SimBus} (port
 * {@link #PORT}), served by {@link SimEdlFirmware} and, after Sahara DONE, the
 * {@link SimFirehoseProgrammer} it loaded — the same wiring as {@link SimFirmwares}. Firmwares take
 * whole host messages, while a tty is a byte stream; the bridge re-frames what it reads:
 * <ul>
 *   <li>Sahara: a packet by its length field ({@link SaharaCodec#packetLength}). Image data has no
 *       header: after the PBL sends READ_DATA / READ_DATA_64 (which the bridge sees go out), the next
 *       {@code length} bytes are handed over as they arrive.</li>
 *   <li>Firehose: one XML document up to its {@code </data>} ({@link FirehoseCodec#documentEnd}); in
 *       the programmer's raw-in phase ({@link SimFirehoseProgrammer#rawBytesExpected()}) whatever
 *       bytes arrived, at most the piece the programmer still takes.</li>
 *   <li>Bytes that cannot start a packet or document are handed over as they are, so the firmware
 *       judges them (it records a protocol violation and stays silent, as a real device would).</li>
 * </ul>
 * Replies are written to the tty as the firmware produces them, on a writer thread, in order.
 *
 * <p>When the phone leaves 9008 (Sahara RESET, Firehose {@code power}) it leaves the private bus: the
 * bridge then drops what it reads (a rebooting phone has no tty), and if the phone comes back in 9008
 * ({@code power value="edl"}) it is served again from a fresh PBL that greets first. A phone that
 * boots toward the OS never comes back on this tty, as on real hardware.
 *
 * <p>Bounded: reads poll every {@value #POLL_MS} ms; unframed bytes are capped at
 * {@link #MAX_PENDING}; the reply queue holds {@value #REPLY_QUEUE} messages and a reply that cannot be
 * queued or written within {@link #WRITE_TIMEOUT} stops the bridge with a {@link #failure()}.
 * {@link #close()} stops everything and waits a bounded time for the threads.
 */
public final class SimTtyBridge implements AutoCloseable {
    /** The phone's port on the private bus (bus 0: not USB-addressed). */
    public static final PortPath PORT = PortPath.of(0, 1);
    public static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    static final int POLL_MS = 100;
    static final int READ_CHUNK = 64 * 1024;
    static final int MAX_PENDING = READ_CHUNK + FirehoseCodec.MAX_DOCUMENT;
    static final int REPLY_QUEUE = 256;
    private static final byte[] STOP = new byte[0];

    private final String path;
    private final Link tty;
    private final SimBus bus;
    private final SimPhone phone;
    private final Bus.Subscription subscription;
    private final ConcurrentLinkedQueue<BusEvent> busEvents = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<byte[]> replies = new ArrayBlockingQueue<>(REPLY_QUEUE);
    private final Thread reader;
    private final Thread writer;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile String failure;

    // Touched only on the reader thread (it is the phone's thread).
    private SimFirmware firmware;
    private SimFirehoseProgrammer programmer;
    private long imageBytesAwaited;
    private byte[] pending = new byte[READ_CHUNK];
    private int pendingLength;
    private long droppedBytes;

    private SimTtyBridge(String path, Link tty, SimBus bus, SimPhone phone) {
        this.path = path;
        this.tty = tty;
        this.bus = bus;
        this.phone = phone;
        this.subscription = bus.watch(e -> {
            if (e.device().port().equals(PORT)) {
                busEvents.add(e);
            }
        });
        this.reader = new Thread(this::readLoop, "sim-tty-phone " + path);
        this.writer = new Thread(this::writeLoop, "sim-tty-writer " + path);
        reader.setDaemon(true);
        writer.setDaemon(true);
    }

    /**
     * Opens {@code ttyPath} (waiting up to {@code openTimeout} for it) and serves a fresh phone of
     * {@code model} in 9008 with {@code faults} on it. Timings of reboots run on {@code clock}.
     *
     * @throws TransportException when the tty cannot be opened
     */
    public static SimTtyBridge start(String ttyPath, SimModel model, Set<SimFault> faults, AgentClock clock,
                                     Duration openTimeout) {
        Objects.requireNonNull(ttyPath, "ttyPath");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(clock, "clock");
        SimPhone phone = new SimPhone(model, BenchSpec.imeiFor(PORT), BenchSpec.usbSerialFor(PORT), Mode.EDL_PBL, 50,
                LinkKind.STREAM, faults.isEmpty() ? EnumSet.noneOf(SimFault.class) : EnumSet.copyOf(faults));
        if (phone.mode() != Mode.EDL_PBL) {
            throw new IllegalArgumentException("a phone with " + faults + " does not start in 9008 (it is in "
                    + phone.mode().label() + "); only 9008 is served over a tty");
        }
        Link tty = SerialBus.openPath(ttyPath, openTimeout);
        SimBus bus = new SimBus(clock);
        SimTtyBridge bridge;
        try {
            bridge = new SimTtyBridge(ttyPath, tty, bus, phone);
            bus.attach(PORT, phone); // its Attached event starts the PBL on the reader thread
        } catch (RuntimeException e) {
            tty.close();
            bus.close();
            throw e;
        }
        bridge.writer.start();
        bridge.reader.start();
        return bridge;
    }

    /** The simulated phone (its disk, mode, violations). */
    public SimPhone phone() {
        return phone;
    }

    /** The tty this bridge serves on. */
    public String path() {
        return path;
    }

    /** Why the bridge stopped on its own (the tty failed, the host stopped reading), if it did. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** True until {@link #close()} or a failure stopped the bridge. */
    public boolean isRunning() {
        return stopped.getCount() > 0;
    }

    /** Waits up to {@code bound} for the bridge to stop; true if it has. */
    public boolean awaitStop(Duration bound) throws InterruptedException {
        return stopped.await(bound.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Bytes read while no phone was on the tty (it was rebooting or gone), for diagnostics. */
    public long droppedBytes() {
        return droppedBytes;
    }

    // ------------------------------------------------------------------ reader: the phone's thread

    private void readLoop() {
        byte[] buf = new byte[READ_CHUNK];
        try {
            while (!closing) {
                applyBusEvents();
                int n;
                try {
                    n = tty.read(ByteBuffer.wrap(buf), Duration.ofMillis(POLL_MS));
                } catch (TransferTimeout idle) {
                    continue;
                }
                if (n <= 0) {
                    continue;
                }
                applyBusEvents(); // a reboot that happened meanwhile decides who gets these bytes
                if (firmware == null) {
                    droppedBytes += n;
                    SimLog.LOG.debug("sim tty {}: {} bytes while no phone is in 9008, dropped", path, n);
                    continue;
                }
                append(buf, n);
                dispatch();
            }
        } catch (TransportException e) {
            if (!closing) {
                fail("the tty " + path + " failed: " + e.getMessage());
            }
        } catch (RuntimeException e) {
            fail("the bridge failed: " + e);
        } finally {
            stop();
        }
    }

    private void applyBusEvents() {
        BusEvent e;
        while ((e = busEvents.poll()) != null) {
            if (e instanceof BusEvent.Detached) {
                SimLog.LOG.debug("sim tty {}: the phone left 9008", path);
                firmware = null;
                programmer = null;
                imageBytesAwaited = 0;
                pendingLength = 0;
            } else if (e instanceof BusEvent.Attached && phone.mode() == Mode.EDL_PBL) {
                SimLog.LOG.debug("sim tty {}: the phone is in 9008; its PBL greets", path);
                SimPhoneControl control = bus.control(PORT);
                programmer = null;
                imageBytesAwaited = 0;
                pendingLength = 0;
                firmware = new SimEdlFirmware(control, () -> {
                    programmer = new SimFirehoseProgrammer(control);
                    return programmer;
                });
                try {
                    firmware.opened(this::reply);
                } catch (RuntimeException ex) {
                    phone.recordViolation("sim tty: firmware failed when the phone came up: " + ex);
                }
            }
        }
    }

    private void append(byte[] b, int n) {
        if (pendingLength + n > pending.length) {
            if (pendingLength + n > MAX_PENDING) {
                // Cannot happen with well-formed framing (documents and packets are smaller); hand over what is
                // there so the firmware judges it, rather than grow without bound.
                deliver(Arrays.copyOf(pending, pendingLength));
                pendingLength = 0;
            }
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + n));
        }
        System.arraycopy(b, 0, pending, pendingLength, n);
        pendingLength += n;
    }

    /** Hands every whole message in {@link #pending} to the firmware, in order. */
    private void dispatch() {
        while (pendingLength > 0 && firmware != null) {
            int take = frame();
            if (take <= 0) {
                return; // need more bytes
            }
            byte[] message = Arrays.copyOf(pending, take);
            System.arraycopy(pending, take, pending, 0, pendingLength - take);
            pendingLength -= take;
            deliver(message);
            applyBusEvents();
        }
    }

    /** How many leading bytes of {@link #pending} make the next host message; 0 when more are needed. */
    private int frame() {
        if (programmer != null) {
            long raw = programmer.rawBytesExpected();
            if (raw > 0) {
                return (int) Math.min(raw, pendingLength);
            }
            try {
                return Math.max(0, FirehoseCodec.documentEnd(pending, 0, pendingLength));
            } catch (ProtocolException notADocument) {
                return pendingLength;
            }
        }
        if (imageBytesAwaited > 0) {
            int n = (int) Math.min(imageBytesAwaited, pendingLength);
            imageBytesAwaited -= n;
            return n;
        }
        try {
            int length = SaharaCodec.packetLength(pending, pendingLength);
            return length < 0 || length > pendingLength ? 0 : length;
        } catch (ProtocolException notSahara) {
            return pendingLength;
        }
    }

    private void deliver(byte[] message) {
        if (phone.has(SimFault.STALL)) {
            SimLog.LOG.debug("sim tty {}: stalled phone ignores {} bytes", path, message.length);
            return;
        }
        try {
            if (phone.consume(SimFault.NAK_NEXT)) {
                firmware.refuse(message, this::reply);
            } else {
                firmware.onHostMessage(message, this::reply);
            }
        } catch (RuntimeException e) {
            phone.recordViolation("sim tty: firmware failed on a host message: " + e);
        }
    }

    /** A device message: noted for framing (Sahara READ_DATA), then queued for the tty. */
    private void reply(byte[] message) {
        if (message.length == 0) {
            return; // a ZLP means nothing on a tty
        }
        if (programmer == null) {
            noteSahara(message);
        }
        try {
            if (!replies.offer(message, WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("the host did not read the phone's replies for " + WRITE_TIMEOUT.toSeconds() + " s");
                closing = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    /** After READ_DATA the host's next bytes are image data of the asked length; any other packet ends that. */
    private void noteSahara(byte[] message) {
        SaharaPacket p;
        try {
            p = SaharaCodec.decode(message);
        } catch (ProtocolException notAPacket) {
            return; // command-mode EXECUTE_DATA payload: raw bytes, not a packet
        }
        if (p instanceof SaharaPacket.ReadData) {
            imageBytesAwaited = ((SaharaPacket.ReadData) p).length();
        } else if (p instanceof SaharaPacket.ReadData64) {
            imageBytesAwaited = ((SaharaPacket.ReadData64) p).length();
        } else {
            imageBytesAwaited = 0;
        }
    }

    // ------------------------------------------------------------------ writer

    private void writeLoop() {
        try {
            while (true) {
                byte[] m = replies.poll(POLL_MS, TimeUnit.MILLISECONDS);
                if (m == STOP) {
                    return;
                }
                if (m == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                tty.write(ByteBuffer.wrap(m), WRITE_TIMEOUT);
            }
        } catch (TransportException e) {
            if (!closing) {
                fail("writing to the tty " + path + " failed: " + e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closing = true;
        }
    }

    // ------------------------------------------------------------------ life cycle

    private void fail(String why) {
        if (failure == null) {
            failure = why;
            SimLog.LOG.warn("sim tty {}: {}", path, why);
        }
    }

    private void stop() {
        closing = true;
        replies.offer(STOP);
        stopped.countDown();
    }

    /** Stops the phone and closes the tty; idempotent, and waits at most a few seconds for the threads. */
    @Override
    public void close() {
        closing = true;
        subscription.close();
        replies.clear();
        replies.offer(STOP);
        join(writer);
        tty.close();
        join(reader);
        bus.close();
        stopped.countDown();
    }

    private static void join(Thread t) {
        if (t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(TimeUnit.SECONDS.toMillis(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "simulated " + phone.model().name() + " (" + phone.model().productType() + ") in 9008 on " + path;
    }
}
