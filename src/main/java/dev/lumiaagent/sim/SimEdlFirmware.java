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
 * The simulated 9008 PBL: a strict Sahara peer (edl-protocol.md §2). It greets once when the channel
 * opens (unless {@link SimFault#HELLO_CONSUMED}), loads a programmer the way a PBL does — ELF header,
 * program headers, hash segment, then each segment with file bytes, checked against the hash table —
 * and authenticates it by the root certificate's SHA-256 against {@link SimPhone#rootKeyHash()}
 * (the {@code EdeBuilder} convention). After DONE / DONE_RESP every later message goes to the
 * programmer firmware the constructor was given.
 *
 * <p>Choices where the reference is silent, so tests can rely on them:
 * <ul>
 *   <li>Sahara version 2 (the §2.8 HELLO) requests with READ_DATA; version 3 with READ_DATA_64 (the first
 *       integer version at or above 2.8, where READ_DATA_64 appears). Image id 13 (qdl's programmer id).</li>
 *   <li>Verdicts: not an ELF 0x14; bad program headers 0x0F; no hash segment 0x23; malformed hash segment or
 *       wrong entry count 0x26; root key mismatch 0x21; segment hash mismatch 0x22. The RSA signature is
 *       not checked (no OEM key in the simulator).</li>
 *   <li>Command mode (version 2): serial 0x01, MSM HW ID 0x02, OEM PK hash 0x03 (the hash three times, one
 *       copy per root-certificate slot), SBL version 0x07; version 3: 0x01, 0x03 and chip id v3 0x0A, and
 *       0x02 is refused (§2.5). Unsupported commands end with END_OF_IMAGE_TRANSFER 0x1F.</li>
 *   <li>Memory-debug mode (HELLO_RESP mode 2) is refused with 0x1B: a 9008 PBL is not a crash dump.</li>
 *   <li>RESET: RESET_RESP, then the phone restarts toward the OS (and the HELLO_CONSUMED fault clears).</li>
 *   <li>During image data, a message that is exactly a Sahara RESET is taken as the host aborting.</li>
 *   <li>State lives with the open channel: reopening greets again.</li>
 * </ul>
 */
public final class SimEdlFirmware implements SimFirmware {
    public static final int IMAGE_ID = 13;
    /** The serial-number derivation: u32 from SHA-256("sahara-serial:" + IMEI), little-endian. */
    static final String SERIAL_SEED = "sahara-serial:";

    private enum State { GREETING, IMAGE, AWAIT_DONE, COMMAND, PROGRAMMER, FAILED, GONE }

    private enum Phase { ELF_HEADER, PROGRAM_HEADERS, HASH_SEGMENT, SEGMENT }

    private final SimPhoneControl control;
    private final Supplier<SimFirmware> programmerFactory;
    private final int version;
    private State state = State.GREETING;
    private Phase phase;
    private ByteArrayOutputStream incoming;
    private long expected;
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

    /** {@code saharaVersion} 2 or 3 (see the class notes). */
    public SimEdlFirmware(SimPhoneControl control, Supplier<SimFirmware> programmer, int saharaVersion) {
        this.control = Objects.requireNonNull(control, "control");
        this.programmerFactory = Objects.requireNonNull(programmer, "programmer");
        if (saharaVersion != 2 && saharaVersion != 3) {
            throw new IllegalArgumentException("simulated Sahara versions are 2 and 3, not " + saharaVersion);
        }
        this.version = saharaVersion;
    }

    private SimPhone phone() {
        return control.phone();
    }

    @Override
    public void opened(PhoneEndpoint out) {
        if (phone().has(SimFault.HELLO_CONSUMED)) {
            return; // the one HELLO went to someone else; the PBL still waits for HELLO_RESP
        }
        greet(out, SaharaMode.IMAGE_TX_PENDING);
    }

    /** nak-next: the PBL's only refusal is an END_OF_IMAGE_TRANSFER status. */
    @Override
    public void refuse(byte[] message, PhoneEndpoint out) {
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
            phone().recordViolation("9008 PBL: host sent bytes that are not Sahara: " + e.getMessage());
            return;
        }
        if (p.command().fromTarget()) {
            phone().recordViolation("9008 PBL: host sent a target-to-host packet " + p);
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
                    send(out, new DoneResponse(DoneResponse.COMPLETE));
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
        phone().recordViolation("9008 PBL in state " + state + ": unexpected " + p);
        fail(out, SaharaStatus.of(0x01));
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
                request(out, Phase.ELF_HEADER, 0, ElfHeader.ELF64_SIZE);
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
        expected = length;
        incoming = new ByteArrayOutputStream((int) Math.min(length, 1 << 20));
        send(out, version >= 3 ? new ReadData64(IMAGE_ID, offset, length) : new ReadData(IMAGE_ID, offset, length));
    }

    private void imageData(byte[] data, PhoneEndpoint out) {
        if (incoming.size() + (long) data.length > expected) {
            phone().recordViolation("9008 PBL: host sent " + (incoming.size() + data.length) + " bytes for a "
                    + expected + "-byte READ_DATA");
            fail(out, SaharaStatus.of(0x0B));
            return;
        }
        incoming.write(data, 0, data.length);
        if (incoming.size() < expected) {
            return;
        }
        byte[] got = incoming.toByteArray();
        try {
            switch (phase) {
                case ELF_HEADER:
                    elf = ElfHeader.parse(got);
                    request(out, Phase.PROGRAM_HEADERS, elf.phoff(), elf.programHeaderTableSize());
                    return;
                case PROGRAM_HEADERS:
                    phdrs = programHeaders(got);
                    ProgramHeader hp = phdrs.stream().filter(ProgramHeader::isHashSegment).findFirst().orElse(null);
                    if (hp == null) {
                        fail(out, SaharaStatus.of(0x23));
                        return;
                    }
                    request(out, Phase.HASH_SEGMENT, hp.offset(), hp.filesz());
                    return;
                case HASH_SEGMENT:
                    hashSegment = hashSegment(got);
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
                case SEGMENT:
                    if (!Arrays.equals(sha256(got), hashSegment.hash(segment))) {
                        fail(out, SaharaStatus.of(0x22));
                        return;
                    }
                    nextSegment(out);
                    return;
                default:
                    throw new IllegalStateException("phase " + phase);
            }
        } catch (EdeFormatException e) {
            fail(out, SaharaStatus.of(phase == Phase.ELF_HEADER ? 0x14 : 0x0F));
        }
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

    /** Requests the next segment with file bytes (the header segment included, as its hash is entry 0). */
    private void nextSegment(PhoneEndpoint out) {
        for (int i = segment + 1; i < phdrs.size(); i++) {
            ProgramHeader p = phdrs.get(i);
            if (!p.isHashSegment() && p.filesz() > 0) {
                segment = i;
                request(out, Phase.SEGMENT, p.offset(), p.filesz());
                return;
            }
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
                executePending = -1;
                fail(out, SaharaStatus.of(0x1F));
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
                byte[] b = new byte[4];
                Bytes.putLe32(b, 0, serialNumber(phone));
                return b;
            }
            case MSM_HW_ID_READ: {
                if (version >= 3) {
                    return null; // Sahara v3 loaders no longer answer 0x02 (§2.5)
                }
                byte[] b = new byte[8];
                Bytes.putLe64(b, 0, msmHwId(phone));
                return b;
            }
            case OEM_PK_HASH_READ: {
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
