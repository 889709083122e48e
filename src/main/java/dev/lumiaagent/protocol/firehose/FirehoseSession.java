package dev.lumiaagent.protocol.firehose;

import dev.lumiaagent.protocol.wire.ProtocolException;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.time.Deadline;
import dev.lumiaagent.time.Timeout;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.TransferTimeout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to a Firehose programmer over one {@link Link} (edl-protocol.md §3). Every wait is bounded by
 * {@link FirehoseTimeouts}. Device documents are cut from a push-back buffer, so on stream links a
 * document split across reads is reassembled and raw data that arrives in the same read as an ACK
 * is kept for the raw phase (§1.6, §3.1); on packet links zero-length reads are skipped (§1.7).
 * Logs before a response travel with it; after a response without a raw phase the session drains
 * trailing logs until {@link FirehoseTimeouts#drainPoll()} of silence (§3.1). NAKs are values
 * ({@link FirehoseResult.Nak}); transport faults throw {@link dev.lumiaagent.transport.TransportException};
 * desync throws {@link ProtocolException}. The session does not own the link. Not thread-safe.
 *
 * <p>Raw phases are never abandoned half way: a source that ends early is completed with zeros so
 * the programmer stays in step, and the call then fails (see {@link #program(FirehoseProgram, ReadableByteChannel)}).
 */
public final class FirehoseSession {
    private static final Logger LOG = LoggerFactory.getLogger(FirehoseSession.class);
    /** qdl and edl both start at 1 MiB host → device (§3.5). */
    public static final long DEFAULT_MAX_PAYLOAD = 1024 * 1024;
    /** edl's from-target default when the device names none (§3.5). */
    static final long DEFAULT_FROM_TARGET = 8192;
    private static final Pattern HEX_DIGEST = Pattern.compile("(?<![0-9A-Fa-f])(?:0x)?([0-9A-Fa-f]{64})(?![0-9A-Fa-f])");

    private final Link link;
    private final FirehoseTimeouts timeouts;
    private byte[] pending = new byte[FirehoseCodec.MAX_DOCUMENT * 2];
    private int pendingStart;
    private int pendingEnd;
    private ByteBuffer transfer;
    private final Deque<FirehoseDeviceMessage> decoded = new ArrayDeque<>();
    private FirehoseConfiguration configuration;
    private int sectorSize = 512;

    public FirehoseSession(Link link) {
        this(link, FirehoseTimeouts.standard());
    }

    public FirehoseSession(Link link, FirehoseTimeouts timeouts) {
        this.link = Objects.requireNonNull(link, "link");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.transfer = ByteBuffer.allocate(Math.max(FirehoseCodec.MAX_DOCUMENT, link.maxPacketSize()));
    }

    public Link link() {
        return link;
    }

    public FirehoseTimeouts timeouts() {
        return timeouts;
    }

    /** What the last successful configure agreed; empty before one. */
    public Optional<FirehoseConfiguration> configuration() {
        return Optional.ofNullable(configuration);
    }

    /** The sector size the convenience commands use: 512 (eMMC) until configure or probing says otherwise. */
    public int sectorSize() {
        return sectorSize;
    }

    public void sectorSize(int bytes) {
        if (bytes <= 0 || Integer.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("sector size must be a power of two: " + bytes);
        }
        this.sectorSize = bytes;
    }

    // ---------------------------------------------------------------- configure

    /**
     * {@code <configure>} with the negotiation of §3.3: a NAK naming a smaller
     * MaxPayloadSizeToTargetInBytes is answered with one more configure at that size; an ACK naming
     * a smaller size than asked is likewise re-sent once (qdl). The agreed sizes are kept
     * ({@link #configuration()}) and bound every later raw phase.
     */
    public FirehoseResult<FirehoseConfiguration> configure(String memoryName, long maxPayloadToTarget) {
        FirehoseConfigure first = FirehoseConfigure.of(memoryName, maxPayloadToTarget);
        FirehoseResponse r = exchange(first, timeouts.configure());
        int attempts = 1;
        long asked = maxPayloadToTarget;
        OptionalLong offered = r.numberAttribute("MaxPayloadSizeToTargetInBytes");
        if (offered.isPresent() && offered.getAsLong() > 0 && offered.getAsLong() < asked) {
            LOG.debug("{}: device offers {} bytes to target after {}", link.describe(), offered.getAsLong(), r);
            asked = offered.getAsLong();
            r = exchange(FirehoseConfigure.of(memoryName, asked), timeouts.configure());
            attempts++;
        }
        String command = first.toString();
        if (!r.ack()) {
            return new FirehoseResult.Nak<>(command, r);
        }
        long agreed = Math.min(asked, r.numberAttribute("MaxPayloadSizeToTargetInBytes").orElse(asked));
        long supported = r.numberAttribute("MaxPayloadSizeToTargetInBytesSupported").orElse(agreed);
        long fromTarget = r.numberAttribute("MaxPayloadSizeFromTargetInBytes").orElse(DEFAULT_FROM_TARGET);
        int maxXml = (int) Math.min(Integer.MAX_VALUE, r.numberAttribute("MaxXMLSizeInBytes").orElse(4096));
        if (agreed <= 0 || fromTarget <= 0 || maxXml <= 0 || fromTarget > Integer.MAX_VALUE / 2) {
            throw new ProtocolException("configure ACK with impossible sizes: " + r);
        }
        configuration = new FirehoseConfiguration(r.attribute("MemoryName").orElse(memoryName), agreed, supported, fromTarget,
                maxXml, r.attribute("TargetName").orElse(""), attempts);
        // Sector size defaults by storage type (edl: eMMC 512, UFS 4096, §3.5); probing may correct it.
        sectorSize = memoryName.toLowerCase(Locale.ROOT).contains("ufs") ? 4096 : 512;
        int need = (int) Math.max(FirehoseCodec.MAX_DOCUMENT, Math.max(fromTarget, link.maxPacketSize()));
        if (transfer.capacity() < need) {
            transfer = ByteBuffer.allocate(need);
        }
        LOG.debug("{}: configured {}", link.describe(), configuration);
        return new FirehoseResult.Ok<>(command, configuration, r);
    }

    // ---------------------------------------------------------------- program

    /** Programs {@code sectors} sectors of {@link #sectorSize()} at {@code startSector} from {@code source}. */
    public FirehoseResult<Long> program(long startSector, long sectors, int partition, ReadableByteChannel source) {
        return program(FirehoseProgram.of(sectorSize, startSector, sectors, partition), source);
    }

    public FirehoseResult<Long> program(long startSector, long sectors, int partition, InputStream source) {
        return program(startSector, sectors, partition, Channels.newChannel(source));
    }

    /**
     * {@code <program>}: on {@code rawmode="true"} streams exactly {@code numSectors × sectorSize}
     * bytes in pieces of the agreed payload size (whole sectors, whole packets), the last sector
     * padded with zeros, then reads the closing response (§3.5). The link terminates pieces with a
     * ZLP per its {@link dev.lumiaagent.transport.ZlpPolicy} (§1.7). Value: bytes sent.
     *
     * @throws IllegalArgumentException when the source holds less than all but the last sector:
     *     checked before sending for a {@link SeekableByteChannel}; for other sources found while
     *     streaming, after the raw phase was completed with zeros and the device answered
     * @throws UncheckedIOException when reading the source fails mid-phase (the programmer is left
     *     waiting for raw data: close the link and re-detect)
     */
    public FirehoseResult<Long> program(FirehoseProgram command, ReadableByteChannel source) {
        Objects.requireNonNull(source, "source");
        FirehoseConfiguration conf = requireConfigured();
        long total = command.byteCount();
        long atLeast = total - command.sectorSize() + 1;
        if (source instanceof SeekableByteChannel) {
            long available = available((SeekableByteChannel) source);
            if (available < atLeast) {
                throw new IllegalArgumentException(command + ": the source holds " + available + " bytes, at least " + atLeast
                        + " are needed");
            }
        }
        FirehoseResponse setup = exchange(command, timeouts.command());
        if (!setup.ack()) {
            return new FirehoseResult.Nak<>(command.toString(), setup);
        }
        if (!setup.rawMode()) {
            throw new ProtocolException(command + " was acknowledged without rawmode=\"true\": " + setup);
        }
        int piece = pieceSize(conf.maxPayloadToTarget(), command.sectorSize());
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(piece, total));
        long sent = 0;
        long fromSource = 0;
        boolean eof = false;
        while (sent < total) {
            int n = (int) Math.min(piece, total - sent);
            buf.clear().limit(n);
            if (!eof) {
                eof = fill(source, buf);
                fromSource += buf.position();
            }
            Arrays.fill(buf.array(), buf.position(), n, (byte) 0); // zero padding of the last sector (§3.5)
            buf.position(0).limit(n);
            link.write(buf, timeouts.rawWrite());
            sent += n;
        }
        FirehoseResponse done = finish(awaitResponse(timeouts.programFinal(), command + " final response"));
        if (fromSource < atLeast) {
            throw new IllegalArgumentException(command + ": the source ended after " + fromSource + " of " + total
                    + " bytes; the programmer was sent zeros for the rest and answered " + done);
        }
        LOG.debug("{}: {} → {}", link.describe(), command, done);
        return done.ack() ? new FirehoseResult.Ok<>(command.toString(), total, done) : new FirehoseResult.Nak<>(command.toString(), done);
    }

    private static long available(SeekableByteChannel c) {
        try {
            return c.size() - c.position();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads until {@code buf} is full or the source ends; true at the end. */
    private static boolean fill(ReadableByteChannel source, ByteBuffer buf) {
        try {
            int idle = 0;
            while (buf.hasRemaining()) {
                int n = source.read(buf);
                if (n < 0) {
                    return true;
                }
                if (n == 0 && ++idle > 1000) {
                    throw new IOException("the source returned no bytes 1000 times in a row (a non-blocking channel?)");
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The raw piece: the agreed payload rounded down to whole sectors and whole max-size packets
     * (qdl: a multiple of wMaxPacketSize, §1.6), so only the last piece can be short.
     */
    int pieceSize(long payload, int sector) {
        long unit = lcm(sector, Math.max(1, link.maxPacketSize()));
        long p;
        if (unit <= payload) {
            p = payload - payload % unit;
        } else if (sector <= payload) {
            p = payload - payload % sector;
        } else {
            throw new IllegalStateException("the agreed payload of " + payload + " bytes is smaller than one " + sector + "-byte sector");
        }
        return (int) Math.min(p, 64L * 1024 * 1024);
    }

    private static long lcm(long a, long b) {
        long x = a;
        long y = b;
        while (y != 0) {
            long t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }

    // ---------------------------------------------------------------- read

    public FirehoseResult<Long> read(long startSector, long sectors, int partition, WritableByteChannel sink) {
        return read(FirehoseRead.of(sectorSize, startSector, sectors, partition), sink);
    }

    public FirehoseResult<Long> read(long startSector, long sectors, int partition, OutputStream sink) {
        return read(startSector, sectors, partition, Channels.newChannel(sink));
    }

    /**
     * {@code <read>}: on {@code rawmode="true"} takes exactly {@code numSectors × sectorSize} bytes,
     * first any that came with the ACK, skipping zero-length reads (the IN ZLP at the XML → raw
     * boundary, qdl PR #270), then reads the closing response. Value: bytes written to {@code sink}.
     */
    public FirehoseResult<Long> read(FirehoseRead command, WritableByteChannel sink) {
        Objects.requireNonNull(sink, "sink");
        requireConfigured();
        FirehoseResponse setup = exchange(command, timeouts.command());
        if (!setup.ack()) {
            return new FirehoseResult.Nak<>(command.toString(), setup);
        }
        if (!setup.rawMode()) {
            throw new ProtocolException(command + " was acknowledged without rawmode=\"true\": " + setup);
        }
        if (!decoded.isEmpty()) {
            throw new ProtocolException(command + ": a document followed the raw-mode ACK where raw data belongs");
        }
        long total = command.byteCount();
        long got = 0;
        while (got < total) {
            if (pendingEnd == pendingStart) {
                readMore(timeouts.readChunk());
                continue;
            }
            int n = (int) Math.min(pendingEnd - pendingStart, total - got);
            write(sink, ByteBuffer.wrap(pending, pendingStart, n));
            pendingStart += n;
            got += n;
        }
        FirehoseResponse done = finish(awaitResponse(timeouts.command(), command + " final response"));
        LOG.debug("{}: {} → {}", link.describe(), command, done);
        return done.ack() ? new FirehoseResult.Ok<>(command.toString(), total, done) : new FirehoseResult.Nak<>(command.toString(), done);
    }

    private static void write(WritableByteChannel sink, ByteBuffer b) {
        try {
            while (b.hasRemaining()) {
                sink.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Finds the storage's sector size the way qdl does (§3.5): read sector 1 with 512, then 4096; a
     * NAK naming the disk's sector size moves that size to the front. The size found becomes
     * {@link #sectorSize()}; both refused → the last NAK.
     */
    public FirehoseResult<Integer> probeSectorSize(int partition) {
        requireConfigured();
        List<Integer> candidates = new ArrayList<>(List.of(512, 4096));
        FirehoseResult.Nak<Long> last = null;
        List<Integer> tried = new ArrayList<>();
        while (!candidates.isEmpty()) {
            int size = candidates.remove(0);
            tried.add(size);
            FirehoseResult<Long> r = read(FirehoseRead.of(size, 1, 1, partition), Channels.newChannel(OutputStream.nullOutputStream()));
            if (r.isOk()) {
                sectorSize = size;
                return new FirehoseResult.Ok<>("probe sector size of LUN " + partition, size, r.response());
            }
            last = (FirehoseResult.Nak<Long>) r;
            // The NAK may name the disk's size, also one we would not try (NAND: 2048, bkerler/edl#714).
            int hint = r.response().sectorSizeHint().orElse(0);
            if (hint > 0 && !tried.contains(hint)) {
                candidates.remove(Integer.valueOf(hint));
                candidates.add(0, hint);
            }
        }
        return new FirehoseResult.Nak<>("probe sector size of LUN " + partition, last.response());
    }

    // ---------------------------------------------------------------- small commands

    /** {@code <erase>} of {@code sectors} sectors of {@link #sectorSize()}; bounded by the erase timeout. */
    public FirehoseResponse erase(long startSector, long sectors, int partition) {
        return exchange(FirehoseErase.of(sectorSize, startSector, sectors, partition), timeouts.erase());
    }

    /** {@code <patch>}; expressions such as {@code NUM_DISK_SECTORS-1.} are resolved by the programmer. */
    public FirehoseResponse patch(FirehosePatch patch) {
        return exchange(patch, timeouts.patch());
    }

    public FirehoseResponse nop() {
        return exchange(new FirehoseNop(), timeouts.command());
    }

    /** Any command without a raw phase, bounded by {@code timeout}; its response with logs before and after. */
    public FirehoseResponse send(FirehoseCommand command, Duration timeout) {
        if (command instanceof FirehoseProgram || command instanceof FirehoseRead) {
            throw new IllegalArgumentException("program and read have raw phases: use program(...) / read(...)");
        }
        return exchange(command, timeout);
    }

    /**
     * {@code <getstorageinfo>}: parses what the programmer logs, either a JSON {@code storage_info}
     * object or {@code key: value} / {@code key=value} lines (§3.4).
     */
    public FirehoseResult<FirehoseStorageInfo> getStorageInfo(int partition) {
        FirehoseGetStorageInfo command = new FirehoseGetStorageInfo(partition);
        FirehoseResponse r = exchange(command, timeouts.digest());
        if (!r.ack()) {
            return new FirehoseResult.Nak<>(command.toString(), r);
        }
        String logs = r.logText();
        long total = number(logs, "total_blocks", "num_partition_sectors").orElseThrow(
                () -> new ProtocolException("getstorageinfo ACK without total_blocks in the logs: " + r));
        long block = number(logs, "block_size", "SECTOR_SIZE_IN_BYTES").orElseThrow(
                () -> new ProtocolException("getstorageinfo ACK without block_size in the logs: " + r));
        long physical = number(logs, "num_physical").orElse(1);
        String type = text(logs, "mem_type").orElse("");
        String product = text(logs, "prod_name").orElse("");
        if (block > 65536 || total <= 0 || block <= 0) {
            throw new ProtocolException("getstorageinfo sizes out of range: " + total + " × " + block);
        }
        return new FirehoseResult.Ok<>(command.toString(),
                new FirehoseStorageInfo(total, (int) block, (int) Math.min(255, physical), type, product), r);
    }

    private static OptionalLong number(String logs, String... keys) {
        for (String k : keys) {
            Matcher m = Pattern.compile("(?i)\"?\\b" + k + "\"?\\s*[:=]\\s*\"?(\\d{1,18})").matcher(logs);
            if (m.find()) {
                return OptionalLong.of(Long.parseLong(m.group(1)));
            }
        }
        return OptionalLong.empty();
    }

    private static Optional<String> text(String logs, String key) {
        Matcher m = Pattern.compile("(?i)\"?\\b" + key + "\"?\\s*[:=]\\s*\"?([^\",}\\n]*)").matcher(logs);
        return m.find() ? Optional.of(m.group(1).strip()) : Optional.empty();
    }

    /** {@code <getsha256digest>} over {@code sectors} sectors of {@link #sectorSize()} on LUN 0. */
    public FirehoseResult<FirehoseDigest> sha256(long startSector, long sectors) {
        return sha256(startSector, sectors, 0);
    }

    /**
     * The digest comes from an attribute named Digest / SHA256 / sha256, or else from the first
     * 64-hex-digit run in the logs (qdl's parser looks in both places, §3.4).
     */
    public FirehoseResult<FirehoseDigest> sha256(long startSector, long sectors, int partition) {
        FirehoseGetSha256Digest command = FirehoseGetSha256Digest.of(sectorSize, startSector, sectors, partition);
        FirehoseResponse r = exchange(command, timeouts.digest());
        if (!r.ack()) {
            return new FirehoseResult.Nak<>(command.toString(), r);
        }
        Optional<String> attr = r.attribute("Digest").or(() -> r.attribute("SHA256")).or(() -> r.attribute("sha256"));
        String source = attr.orElse(r.logText());
        Matcher m = HEX_DIGEST.matcher(source);
        if (!m.find()) {
            throw new ProtocolException(command + " was acknowledged without a digest: " + r);
        }
        return new FirehoseResult.Ok<>(command.toString(), new FirehoseDigest(m.group(1)), r);
    }

    /** {@code <power value="reset"/>}, waiting up to {@link FirehoseTimeouts#reset()} for the phone to leave. */
    public FirehoseResult<FirehoseReset> powerReset() {
        return powerReset(timeouts.reset());
    }

    /**
     * {@code <power value="reset"/>}: ACK, maybe logs, then the device leaves the bus (§3.4, §5). A
     * {@link DeviceGone} after the ACK — or instead of it, the phone being quicker than the read —
     * is the success it looks like; {@link FirehoseReset#deviceLeft()} says whether it was seen
     * within {@code leaveWithin}. A NAK is a value.
     */
    public FirehoseResult<FirehoseReset> powerReset(Duration leaveWithin) {
        FirehosePower command = FirehosePower.reset();
        writeDocument(command);
        FirehoseResponse r;
        try {
            r = awaitResponse(timeouts.reset(), command + " response");
        } catch (DeviceGone gone) {
            LOG.debug("{}: device left before its reset ACK was read: {}", link.describe(), gone.getMessage());
            return new FirehoseResult.Ok<>(command.toString(), new FirehoseReset(false, true, List.of()),
                    FirehoseResponse.ack(java.util.Map.of()));
        }
        if (!r.ack()) {
            return new FirehoseResult.Nak<>(command.toString(), finish(r));
        }
        List<FirehoseLog> after = new ArrayList<>();
        Deadline deadline = Deadline.after(AgentClock.system(), leaveWithin); // transfer time is real time
        boolean left = false;
        while (!deadline.expired()) {
            try {
                FirehoseDeviceMessage m = nextMessage(deadline, leaveWithin, "logs after reset");
                if (m instanceof FirehoseResponse) {
                    throw new ProtocolException("a second response after the reset ACK: " + m);
                }
                after.add((FirehoseLog) m);
            } catch (TransferTimeout silence) {
                break;
            } catch (DeviceGone gone) {
                left = true;
                break;
            }
        }
        FirehoseResponse full = r.withLogs(r.logsBefore(), after);
        return new FirehoseResult.Ok<>(command.toString(), new FirehoseReset(true, left, after), full);
    }

    // ---------------------------------------------------------------- documents

    private FirehoseConfiguration requireConfigured() {
        if (configuration == null) {
            throw new IllegalStateException("send configure first: raw phases are sized by what it agrees (§3.3)");
        }
        return configuration;
    }

    private FirehoseResponse exchange(FirehoseCommand command, Duration timeout) {
        writeDocument(command);
        FirehoseResponse r = awaitResponse(timeout, command + " response");
        return r.rawMode() && r.ack() ? r : finish(r);
    }

    private void writeDocument(FirehoseCommand command) {
        if (!decoded.isEmpty()) {
            throw new ProtocolException("an unread device message is pending before " + command + ": " + decoded.peek());
        }
        byte[] doc = FirehoseCodec.encode(command);
        if (configuration != null && doc.length > configuration.maxXmlSize()) {
            throw new IllegalArgumentException(command + " is " + doc.length + " bytes, over MaxXMLSizeInBytes "
                    + configuration.maxXmlSize());
        }
        LOG.debug("{}: → {}", link.describe(), command);
        link.write(ByteBuffer.wrap(doc), timeouts.command());
    }

    /** Reads logs until a response; the response comes back carrying them. */
    private FirehoseResponse awaitResponse(Duration timeout, String what) {
        Deadline deadline = Deadline.after(AgentClock.system(), timeout);
        List<FirehoseLog> logs = new ArrayList<>();
        while (true) {
            deadline.throwIfExpired(() -> new TransferTimeout(TransferTimeout.Direction.IN, timeout, 0));
            FirehoseDeviceMessage m = nextMessage(deadline, timeout, what);
            if (m instanceof FirehoseLog) {
                LOG.debug("{}: ← {}", link.describe(), m);
                logs.add((FirehoseLog) m);
            } else {
                FirehoseResponse r = ((FirehoseResponse) m).withLogs(logs, List.of());
                LOG.debug("{}: ← {}", link.describe(), r);
                return r;
            }
        }
    }

    /** Drains trailing logs (§3.1: they may follow the response) until a poll stays silent. */
    private FirehoseResponse finish(FirehoseResponse r) {
        List<FirehoseLog> after = new ArrayList<>();
        Deadline window = Deadline.after(AgentClock.system(), timeouts.drainWindow());
        Timeout poll = Timeout.of(timeouts.drainPoll());
        while (!window.expired()) {
            FirehoseDeviceMessage m;
            try {
                m = nextMessage(window.shorter(poll), "trailing logs");
            } catch (TransferTimeout silence) {
                break;
            }
            if (m instanceof FirehoseResponse) {
                throw new ProtocolException("a second response without a command: " + m + " after " + r);
            }
            after.add((FirehoseLog) m);
        }
        return after.isEmpty() ? r : r.withLogs(r.logsBefore(), after);
    }

    private FirehoseDeviceMessage nextMessage(Duration timeout, String what) {
        return nextMessage(Deadline.after(AgentClock.system(), timeout), timeout, what);
    }

    /** The next document by {@code deadline}; {@code timeout} is the budget a {@link TransferTimeout} names. */
    private FirehoseDeviceMessage nextMessage(Deadline deadline, Duration timeout, String what) {
        while (decoded.isEmpty()) {
            int end = FirehoseCodec.documentEnd(pending, pendingStart, pendingEnd - pendingStart);
            if (end >= 0) {
                decoded.addAll(FirehoseCodec.decodeDeviceDocument(pending, pendingStart, end - pendingStart));
                pendingStart = end;
                continue;
            }
            int moved = pendingEnd - pendingStart;
            readMore(deadline.remainingRealOrThrow(() -> new TransferTimeout(TransferTimeout.Direction.IN, timeout, moved)));
        }
        return decoded.poll();
    }

    /** One link read appended to the push-back buffer; a zero-length read (ZLP) adds nothing. */
    private void readMore(Duration timeout) {
        transfer.clear();
        int n = link.read(transfer, timeout);
        if (n <= 0) {
            return;
        }
        if (pendingStart == pendingEnd) {
            pendingStart = 0;
            pendingEnd = 0;
        }
        if (pending.length - pendingEnd < n) {
            int live = pendingEnd - pendingStart;
            if (pending.length - live < n) {
                pending = Arrays.copyOf(pending, Math.max(pending.length * 2, live + n));
            }
            System.arraycopy(pending, pendingStart, pending, 0, live);
            pendingStart = 0;
            pendingEnd = live;
        }
        System.arraycopy(transfer.array(), 0, pending, pendingEnd, n);
        pendingEnd += n;
    }

    @Override
    public String toString() {
        return "Firehose over " + link.describe() + (configuration == null ? " (not configured)" : ", " + configuration)
                + ", " + sectorSize + "-byte sectors";
    }
}
