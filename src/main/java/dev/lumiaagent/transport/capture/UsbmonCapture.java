package dev.lumiaagent.transport.capture;

import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.UsbDevice;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture file of a run ({@code --capture FILE.pcap}): every transfer of every link as a usbmon 'S'
 * submission and 'C' completion, in one pcap that Wireshark opens ({@link UsbmonPcapWriter}).
 *
 * <p>Addresses: the bus number is the port path's (a serial path is bus 0). The agent does not see the
 * kernel's device address, so each enumeration of a phone gets the next free address on its bus from 2
 * up (1 is the root hub), as Linux hands them out: a phone that re-enumerates (a mode change, a reset, a
 * detach) gets a new one, which is how {@code simulate replay} tells the phone's modes apart. Endpoints are
 * 0x01 (OUT) and 0x81 (IN): above libusb the agent does not see the real endpoint numbers.
 *
 * <p>When a device is first seen at an address, its identity is written as the standard requests that
 * read it at enumeration (USB 2.0 §9.4.3 GET_DESCRIPTOR of the device descriptor and of its iManufacturer,
 * iProduct and iSerialNumber strings, langid 0x0409), so the capture says which phone it is. These were
 * read by the host when it enumerated the device, not at that moment; their timestamps are the link's open.
 *
 * <p>A capture never breaks a job: the file is written through a buffered, non-interruptible stream
 * (FileOutputStream, not an interruptible NIO channel that an interrupted worker would close), flushed at
 * most once a second and at close; the first I/O error disables it with one WARN, and later transfers are
 * not captured.
 */
