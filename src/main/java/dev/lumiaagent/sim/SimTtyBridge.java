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
 * <p>When the phone leaves 9008 (Sahara RESET, Firehose {@code power}) its tty goes away, as a real
 * one does: a qcserial ttyUSB or a QDLoader COM port exists only while the 05C6:9008 USB device is on
 * the bus, and a host that keeps reading gets EIO (edl-protocol.md §1.6). The bridge writes the
 * replies already made (the reset ACK, its logs), then stops: served through
 * {@link #start(SocatPtyPair, SimModel, Set, AgentClock, Duration)} it ends socat, so both ptys
 * vanish and the host's next read or write fails with {@code DeviceGone}; {@link #phoneLeft()} says
 * so. A phone that comes back in 9008 ({@code power value="edl"}) would be a new USB device with a
 * new tty, which this bridge does not create.
 *
 * <p>Firehose documents from libxml2-based hosts (linux-msm/qdl: {@code xmlDocDumpMemory} in
 * {@code firehose_write}) end with a newline after {@code </data>}. Whitespace between documents is
 * not part of either, so the bridge drops it instead of handing it to the programmer in front of the
 * next document (where {@code <?xml} is no longer first; qdl failed right after {@code configure}).
 *
 * <p>Bounded and without sleeps: a read blocks on the tty for at most {@link #READ_WAIT} and returns
 * with the first bytes; unframed bytes are capped at
 * {@link #MAX_PENDING}; the reply queue holds {@value #REPLY_QUEUE} messages and a reply that cannot be
 * queued or written within {@link #WRITE_TIMEOUT} stops the bridge with a {@link #failure()}.
 * {@link #close()} stops everything and waits a bounded time for the threads.
 */
public final class SimTtyBridge implements AutoCloseable {
    /** The phone's port on the private bus (bus 0: not USB-addressed). */
    public static final PortPath PORT = PortPath.of(0, 1);
    public static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    static final int READ_CHUNK = 64 * 1024;
    static final int MAX_PENDING = READ_CHUNK + FirehoseCodec.MAX_DOCUMENT;
    static final int REPLY_QUEUE = 256;
    private static final byte[] STOP = new byte[0];
    /** Queued after the last reply when the phone left 9008: the writer unplugs once every reply is out. */
    private static final byte[] UNPLUG = new byte[0];
    /** How long one read blocks on the tty before the reader looks at {@link #closing} again. */
    static final Duration READ_WAIT = Duration.ofSeconds(1);

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
    private volatile boolean phoneLeft;
    private final Runnable unplug;

    // Touched only on the reader thread (it is the phone's thread).
    private SimFirmware firmware;
    private SimFirehoseProgrammer programmer;
    private long imageBytesAwaited;
    private byte[] pending = new byte[READ_CHUNK];
    private int pendingLength;
    private long droppedBytes;

    private SimTtyBridge(String path, Link tty, SimBus bus, SimPhone phone, Runnable unplug) {
        this.path = path;
        this.unplug = unplug;
        this.tty = tty;
        this.bus = bus;
        this.phone = phone;
        this.subscription = bus.watch(e -> {
            if (e.device().port().equals(PORT)) {
                busEvents.add(e);
                if (e instanceof BusEvent.Detached) {
                    onPhoneLeft(); // on the bus's thread: the reader may be blocked in a read
                }
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
        return start(ttyPath, () -> { }, model, faults, clock, openTimeout);
    }

    /**
     * Serves a fresh phone on {@code pair}'s {@link SocatPtyPair#left() left} end. When the phone
     * leaves 9008 the bridge ends socat, so both ptys vanish and the host's next read or write on the
     * {@link SocatPtyPair#right() right} end fails with EIO ({@code DeviceGone}), as a ttyUSB does when
     * the phone resets and its USB device leaves (see the class comment).
     */
    public static SimTtyBridge start(SocatPtyPair pair, SimModel model, Set<SimFault> faults, AgentClock clock,
                                     Duration openTimeout) {
        Objects.requireNonNull(pair, "pair");
        return start(pair.left().toString(), pair::kill, model, faults, clock, openTimeout);
    }

    private static SimTtyBridge start(String ttyPath, Runnable unplug, SimModel model, Set<SimFault> faults,
                                      AgentClock clock, Duration openTimeout) {
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
            bridge = new SimTtyBridge(ttyPath, tty, bus, phone, unplug);
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
                    // Blocks on the port (termios VTIME, see SerialLink#read) and returns with the first bytes;
                    // close() closes the tty, which ends this read at once. No sleeps, no polling of the queue.
                    n = tty.read(ByteBuffer.wrap(buf), READ_WAIT);
                } catch (TransferTimeout idle) {
                    continue;
                }
                if (n <= 0) {
                    continue;
                }
                applyBusEvents(); // a reboot that happened meanwhile decides who gets these bytes
                if (phoneLeft) {
                    droppedBytes += n;
                    break;
                }
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
                firmware = null;
                programmer = null;
                imageBytesAwaited = 0;
                pendingLength = 0;
            } else if (e instanceof BusEvent.Attached && phone.mode() == Mode.EDL_PBL && !phoneLeft) {
                SimLog.LOG.debug("sim tty {}: the phone is in 9008; its PBL greets", path);
                SimPhoneControl control = bus.control(PORT, phone);
                programmer = null;
                imageBytesAwaited = 0;
                pendingLength = 0;
                firmware = new SimEdlFirmware(control, () -> {
                    programmer = new SimFirehoseProgrammer(control);
                    return programmer;
                }, phone.saharaVersion()); // the phone's PBL, as SimFirmwares wires it on a bus
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
            boolean document = programmer != null && programmer.rawBytesExpected() == 0;
            if (document) {
                dropWhitespace(); // between documents: see the class comment (qdl ends each with a newline)
                if (pendingLength == 0) {
                    return;
                }
            }
            int take = frame();
            if (take <= 0) {
                return; // need more bytes
            }
            byte[] message = Arrays.copyOf(pending, take);
            System.arraycopy(pending, take, pending, 0, pendingLength - take);
            pendingLength -= take;
            deliver(message);
            if (document && programmer != null) {
                // Whitespace already here came in with the document, before the host could have seen its answer, so
                // it is the document's tail even when the answer opened a raw phase ({@code program}): raw data is
                // sent only after the host reads the ACK (edl-protocol.md §3.5). Not a first raw byte.
                dropWhitespace();
            }
            applyBusEvents();
        }
    }

    /** Drops XML whitespace (space, tab, CR, LF: XML 1.0 production S) at the head of {@link #pending}. */
    private void dropWhitespace() {
        int ws = 0;
        while (ws < pendingLength && (pending[ws] == ' ' || pending[ws] == '\t' || pending[ws] == '\r' || pending[ws] == '\n')) {
            ws++;
        }
        if (ws > 0) {
            System.arraycopy(pending, ws, pending, 0, pendingLength - ws);
            pendingLength -= ws;
            SimLog.LOG.debug("sim tty {}: {} bytes of whitespace between Firehose documents dropped", path, ws);
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
                byte[] m = replies.poll(READ_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (m == STOP) {
                    return;
                }
                if (m == UNPLUG) {
                    unplugNow();
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

    /**
     * The phone left 9008. A real qcserial / QDLoader tty exists only while the 9008 USB device is
     * there: after Firehose power reset (or Sahara RESET) the device leaves, the kernel hangs the tty
     * up and removes /dev/ttyUSBn, and the host's next read or write fails (EIO; edl-protocol.md §1.6,
     * §3.4). So the bridge stops serving: the writer first sends every reply already made (the reset
     * ACK and its logs: they were queued before the phone left), then unplugs (ends socat, so both
     * ptys vanish) and closes its own end.
     */
    private void onPhoneLeft() {
        if (phoneLeft) {
            return;
        }
        SimLog.LOG.debug("sim tty {}: the phone left 9008; its tty goes away", path);
        phoneLeft = true;
        closing = true;
        try {
            if (!replies.offer(UNPLUG, WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("the host did not read the phone's replies for " + WRITE_TIMEOUT.toSeconds() + " s");
                unplugNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unplugNow();
        }
    }

    private void unplugNow() {
        try {
            unplug.run();
        } catch (RuntimeException e) {
            SimLog.LOG.warn("sim tty {}: removing the tty failed: {}", path, e.toString());
        }
        tty.close();
    }

    /** True once the phone left 9008 and the bridge removed its tty (a reset, as on real hardware). */
    public boolean phoneLeft() {
        return phoneLeft;
    }

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
