package dev.lumiaagent.sim;

import dev.lumiaagent.image.ede.EdeFormatException;
import dev.lumiaagent.image.ede.ElfHeader;
import dev.lumiaagent.image.ede.HashSegment;
import dev.lumiaagent.image.ede.ProgramHeader;
import dev.lumiaagent.protocol.sahara.SaharaClientCommand;
import dev.lumiaagent.protocol.sahara.SaharaCodec;
import dev.lumiaagent.protocol.sahara.SaharaMode;
import dev.lumiaagent.protocol.sahara.SaharaPacket;
import dev.lumiaagent.protocol.sahara.SaharaPacket.CommandReady;
import dev.lumiaagent.protocol.sahara.SaharaPacket.DoneResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.EndOfImageTransfer;
import dev.lumiaagent.protocol.sahara.SaharaPacket.Execute;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ExecuteData;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ExecuteResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ReadData;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ReadData64;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ResetResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ResetStateMachine;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaDone;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaHello;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaHelloResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaReset;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SwitchMode;
import dev.lumiaagent.protocol.sahara.SaharaStatus;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The simulated 9008 PBL: a strict Sahara peer (edl-protocol.md §2) that behaves as the captures in
 * {@code src/test/resources/traces/sahara} show. It greets once per power-on (not on every open of the
 * port: use {@link #ofThisPowerOn}), loads a programmer the way a PBL does and authenticates it by the
 * root certificate's SHA-256 against {@link SimPhone#rootKeyHash()} (the {@code EdeBuilder} convention).
 * After DONE / DONE_RESP the programmer firmware the constructor was given starts on the same
 * connection ({@link SimFirmware#opened}: a Firehose programmer speaks first) and gets every later message.
 *
 * <p>As captured:
 * <ul>
 *   <li>Image transfer: the ELF header (0x34 bytes with READ_DATA on a 32-bit PBL, traces/sahara/011, 012;
 *       0x40 with READ_DATA_64 on a 64-bit one, sahara/013, 015, 022), then the program headers at e_phoff,
 *       then the hash segment and each segment in pieces of at most 0x1000 bytes (sahara/011, 016, 019);
 *       offset 0 is never read twice: phdr[0] (ELF header + program headers) is hashed from the bytes
 *       already read. Success: END_OF_IMAGE_TRANSFER status 0 → DONE → DONE_RESP status 1 (sahara/022).</li>
 *   <li>Command mode: CMD_READY is 8 bytes (sahara/006, 007); MSM HW ID is 0x18 bytes, the HWID three
 *       times (sahara/003-005); the serial number is 4 bytes on v2 (sahara/010) and 8 on v3 (sahara/017);
 *       the OEM PK hash is the model's hash three times (0x90 = 3 × 48 on SM8150, sahara/006).</li>
 *   <li>Refusal of a client command it does not implement, and of non-Sahara bytes:
 *       END_OF_IMAGE_TRANSFER image 0x0d status 0x01, and no new HELLO (sahara/008, 021).</li>
 *   <li>An unasked HELLO_RESP when no HELLO is waiting: "Invalid Command" (sahara/009 note), sent as
 *       the same END_OF_IMAGE_TRANSFER 0x0d / 0x01 (the bytes of that reply were not captured: assumed).</li>
 * </ul>
 *
 * <p>Assumed, where no capture shows it (tests rely on these):
 * <ul>
 *   <li>Whether a PBL reads with READ_DATA or READ_DATA_64 is a property of the SoC, not of the Sahara
 *       version (HELLO v2 PBLs use READ_DATA_64 in sahara/013, 022); which Lumia PBL uses which is not
 *       captured, so the default is v2 → READ_DATA, v3 → READ_DATA_64.</li>
 *   <li>A 32-bit PBL refuses an ELF64 programmer (its 0x34 bytes are not a whole ELF64 header: 0x14);
 *       a 64-bit PBL takes an ELF32 programmer (program headers from e_phoff).</li>
 *   <li>Segments are read in program-header order; program headers are read in one request.</li>
 *   <li>Verdicts: not an ELF 0x14; bad program headers 0x0F; no hash segment 0x23; malformed hash segment or
 *       wrong entry count 0x26; root key mismatch 0x21; segment hash mismatch 0x22, after which the PBL is
 *       in its error state (only RESET is answered as usual). The RSA signature is not checked.</li>
 *   <li>After refusing a client command, an unasked HELLO_RESP or non-Sahara bytes, the PBL stays in the
 *       state it was in (sahara/008 shows two refusals in a row; sahara/021 shows no new HELLO).</li>
 *   <li>Command mode v3: 0x01 (8 bytes: the u32 serial zero-extended, the captured value was redacted),
 *       0x03 and chip id v3 0x0A; 0x02 is refused (§2.5, edl README).</li>
 *   <li>Memory-debug mode (HELLO_RESP mode 2) is refused with 0x1B: a 9008 PBL is not a crash dump.</li>
 *   <li>RESET: RESET_RESP, then the phone restarts toward the OS (and the HELLO_CONSUMED fault clears).</li>
 *   <li>During image data, a message that is exactly a Sahara RESET is taken as the host aborting.</li>
 * </ul>
 */
public final class SimEdlFirmware implements SimFirmware {
    public static final int IMAGE_ID = 13;
    /** The serial-number derivation: u32 from SHA-256("sahara-serial:" + IMEI), little-endian. */
    static final String SERIAL_SEED = "sahara-serial:";

    private enum State { GREETING, IMAGE, AWAIT_DONE, COMMAND, PROGRAMMER, FAILED, GONE }

    private enum Phase { ELF_HEADER, PROGRAM_HEADERS, HASH_SEGMENT, SEGMENT }

    /** The largest READ_DATA a real PBL asks after the program headers (traces/sahara/011-016, 019, 022). */
    static final int MAX_READ = 0x1000;

    private final SimPhoneControl control;
    private final Supplier<SimFirmware> programmerFactory;
    private final int version;
    private final boolean readData64;
    private boolean helloSent;
    private State state = State.GREETING;
    private Phase phase;
    private ByteArrayOutputStream incoming;
    /** The segment being read: its file offset and size; pieces of at most {@link #MAX_READ} are asked. */
    private long segmentOffset;
    private long segmentSize;
    private long pieceLength;
    private ByteArrayOutputStream segmentBytes;
    /** The file bytes from offset 0 known after the ELF header and program headers were read. */
    private byte[] headers;
    private ElfHeader elf;
    private List<ProgramHeader> phdrs;
    private HashSegment hashSegment;
    private int segment;
    private long executePending = -1;
    private SimFirmware programmer;

    /** A PBL whose programmer hand-off has no programmer simulated: later messages are violations. */
    public SimEdlFirmware(SimPhoneControl control) {
        this(control, () -> new StrictSilence(control.phone()));
    }

    public SimEdlFirmware(SimPhoneControl control, Supplier<SimFirmware> programmer) {
        this(control, programmer, 2);
    }

    /** {@code saharaVersion} 2 or 3; v2 reads with READ_DATA, v3 with READ_DATA_64 (assumed, see the class notes). */
    public SimEdlFirmware(SimPhoneControl control, Supplier<SimFirmware> programmer, int saharaVersion) {
        this(control, programmer, saharaVersion, saharaVersion >= 3);
    }

    /**
     * {@code readData64}: a 64-bit PBL (READ_DATA_64, a 0x40-byte first read), which HELLO v2 PBLs can be
     * (traces/sahara/013, 022).
     */
    public SimEdlFirmware(SimPhoneControl control, Supplier<SimFirmware> programmer, int saharaVersion, boolean readData64) {
        this.readData64 = readData64;
        this.control = Objects.requireNonNull(control, "control");
        this.programmerFactory = Objects.requireNonNull(programmer, "programmer");
        if (saharaVersion != 2 && saharaVersion != 3) {
            throw new IllegalArgumentException("simulated Sahara versions are 2 and 3, not " + saharaVersion);
        }
        this.version = saharaVersion;
    }

    /**
     * The PBL of the phone's current power-on, made by {@code make} the first time: what a bus opens in
     * 9008, so closing and reopening the port reaches the same PBL, which does not greet again.
     */
    public static SimFirmware ofThisPowerOn(SimPhoneControl control, Supplier<SimEdlFirmware> make) {
        return control.phone().pblOfThisPowerOn(make::get);
    }

    private SimPhone phone() {
        return control.phone();
    }

    /**
     * The PBL sends HELLO once per power-on (qdl:src/qud.c "the device only sends HELLO once", §2.1):
     * a host that closes and reopens the port reads nothing and must answer with an unasked HELLO_RESP
     * ({@code SaharaSession.assumeHelloConsumed}), exactly as when a driver ate the HELLO
     * ({@link SimFault#HELLO_CONSUMED}).
     */
    @Override
    public void opened(PhoneEndpoint out) {
        if (helloSent || phone().has(SimFault.HELLO_CONSUMED)) {
            return; // the one HELLO went to an earlier open or to someone else; the PBL waits on
        }
        helloSent = true;
        greet(out, SaharaMode.IMAGE_TX_PENDING);
    }

    /**
     * nak-next: the PBL's only refusal is an END_OF_IMAGE_TRANSFER status. Once the programmer runs, the
     * programmer refuses in its own protocol (a Firehose NAK): the PBL no longer speaks on the channel.
     */
    @Override
    public void refuse(byte[] message, PhoneEndpoint out) {
        if (state == State.PROGRAMMER) {
            programmer.refuse(message, out);
            return;
        }
        fail(out, SaharaStatus.of(0x01));
    }

    @Override
    public void onHostMessage(byte[] message, PhoneEndpoint out) {
        if (state == State.PROGRAMMER) {
            programmer.onHostMessage(message, out);
            return;
        }
        if (state == State.IMAGE && !isReset(message)) {
            imageData(message, out);
            return;
        }
        SaharaPacket p;
        try {
            p = SaharaCodec.decode(message);
        } catch (ProtocolException e) {
            // A real PBL answers non-Sahara input (edl-ng's Firehose probe) with END_OF_IMAGE_TRANSFER
            // 0x0d / 0x01 and does not greet again (traces/sahara/021, strongtz/edl-ng#11).
            phone().recordViolation("9008 PBL: host sent bytes that are not Sahara: " + e.getMessage());
            invalidCommand(out);
            return;
        }
        if (p.command().fromTarget()) {
            phone().recordViolation("9008 PBL: host sent a target-to-host packet " + p);
            invalidCommand(out); // assumed: answered as any other command invalid in this state
            return;
        }
        if (p instanceof SaharaReset) {
            send(out, new ResetResponse());
            state = State.GONE;
            phone().consume(SimFault.HELLO_CONSUMED);
            control.reboot(BootTarget.OS);
            return;
        }
        if (p instanceof ResetStateMachine) {
            greet(out, SaharaMode.IMAGE_TX_PENDING); // no reply of its own (edl sends it without waiting)
            return;
        }
        switch (state) {
            case GREETING:
                if (p instanceof SaharaHelloResponse) {
                    helloResponse((SaharaHelloResponse) p, out);
                    return;
                }
                break;
            case AWAIT_DONE:
                if (p instanceof SaharaDone) {
                    // The programmer is running before the host can read DONE_RESP and talk to it.
                    programmer = programmerFactory.get();
                    state = State.PROGRAMMER;
                    send(out, new DoneResponse(DoneResponse.COMPLETE)); // status 1 (traces/sahara/022)
                    // The programmer starts on this connection and speaks first (firehose/006, 012, 017, 018).
                    programmer.opened(out);
                    return;
                }
                break;
            case COMMAND:
                if (command(p, out)) {
                    return;
                }
                break;
            default:
                break;
        }
        // Unexpected here, e.g. an unasked HELLO_RESP when no HELLO waits ("Invalid Command",
        // traces/sahara/009 note, openpst/sahara#7): refused, and the PBL stays where it was.
        phone().recordViolation("9008 PBL in state " + state + ": unexpected " + p);
        invalidCommand(out);
    }

    /** END_OF_IMAGE_TRANSFER image 0x0d, status 0x01, whatever was refused (traces/sahara/008, 021). */
    private void invalidCommand(PhoneEndpoint out) {
        send(out, new EndOfImageTransfer(IMAGE_ID, SaharaStatus.of(0x01)));
    }

    private void greet(PhoneEndpoint out, SaharaMode mode) {
        state = State.GREETING;
        send(out, new SaharaHello(version, 1, 0x400, mode));
    }

    private void helloResponse(SaharaHelloResponse r, PhoneEndpoint out) {
        if (!r.status().isSuccess()) {
            phone().recordViolation("9008 PBL: HELLO_RESP with status " + r.status());
            fail(out, SaharaStatus.of(0x15));
            return;
        }
        switch (r.mode()) {
            case IMAGE_TX_PENDING:
                state = State.IMAGE;
                // The ELF header of the PBL's own width (0x34: sahara/011, 012; 0x40: sahara/002, 013, 022).
                request(out, Phase.ELF_HEADER, 0, readData64 ? ElfHeader.ELF64_SIZE : ElfHeader.ELF32_SIZE);
                return;
            case COMMAND:
                state = State.COMMAND;
                send(out, new CommandReady());
                return;
            case MEMORY_DEBUG:
                fail(out, SaharaStatus.of(0x1B));
                return;
            default:
                fail(out, SaharaStatus.of(0x18));
        }
    }

    // ------------------------------------------------------------------ image transfer

    private void request(PhoneEndpoint out, Phase next, long offset, long length) {
        phase = next;
        pieceLength = length;
        incoming = new ByteArrayOutputStream((int) Math.min(length, 1 << 20));
        send(out, readData64 ? new ReadData64(IMAGE_ID, offset, length) : new ReadData(IMAGE_ID, offset, length));
    }

    /** Starts reading a segment: the first piece of at most {@link #MAX_READ} bytes. */
    private void readSegment(PhoneEndpoint out, Phase next, long offset, long size) {
        segmentOffset = offset;
        segmentSize = size;
        segmentBytes = new ByteArrayOutputStream((int) Math.min(size, 1 << 20));
        request(out, next, offset, Math.min(size, MAX_READ));
    }

    private void imageData(byte[] data, PhoneEndpoint out) {
        if (incoming.size() + (long) data.length > pieceLength) {
            phone().recordViolation("9008 PBL: host sent " + (incoming.size() + data.length) + " bytes for a "
                    + pieceLength + "-byte READ_DATA");
            fail(out, SaharaStatus.of(0x0B));
            return;
        }
        incoming.write(data, 0, data.length);
        if (incoming.size() < pieceLength) {
            return;
        }
        byte[] got = incoming.toByteArray();
        try {
            switch (phase) {
                case ELF_HEADER:
                    elf = ElfHeader.parse(got);
                    headers = got;
                    request(out, Phase.PROGRAM_HEADERS, elf.phoff(), elf.programHeaderTableSize());
                    return;
                case PROGRAM_HEADERS: {
                    phdrs = programHeaders(got);
                    long end = elf.phoff() + got.length;
                    if (end <= Integer.MAX_VALUE && elf.phoff() <= headers.length) {
                        byte[] known = Arrays.copyOf(headers, (int) Math.max(end, headers.length));
                        System.arraycopy(got, 0, known, (int) elf.phoff(), got.length);
                        headers = known;
                    }
                    ProgramHeader hp = phdrs.stream().filter(ProgramHeader::isHashSegment).findFirst().orElse(null);
                    if (hp == null) {
                        fail(out, SaharaStatus.of(0x23));
                        return;
                    }
                    readSegment(out, Phase.HASH_SEGMENT, hp.offset(), hp.filesz());
                    return;
                }
                default:
                    break;
            }
        } catch (EdeFormatException e) {
            fail(out, SaharaStatus.of(phase == Phase.ELF_HEADER ? 0x14 : 0x0F));
            return;
        }
        segmentBytes.write(got, 0, got.length);
        long done = segmentBytes.size();
        if (done < segmentSize) {
            request(out, phase, segmentOffset + done, Math.min(segmentSize - done, MAX_READ));
            return;
        }
        byte[] whole = segmentBytes.toByteArray();
        if (phase == Phase.HASH_SEGMENT) {
            hashSegment = hashSegment(whole);
            if (hashSegment == null) {
                fail(out, SaharaStatus.of(0x26));
                return;
            }
            if (!Arrays.equals(hashSegment.rootKeyHash(), phone().rootKeyHash())) {
                fail(out, SaharaStatus.of(0x21));
                return;
            }
            segment = -1;
            nextSegment(out);
            return;
        }
        if (!Arrays.equals(sha256(whole), hashSegment.hash(segment))) {
            fail(out, SaharaStatus.of(0x22));
            return;
        }
        nextSegment(out);
    }

    private List<ProgramHeader> programHeaders(byte[] table) {
        return ProgramHeader.parseTable(table, elf);
    }

    private HashSegment hashSegment(byte[] seg) {
        try {
            HashSegment hs = HashSegment.parse(seg, 0);
            return hs.hashCount() == phdrs.size() ? hs : null;
        } catch (EdeFormatException e) {
            return null;
        }
    }

    /**
     * Requests the next segment with file bytes. A segment inside the bytes already read (phdr[0], the
     * ELF header and program headers, whose hash is entry 0) is checked from them: a real PBL never
     * reads offset 0 twice (traces/sahara/011, 012, 013, 022).
     */
    private void nextSegment(PhoneEndpoint out) {
        for (int i = segment + 1; i < phdrs.size(); i++) {
            ProgramHeader p = phdrs.get(i);
            if (p.isHashSegment() || p.filesz() <= 0) {
                continue;
            }
            segment = i;
            if (p.offset() + p.filesz() <= headers.length) {
                byte[] known = Arrays.copyOfRange(headers, (int) p.offset(), (int) (p.offset() + p.filesz()));
                if (!Arrays.equals(sha256(known), hashSegment.hash(i))) {
                    fail(out, SaharaStatus.of(0x22));
                    return;
                }
                continue;
            }
            readSegment(out, Phase.SEGMENT, p.offset(), p.filesz());
            return;
        }
        state = State.AWAIT_DONE;
        send(out, new EndOfImageTransfer(IMAGE_ID, SaharaStatus.SUCCESS));
    }

    private static boolean isReset(byte[] message) {
        return Arrays.equals(message, SaharaCodec.encode(new SaharaReset()));
    }

    // ------------------------------------------------------------------ command mode

    private boolean command(SaharaPacket p, PhoneEndpoint out) {
        if (p instanceof Execute) {
            long id = ((Execute) p).clientCommand();
            byte[] data = commandData(id);
            if (data == null) {
                // Not 0x1F: a real PBL answers END_OF_IMAGE_TRANSFER 0x0d / 0x01 for every client command it
                // does not implement (traces/sahara/008, openpst/sahara#6) and stays in command mode.
                executePending = -1;
                invalidCommand(out);
                return true;
            }
            executePending = id;
            send(out, new ExecuteResponse(id, data.length));
            return true;
        }
        if (p instanceof ExecuteData) {
            long id = ((ExecuteData) p).clientCommand();
            if (id != executePending) {
                phone().recordViolation("9008 PBL: EXECUTE_DATA for 0x" + Long.toHexString(id) + " without its EXECUTE");
                fail(out, SaharaStatus.of(0x20));
                return true;
            }
            executePending = -1;
            out.send(commandData(id));
            return true;
        }
        if (p instanceof SwitchMode) {
            // The PBL greets again in the mode asked for (bkerler trace, issue #342).
            greet(out, ((SwitchMode) p).mode());
            return true;
        }
        return false;
    }

    private byte[] commandData(long id) {
        SaharaClientCommand c = SaharaClientCommand.byId(id);
        if (c == null) {
            return null;
        }
        SimPhone phone = phone();
        switch (c) {
            case NOP:
                return new byte[0];
            case SERIAL_NUM_READ: {
                // 4 bytes on a v2 PBL (traces/sahara/010), 8 on v3 (sahara/017; value redacted there, so the
                // u32 serial zero-extended is assumed).
                byte[] b = new byte[version >= 3 ? 8 : 4];
                Bytes.putLe32(b, 0, serialNumber(phone));
                return b;
            }
            case MSM_HW_ID_READ: {
                if (version >= 3) {
                    return null; // Sahara v3 loaders no longer answer 0x02 (§2.5)
                }
                // data_length 0x18: the 8-byte HWID three times, little-endian (traces/sahara/003, 004, 005)
                byte[] b = new byte[24];
                for (int i = 0; i < 3; i++) {
                    Bytes.putLe64(b, 8 * i, msmHwId(phone));
                }
                return b;
            }
            case OEM_PK_HASH_READ: {
                // The hash three times: 0x90 = 3 × 48 on SM8150 (traces/sahara/006, 007); our models fuse a
                // SHA-256 (32 bytes), so 0x60 here, which the client trims to one copy (OemPkHash.trim).
                byte[] h = phone.rootKeyHash();
                byte[] b = new byte[h.length * 3];
                for (int i = 0; i < 3; i++) {
                    System.arraycopy(h, 0, b, i * h.length, h.length);
                }
                return b;
            }
            case GET_SOFTWARE_VERSION_SBL: {
                byte[] b = new byte[4];
                Bytes.putLe32(b, 0, 2);
                return b;
            }
            case READ_CHIP_ID_V3: {
                if (version < 3) {
                    return null;
                }
                long hw = msmHwId(phone);
                byte[] b = new byte[48];
                Bytes.putLe32(b, 36, hw >>> 32);
                b[40] = (byte) (hw >>> 16);
                b[41] = (byte) (hw >>> 24);
                b[42] = (byte) hw;
                b[43] = (byte) (hw >>> 8);
                return b;
            }
            default:
                return null;
        }
    }

    /** The serial this simulated phone's PBL reports: a u32 derived from the IMEI. */
    public static long serialNumber(SimPhone phone) {
        byte[] h = sha256((SERIAL_SEED + phone.imei()).getBytes(StandardCharsets.US_ASCII));
        return Bytes.le32(h, 0);
    }

    /** The model's MSM HW ID ({@code models.json} "msmHwId", hex). */
    public static long msmHwId(SimPhone phone) {
        String text = phone.model().msmHwId();
        if (text == null) {
            return 0;
        }
        return Long.parseUnsignedLong(text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text, 16);
    }

    // ------------------------------------------------------------------ wire

    private void fail(PhoneEndpoint out, SaharaStatus status) {
        state = State.FAILED;
        send(out, new EndOfImageTransfer(IMAGE_ID, status));
    }

    private void send(PhoneEndpoint out, SaharaPacket p) {
        SimLog.LOG.debug("9008 PBL → {}", p);
        out.send(SaharaCodec.encode(p));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