public final class UsbmonCapture implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsbmonCapture.class);
    private static final long FLUSH_EVERY_NANOS = 1_000_000_000L;
    /** Linux URB completion statuses (Documentation/driver-api/usb/error-codes.rst). */
    static final int ECONNRESET = -104; // libusb cancels a timed-out transfer: "asynchronously unlinked"
    static final int ESHUTDOWN = -108;  // "the device or host controller has been disabled" (device gone)
    static final int EPROTO = -71;      // any other failure
    public static final int EP_OUT = 0x01;
    public static final int EP_IN = 0x81;

    private final Path file;
    private final Clock clock;
    private final Object lock = new Object();
    private UsbmonPcapWriter writer;
    private long nextId = 1;
    private long lastFlush = System.nanoTime();
    private volatile boolean disabled;
    private final Map<PortPath, Enumeration> enumerations = new HashMap<>();
    private final Map<Integer, Integer> nextAddress = new HashMap<>();

    private record Enumeration(UsbDevice device, int devnum, boolean gone) {
    }

    private UsbmonCapture(Path file, Clock clock, UsbmonPcapWriter writer) {
        this.file = file;
        this.clock = clock;
        this.writer = writer;
    }

    /**
     * Starts a capture into {@code file} (replaced). When it cannot be created, one WARN says so and the
     * returned capture is disabled: the job runs uncaptured.
     */
    public static UsbmonCapture open(Path file, Clock clock, int snaplen) {
        Objects.requireNonNull(file, "file");
        try {
            // 0600 in a 0700 directory when new (PrivateFiles): a capture carries the phone's IMEI and serial.
            BufferedOutputStream out = new BufferedOutputStream(dev.lumiaagent.paths.PrivateFiles.newOutputStream(file, false), 1 << 16);
            return new UsbmonCapture(file, clock, new UsbmonPcapWriter(out, snaplen));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write the USB capture to {}: {}; the job runs without a capture", file, e.toString());
            UsbmonCapture c = new UsbmonCapture(file, clock, null);
            c.disabled = true;
            return c;
        }
    }

    public Path file() {
        return file;
    }

    /** False once an I/O error stopped the capture (or it never started). */
    public boolean active() {
        return !disabled;
    }

    /** The phone on {@code port} left the bus: its next enumeration gets a new address. */
    public void detached(PortPath port) {
        synchronized (lock) {
            Enumeration e = enumerations.get(port);
            if (e != null) {
                enumerations.put(port, new Enumeration(e.device(), e.devnum(), true));
            }
        }
    }

    /**
     * A link is being opened to {@code device}: returns its address, writing its identity first when this
     * is a new enumeration of the phone on that port.
     */
    public int opened(UsbDevice device) {
        synchronized (lock) {
            Enumeration e = enumerations.get(device.port());
            if (e != null && !e.gone() && e.device().equals(device)) {
                return e.devnum();
            }
            int bus = device.port().bus();
            int devnum = nextAddress.merge(bus, 1, Integer::sum) + 1;
            if (devnum > 127) { // USB addresses are 7 bits; a long station run wraps as a hub's would
                nextAddress.put(bus, 1);
                devnum = 2;
            }
            enumerations.put(device.port(), new Enumeration(device, devnum, false));
            writeIdentity(device, devnum);
            return devnum;
        }
    }

    private void writeIdentity(UsbDevice d, int devnum) {
        int iManufacturer = d.manufacturer().isEmpty() ? 0 : 1;
        int iProduct = d.product().isEmpty() ? 0 : 2;
        int iSerial = d.serial().isEmpty() ? 0 : 3;
        ByteBuffer dev = ByteBuffer.allocate(18).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        dev.put((byte) 18).put((byte) 1).putShort((short) 0x0200).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 64)
                .putShort((short) d.vid()).putShort((short) d.pid()).putShort((short) 0x0100)
                .put((byte) iManufacturer).put((byte) iProduct).put((byte) iSerial).put((byte) 1);
        control(d, devnum, 1, 0, 0, dev.array());
        if (iManufacturer != 0) {
            control(d, devnum, 3, iManufacturer, 0x0409, stringDescriptor(d.manufacturer()));
        }
        if (iProduct != 0) {
            control(d, devnum, 3, iProduct, 0x0409, stringDescriptor(d.product()));
        }
        if (iSerial != 0) {
            control(d, devnum, 3, iSerial, 0x0409, stringDescriptor(d.serial()));
        }
    }

    /** A string descriptor (USB 2.0 §9.6.7): bLength, bDescriptorType 3, UTF-16LE; at most 126 characters fit bLength. */
    static byte[] stringDescriptor(String s) {
        String t = s.length() > 126 ? s.substring(0, 126) : s;
        byte[] text = t.getBytes(StandardCharsets.UTF_16LE);
        byte[] out = new byte[2 + text.length];
        out[0] = (byte) out.length;
        out[1] = 3;
        System.arraycopy(text, 0, out, 2, text.length);
        return out;
    }

    /** One GET_DESCRIPTOR on endpoint 0: the submission with its setup packet, the completion with the descriptor. */
    private void control(UsbDevice d, int devnum, int type, int index, int langId, byte[] descriptor) {
        byte[] setup = {(byte) 0x80, 6, (byte) index, (byte) type, (byte) langId, (byte) (langId >>> 8),
                (byte) descriptor.length, (byte) (descriptor.length >>> 8)};
        Instant at = clock.instant();
        long id = nextId++;
        int bus = d.port().bus();
        emit(new UsbmonRecord(id, 'S', UsbmonRecord.CONTROL, 0x80, devnum, bus, setup, at.getEpochSecond(), usec(at), -115,
                descriptor.length, 0, null)); // -EINPROGRESS: what usbmon shows as a submission's status
        emit(new UsbmonRecord(id, 'C', UsbmonRecord.CONTROL, 0x80, devnum, bus, null, at.getEpochSecond(), usec(at), 0,
                descriptor.length, descriptor.length, descriptor));
    }

    /** Records a host write's submission (with its data, cut to the snap length). Returns its URB id. */
    public long submitOut(int devnum, int bus, ByteBuffer[] parts, int length) {
        if (disabled) {
            return 0;
        }
        Instant at = clock.instant();
        byte[] data;
        synchronized (lock) {
            data = writer == null ? new byte[0] : new byte[Math.min(length, writer.dataRoom())];
        }
        int at0 = 0;
        for (ByteBuffer p : parts) {
            if (at0 == data.length) {
                break;
            }
            int n = Math.min(p.remaining(), data.length - at0);
            p.duplicate().get(data, at0, n);
            at0 += n;
        }
        synchronized (lock) {
            long id = nextId++;
            emit(new UsbmonRecord(id, 'S', UsbmonRecord.BULK, EP_OUT, devnum, bus, null, at.getEpochSecond(), usec(at), -115,
                    length, length, data));
            return id;
        }
    }

    /** Records a host write's completion: {@code failure} null when every byte went. */
    public void completeOut(long id, int devnum, int bus, int length, RuntimeException failure) {
        if (disabled) {
            return;
        }
        Instant at = clock.instant();
        synchronized (lock) {
            emit(new UsbmonRecord(id, 'C', UsbmonRecord.BULK, EP_OUT, devnum, bus, null, at.getEpochSecond(), usec(at),
                    status(failure), failure == null ? length : moved(failure), 0, null));
        }
    }

    /** Records a host read's submission: a buffer of {@code room} bytes, no data. */
    public long submitIn(int devnum, int bus, int room) {
        if (disabled) {
            return 0;
        }
        Instant at = clock.instant();
        synchronized (lock) {
            long id = nextId++;
            emit(new UsbmonRecord(id, 'S', UsbmonRecord.BULK, EP_IN, devnum, bus, null, at.getEpochSecond(), usec(at), -115,
                    room, 0, null));
            return id;
        }
    }

    /** Records a host read's completion with the bytes that arrived ({@code got} from position to limit), or its failure. */
    public void completeIn(long id, int devnum, int bus, ByteBuffer got, RuntimeException failure) {
        if (disabled) {
            return;
        }
        Instant at = clock.instant();
        int n = got == null ? 0 : got.remaining();
        synchronized (lock) {
            byte[] data = new byte[writer == null ? 0 : Math.min(n, writer.dataRoom())];
            if (got != null) {
                got.duplicate().get(data);
            }
            emit(new UsbmonRecord(id, 'C', UsbmonRecord.BULK, EP_IN, devnum, bus, null, at.getEpochSecond(), usec(at),
                    status(failure), n, n, data));
        }
    }

    private static int status(RuntimeException failure) {
        if (failure == null) {
            return 0;
        }
        if (failure instanceof TransferTimeout) {
            return ECONNRESET;
        }
        if (failure instanceof DeviceGone) {
            return ESHUTDOWN;
        }
        return EPROTO;
    }

    private static int moved(RuntimeException failure) {
        return failure instanceof TransferTimeout ? (int) Math.min(Integer.MAX_VALUE, ((TransferTimeout) failure).bytesMoved()) : 0;
    }

    private static int usec(Instant at) {
        return at.getNano() / 1000;
    }

    /** Under the lock: one record, a flush at most once a second; the first failure disables the capture with one WARN. */
    private void emit(UsbmonRecord r) {
        if (writer == null) {
            return;
        }
        try {
            writer.write(r);
            long now = System.nanoTime();
            if (now - lastFlush >= FLUSH_EVERY_NANOS) {
                lastFlush = now;
                writer.flush();
            }
        } catch (IOException | RuntimeException e) {
            fail("stopped", e);
        }
    }

    private void fail(String what, Exception e) {
        disabled = true;
        UsbmonPcapWriter w = writer;
        writer = null;
        try {
            w.close();
        } catch (IOException | RuntimeException ignored) {
            // already failed; the WARN below says so
        }
        LOG.warn("USB capture to {} {}: {}; the job goes on without it (the file holds what came before)", file, what, e.toString());
    }

    /** Flushes and closes the file; the capture is complete. */
    @Override
    public void close() {
        synchronized (lock) {
            if (writer == null) {
                return;
            }
            try {
                writer.flush();
                writer.close();
                writer = null;
            } catch (IOException | RuntimeException e) {
                fail("could not be completed", e);
            }
        }
    }
}
