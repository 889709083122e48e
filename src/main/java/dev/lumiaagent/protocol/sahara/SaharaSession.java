package dev.lumiaagent.protocol.sahara;

import dev.lumiaagent.protocol.sahara.SaharaPacket.CommandReady;
import dev.lumiaagent.protocol.sahara.SaharaPacket.DoneResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.EndOfImageTransfer;
import dev.lumiaagent.protocol.sahara.SaharaPacket.Execute;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ExecuteData;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ExecuteResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.MemoryDebug;
import dev.lumiaagent.protocol.sahara.SaharaPacket.MemoryDebug64;
import dev.lumiaagent.protocol.sahara.SaharaPacket.MemoryRead;
import dev.lumiaagent.protocol.sahara.SaharaPacket.MemoryRead64;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ReadData;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ReadData64;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ResetResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaDone;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaHello;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaHelloResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaReset;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SwitchMode;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.time.Deadline;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.ZlpPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host side of Sahara over one {@link Link} (edl-protocol.md §2): read the PBL's HELLO, upload a
 * programmer, command-mode queries, memory-debug region listing, reset. Works on packet links (one
 * read = one packet; a size mismatch with the length field is desync, as in qdl) and stream links
 * (packets reassembled from the length field). Every read is bounded by the session's timeout.
 *
 * <p>Open Sahara links with {@link #LINK_OPTIONS}: no OUT zero-length packets (qdl issue #320, §1.7).
 * The HELLO is read without purging the receive side first: purging loses the one HELLO (§1.5).
 */
public final class SaharaSession {
    private static final Logger LOG = LoggerFactory.getLogger(SaharaSession.class);

    /** How Sahara links are opened: Sahara never needs ZLPs. */
    public static final LinkOptions LINK_OPTIONS = LinkOptions.defaults().withZlp(ZlpPolicy.NEVER);
    /** qdl's per-packet bound (SAHARA_CMD_TIMEOUT_MS, §2.9). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    /** qdl chunks OUT writes at 1 MiB (§1.6). */
    static final int WRITE_CHUNK = 1024 * 1024;
    /** Largest single READ_DATA we serve; a Lumia programmer is far smaller. */
    static final long MAX_REQUEST = 64L * 1024 * 1024;
    /** Largest command-mode reply we accept. */
    static final int MAX_EXECUTE_DATA = 64 * 1024;
    /** A loader that keeps asking past this many requests is looping. */
    static final int MAX_REQUESTS = 1_000_000;

    /** What to do with a READ_DATA beyond the end of the image (§2.4: qdl aborts, bkerler pads). */
    public enum OutOfRange {
        /** qdl: send RESET and stop with {@link SaharaOutOfRange}. */
        ABORT_WITH_RESET,
        /** bkerler/edl: answer with the image bytes there are, padded with 0xFF to the length asked. */
        PAD_WITH_FF
    }

    private final Link link;
    private final Duration timeout;
    private byte[] pending = new byte[256];
    private int pendingLength;
    private SaharaHello hello;
    private boolean helloConsumed;

    public SaharaSession(Link link) {
        this(link, DEFAULT_TIMEOUT);
    }

    public SaharaSession(Link link, Duration timeout) {
        this.link = Objects.requireNonNull(link, "link");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    /** A session whose HELLO was already read (by {@link SaharaDetect}). */
    public SaharaSession(Link link, Duration timeout, SaharaHello alreadyRead) {
        this(link, timeout);
        this.hello = Objects.requireNonNull(alreadyRead, "alreadyRead");
    }

    public Link link() {
        return link;
    }

    /**
     * The device's HELLO: read once, within the session timeout, then remembered.
     *
     * @throws TransferTimeout when no HELLO arrives (see {@link #assumeHelloConsumed()})
     * @throws ProtocolException when the first packet is not a HELLO
     */
    public SaharaHello hello() {
        if (hello == null) {
            if (helloConsumed) {
                throw new IllegalStateException("the HELLO was consumed before this session; there is none to read");
            }
            SaharaPacket p = readPacket();
            if (!(p instanceof SaharaHello)) {
                throw new ProtocolException("expected HELLO as the loader's first packet, got " + p);
            }
            hello = (SaharaHello) p;
        }
        return hello;
    }

    /**
     * The HELLO was eaten before this session (a driver, an earlier run): the next step sends its
     * HELLO_RESP unsolicited, which a PBL still waiting for it accepts (qdl's recovery, §2.4 step 5, §5).
     */
    public void assumeHelloConsumed() {
        hello = null;
        helloConsumed = true;
    }

    // ------------------------------------------------------------------ image transfer

    /** Uploads {@code image} with {@link OutOfRange#ABORT_WITH_RESET}. */
    public SaharaUpload uploadImage(SeekableByteChannel image) {
        return uploadImage(image, OutOfRange.ABORT_WITH_RESET);
    }

    /**
     * Answers HELLO with mode 0 (image transfer) and serves READ_DATA / READ_DATA_64 at whatever
     * offsets the loader asks, until END_OF_IMAGE_TRANSFER; on success sends DONE and reads DONE_RESP.
     *
     * @throws SaharaRefused END_OF_IMAGE_TRANSFER with an error status (0x21–0x26: signed for another root key)
     * @throws SaharaOutOfRange a request beyond the image under {@link OutOfRange#ABORT_WITH_RESET}
     * @throws SaharaNotResponding no answer to an unsolicited HELLO_RESP
     */
    public SaharaUpload uploadImage(SeekableByteChannel image, OutOfRange policy) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(policy, "policy");
        long size = size(image);
        SaharaPacket p = start(SaharaMode.IMAGE_TX_PENDING);
        int requests = 0;
        long served = 0;
        TreeSet<Long> ids = new TreeSet<>();
        while (true) {
            if (p instanceof ReadData || p instanceof ReadData64) {
                long id;
                long offset;
                long length;
                if (p instanceof ReadData) {
                    ReadData r = (ReadData) p;
                    id = r.imageId();
                    offset = r.offset();
                    length = r.length();
                } else {
                    ReadData64 r = (ReadData64) p;
                    id = r.imageId();
                    offset = r.offset();
                    length = r.length();
                }
                if (++requests > MAX_REQUESTS) {
                    throw new ProtocolException("the loader made more than " + MAX_REQUESTS + " read requests");
                }
                ids.add(id);
                served += serve(image, size, offset, length, policy);
            } else if (p instanceof EndOfImageTransfer) {
                EndOfImageTransfer e = (EndOfImageTransfer) p;
                if (!e.status().isSuccess()) {
                    throw new SaharaRefused("image transfer", e.status());
                }
                send(new SaharaDone());
                SaharaPacket r = readPacket();
                if (!(r instanceof DoneResponse)) {
                    throw unexpected("DONE", r);
                }
                boolean pending = !((DoneResponse) r).complete();
                if (pending) {
                    // MSM8916 PBLs answer "pending" for a single programmer; qdl treats it as done (§2.4).
                    LOG.info("{}: DONE_RESP pending after our only image; treated as done (qdl quirk)", link.describe());
                }
                return new SaharaUpload(requests, served, ids, pending);
            } else {
                throw unexpected("image transfer", p);
            }
            p = readPacket();
        }
    }

    private long serve(SeekableByteChannel image, long size, long offset, long length, OutOfRange policy) {
        boolean outside = Long.compareUnsigned(offset, size) > 0 || Long.compareUnsigned(length, size - offset) > 0;
        if (Long.compareUnsigned(length, MAX_REQUEST) > 0 || (outside && policy == OutOfRange.ABORT_WITH_RESET)) {
            LOG.warn("{}: loader asked for 0x{} bytes at 0x{} of a 0x{}-byte image; sending RESET", link.describe(),
                    Long.toHexString(length), Long.toHexString(offset), Long.toHexString(size));
            abortWithReset();
            throw new SaharaOutOfRange(offset, length, size);
        }
        int n = (int) length;
        byte[] chunk = new byte[Math.min(n, WRITE_CHUNK)];
        long at = offset;
        int left = n;
        while (left > 0) {
            int k = Math.min(left, chunk.length);
            ByteBuffer buf = ByteBuffer.wrap(chunk, 0, k);
            readImage(image, size, at, buf);
            link.write(ByteBuffer.wrap(chunk, 0, k), timeout);
            at += k;
            left -= k;
        }
        return n;
    }

    /** Fills {@code buf} from the image at {@code at}; bytes beyond the end are 0xFF (bkerler's padding). */
    private static void readImage(SeekableByteChannel image, long size, long at, ByteBuffer buf) {
        try {
            if (Long.compareUnsigned(at, size) < 0) {
                image.position(at);
                while (buf.hasRemaining()) {
                    int r = image.read(buf);
                    if (r < 0) {
                        break;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        while (buf.hasRemaining()) {
            buf.put((byte) 0xFF);
        }
    }

    private void abortWithReset() {
        send(new SaharaReset());
        try {
            SaharaPacket r = readPacket();
            if (!(r instanceof ResetResponse)) {
                LOG.warn("{}: after RESET the loader sent {}", link.describe(), r);
            }
        } catch (TransferTimeout e) {
            LOG.warn("{}: no RESET_RESP after aborting the upload", link.describe());
        }
    }

    private static long size(SeekableByteChannel image) {
        try {
            return image.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ command mode

    /**
     * Answers HELLO with mode 3 and waits for CMD_READY.
     *
     * @throws SaharaRefused the loader answered END_OF_IMAGE_TRANSFER (command mode rejected, §2.5)
     */
    public void enterCommandMode() {
        SaharaPacket p = start(SaharaMode.COMMAND);
        if (p instanceof EndOfImageTransfer) {
            throw new SaharaRefused("command mode", ((EndOfImageTransfer) p).status());
        }
        if (!(p instanceof CommandReady)) {
            throw unexpected("HELLO_RESP (command mode)", p);
        }
    }

    /** EXECUTE → EXECUTE_RESP → EXECUTE_DATA → the raw result bytes (§2.5 step 3). */
    public byte[] execute(SaharaClientCommand command) {
        send(new Execute(command.id()));
        SaharaPacket p = readPacket();
        if (p instanceof EndOfImageTransfer) {
            throw new SaharaRefused("command " + command, ((EndOfImageTransfer) p).status());
        }
        if (!(p instanceof ExecuteResponse)) {
            throw unexpected("EXECUTE " + command, p);
        }
        ExecuteResponse r = (ExecuteResponse) p;
        if (r.clientCommand() != command.id()) {
            throw new ProtocolException("EXECUTE " + command + " answered for client command 0x" + Long.toHexString(r.clientCommand()));
        }
        if (r.dataLength() > MAX_EXECUTE_DATA) {
            throw new ProtocolException("EXECUTE " + command + " announces " + r.dataLength() + " bytes, more than "
                    + MAX_EXECUTE_DATA);
        }
        send(new ExecuteData(command.id()));
        return readRaw((int) r.dataLength());
    }

    /**
     * Client command 0x01: the chip serial number, u32 LE on Sahara v2 PBLs (bkerler/edl#229,
     * traces/sahara/010); v3 PBLs announce 8 bytes (qualcomm/qdlrs#13, traces/sahara/017), read as u64 LE
     * (an assumption: the capture's value was redacted; a u32 serial reads the same either way).
     */
    public long serialNumber() {
        byte[] b = execute(SaharaClientCommand.SERIAL_NUM_READ);
        if (b.length == 4) {
            return Bytes.le32(b, 0);
        }
        if (b.length == 8) {
            return Bytes.le64(b, 0);
        }
        throw new ProtocolException("serial number reply of " + b.length + " bytes, expected 4 (Sahara v2) or 8 (v3)");
    }

    /** Client command 0x02. */
    public MsmHwId msmHwId() {
        return MsmHwId.parse(execute(SaharaClientCommand.MSM_HW_ID_READ));
    }

    /** Client command 0x03, trimmed per {@link OemPkHash#trim}: the root-key hash. */
    public byte[] oemPkHash() {
        return OemPkHash.trim(execute(SaharaClientCommand.OEM_PK_HASH_READ));
    }

    /** Client command 0x0A (Sahara v3 loaders). */
    public ChipIdV3 chipIdV3() {
        return ChipIdV3.parse(execute(SaharaClientCommand.READ_CHIP_ID_V3));
    }

    /**
     * SWITCH_MODE: leaves command mode; the loader greets again with a new HELLO, which is read and
     * returned, so the device stays usable (qdl switches to mode 0, §2.5 step 4).
     */
    public SaharaHello switchMode(SaharaMode mode) {
        send(new SwitchMode(mode));
        hello = null;
        helloConsumed = false;
        return hello();
    }

    /** {@code switchMode(IMAGE_TX_PENDING)}, as qdl leaves command mode. */
    public SaharaHello leaveCommandMode() {
        return switchMode(SaharaMode.IMAGE_TX_PENDING);
    }

    // ------------------------------------------------------------------ memory debug, reset

    /**
     * Answers HELLO with mode 2, reads MEMORY_DEBUG(_64) and the region table it points at, and
     * returns the regions. Nothing is dumped.
     */
    public List<SaharaMemoryRegion> memoryRegions() {
        SaharaPacket p = start(SaharaMode.MEMORY_DEBUG);
        if (p instanceof EndOfImageTransfer) {
            throw new SaharaRefused("memory debug", ((EndOfImageTransfer) p).status());
        }
        boolean is64 = p instanceof MemoryDebug64;
        long address;
        long length;
        if (p instanceof MemoryDebug) {
            address = ((MemoryDebug) p).tableAddress();
            length = ((MemoryDebug) p).tableLength();
        } else if (is64) {
            address = ((MemoryDebug64) p).tableAddress();
            length = ((MemoryDebug64) p).tableLength();
        } else {
            throw unexpected("HELLO_RESP (memory debug)", p);
        }
        if (Long.compareUnsigned(length, SaharaMemoryRegion.MAX_TABLE) > 0) {
            throw new ProtocolException("memory table of 0x" + Long.toHexString(length) + " bytes exceeds 64 KiB (qdl's cap)");
        }
        send(is64 ? new MemoryRead64(address, length) : new MemoryRead(address, length));
        return SaharaMemoryRegion.parseTable(readRaw((int) length), is64);
    }

    /** RESET → RESET_RESP; the phone then reboots and leaves the bus (§2.7). */
    public void reset() {
        send(new SaharaReset());
        SaharaPacket p = readPacket();
        if (!(p instanceof ResetResponse)) {
            throw unexpected("RESET", p);
        }
    }

    // ------------------------------------------------------------------ wire

    /** Sends HELLO_RESP for {@code mode} (reading the HELLO first unless consumed) and returns the answer. */
    private SaharaPacket start(SaharaMode mode) {
        boolean unsolicited = helloConsumed && hello == null;
        if (!unsolicited) {
            hello();
        }
        send(SaharaHelloResponse.of(mode));
        hello = null; // the greeting is answered; a new one comes only after SWITCH_MODE
        helloConsumed = true;
        if (!unsolicited) {
            return readPacket();
        }
        try {
            return readPacket();
        } catch (TransferTimeout e) {
            throw new SaharaNotResponding("no HELLO, and no answer to an unsolicited HELLO_RESP within "
                    + timeout.toMillis() + " ms on " + link.describe() + ": the loader is in its Sahara error state");
        }
    }

    private void send(SaharaPacket p) {
        LOG.debug("{} → {}", link.describe(), p);
        link.write(ByteBuffer.wrap(SaharaCodec.encode(p)), timeout);
    }

    private SaharaPacket readPacket() {
        Deadline deadline = Deadline.after(AgentClock.system(), timeout); // transfer time is real time
        SaharaPacket p;
        if (link.keepsBoundaries() && pendingLength == 0) {
            byte[] transfer = readTransfer(deadline);
            p = decode(transfer);
        } else {
            while (true) {
                if (pendingLength >= SaharaCodec.HEADER) {
                    int len = packetLength();
                    if (pendingLength >= len) {
                        p = decode(take(len));
                        break;
                    }
                    fill(len, deadline);
                } else {
                    fill(SaharaCodec.HEADER, deadline);
                }
            }
        }
        LOG.debug("{} ← {}", link.describe(), p);
        return p;
    }

    private int packetLength() {
        try {
            return SaharaCodec.packetLength(pending, pendingLength);
        } catch (ProtocolException e) {
            throw desync(e, Arrays.copyOf(pending, pendingLength));
        }
    }

    private SaharaPacket decode(byte[] packet) {
        try {
            return SaharaCodec.decode(packet);
        } catch (ProtocolException e) {
            throw desync(e, packet);
        }
    }

    /** Names a running Firehose programmer when its XML arrives where Sahara was expected (§2.4 step 5, §7). */
    private static ProtocolException desync(ProtocolException e, byte[] bytes) {
        String text = new String(bytes, 0, Math.min(bytes.length, 64), StandardCharsets.ISO_8859_1);
        if (text.startsWith("<?xml") || text.startsWith("<")) {
            return new ProtocolException("XML instead of Sahara: a Firehose programmer is already running (" + text.strip() + ")", e);
        }
        return e;
    }

    /** One transfer on a packet link, skipping zero-length packets. */
    private byte[] readTransfer(Deadline deadline) {
        ByteBuffer buf = ByteBuffer.allocate(Math.max(4096, link.maxPacketSize()));
        while (true) {
            int n = link.read(buf, left(deadline, 0));
            if (n > 0) {
                return Arrays.copyOf(buf.array(), n);
            }
            buf.clear();
        }
    }

    /** Reads until {@code pending} holds at least {@code need} bytes, never more than asked on stream links. */
    private void fill(int need, Deadline deadline) {
        if (pending.length < need) {
            pending = Arrays.copyOf(pending, Math.max(need, pending.length * 2));
        }
        while (pendingLength < need) {
            ByteBuffer dst;
            if (link.keepsBoundaries()) {
                // A transfer must fit whole; keep what exceeds the request for the next read.
                int room = Math.max(need - pendingLength, Math.max(4096, link.maxPacketSize()));
                if (pending.length < pendingLength + room) {
                    pending = Arrays.copyOf(pending, pendingLength + room);
                }
                dst = ByteBuffer.wrap(pending, pendingLength, room);
            } else {
                dst = ByteBuffer.wrap(pending, pendingLength, need - pendingLength);
            }
            int n;
            try {
                n = link.read(dst, left(deadline, pendingLength));
            } catch (TransferTimeout e) {
                throw new TransferTimeout(TransferTimeout.Direction.IN, timeout, pendingLength);
            }
            pendingLength += n;
        }
    }

    private byte[] take(int n) {
        byte[] out = Arrays.copyOf(pending, n);
        System.arraycopy(pending, n, pending, 0, pendingLength - n);
        pendingLength -= n;
        return out;
    }

    /** {@code n} raw bytes (EXECUTE_DATA and MEMORY_READ answers), however the link splits them. */
    private byte[] readRaw(int n) {
        Deadline deadline = Deadline.after(AgentClock.system(), timeout); // transfer time is real time
        fill(n, deadline);
        return take(n);
    }

    private Duration left(Deadline deadline, int moved) {
        return deadline.remainingRealOrThrow(() -> new TransferTimeout(TransferTimeout.Direction.IN, timeout, moved));
    }

    private static ProtocolException unexpected(String after, SaharaPacket p) {
        return new ProtocolException("after " + after + " the loader sent " + p);
    }
}
