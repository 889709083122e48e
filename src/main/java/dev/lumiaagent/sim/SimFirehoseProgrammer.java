package dev.lumiaagent.sim;

import dev.lumiaagent.image.ffu.SparseDisk;
import dev.lumiaagent.protocol.firehose.FirehoseCodec;
import dev.lumiaagent.protocol.firehose.FirehoseCommand;
import dev.lumiaagent.protocol.firehose.FirehoseConfigure;
import dev.lumiaagent.protocol.firehose.FirehoseErase;
import dev.lumiaagent.protocol.firehose.FirehoseExpression;
import dev.lumiaagent.protocol.firehose.FirehoseGetSha256Digest;
import dev.lumiaagent.protocol.firehose.FirehoseGetStorageInfo;
import dev.lumiaagent.protocol.firehose.FirehoseLog;
import dev.lumiaagent.protocol.firehose.FirehoseNop;
import dev.lumiaagent.protocol.firehose.FirehosePatch;
import dev.lumiaagent.protocol.firehose.FirehosePower;
import dev.lumiaagent.protocol.firehose.FirehoseProgram;
import dev.lumiaagent.protocol.firehose.FirehoseRead;
import dev.lumiaagent.protocol.firehose.FirehoseResponse;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * A simulated Firehose programmer over the phone's eMMC (edl-protocol.md §3, §6). Like qdl's
 * simulator it has three states — XML, RAW_IN (taking program data), RAW_OUT (sending read data) —
 * and answers each host document with logs and one ACK/NAK; unlike it, it keeps real storage
 * ({@link SimPhone#disk()}) and refuses what a real programmer refuses.
 *
 * <p>It starts in XML state on the connection the Sahara stage hands it after DONE and speaks first:
 * its start-up logs go out unprompted, before the host's first command (traces/firehose/006, 012, 017,
 * 018), each its own document in the real framing
 * {@code <?xml version="1.0" encoding="UTF-8" ?>\n<data>\n<log value="…" /></data>} (firehose/006, 007).
 *
 * <p>As captured: the configure ACK carries MemoryName, MinVersionSupported, Version,
 * MaxPayloadSizeToTargetInBytes, MaxPayloadSizeToTargetInBytesSupported, MaxXMLSizeInBytes and DateTime,
 * and no MaxPayloadSizeFromTargetInBytes or TargetName (firehose/001, 006, 018: no capture shows a device
 * sending either, so neither spelling is sent); a too-large MaxPayloadSizeToTargetInBytes gets the log
 * "Host's payload to target size is too large" and a NAK naming the programmer's maximum (firehose/002,
 * 003, 011; linux-msm/qdl#20); {@code power reset} is ACKed with rawmode="false" and followed by two more
 * logs before the phone leaves (firehose/015).
 *
 * <p>Choices where the reference is silent, so tests can rely on them:
 * <ul>
 *   <li>configure: MemoryName must be eMMC; up to {@link #MAX_PAYLOAD_TO_TARGET} is ACKed; the NAK of a
 *       larger request carries the ACK's attributes (which ones real NAKs carry is not captured);
 *       program/read/erase/patch/digest before configure are NAKed.</li>
 *   <li>Start-up logs use the one-log-per-function form of firehose/017, 018 with this programmer's
 *       functions; the DateTime value's format is firehose/001's.</li>
 *   <li>Sector commands must use the storage's sector size (512; 4096 with {@link SimFault#WRONG_SECTOR_SIZE}),
 *       LUN 0 and a range inside the disk; otherwise NAK with a log naming the problem, in edl's words for the sector size.</li>
 *   <li>Read data goes out in transfers of {@link #MAX_PAYLOAD_FROM_TARGET}; on packet links a zero-length
 *       transfer follows the raw-mode ACK (the ZLP WinUSB surfaces, qdl PR #270); on stream links the ACK and the
 *       first data go out together, as a tty merges them (§1.6).</li>
 *   <li>A raw piece larger than the agreed payload, or more bytes than the program announced, are
 *       violations; zero-length host messages (OUT ZLPs) are ignored in every state.</li>
 *   <li>Bytes in XML state that are not a document are a violation and get no answer; a document
 *       that parses but is not a valid command is a violation answered with a NAK, so the host does not hang.</li>
 *   <li>{@code <power value="reset">} ACKs, logs, and reboots the phone toward the OS; {@code off} powers it
 *       off; {@code edl} re-enters EDL. {@code DelayInSeconds} is ignored: the phone leaves after the bus's
 *       usual drop time. Unknown commands are a violation answered with a NAK.</li>
 * </ul>
 */
public final class SimFirehoseProgrammer implements SimFirmware {
    public static final long MAX_PAYLOAD_TO_TARGET = 1024 * 1024;
    public static final long MAX_PAYLOAD_FROM_TARGET = 64 * 1024;
    public static final int MAX_XML_SIZE = 4096;
    /** {@link SimFault#SLOW_STORAGE}: beyond qdl's 30 s erase bound, inside its 120 s program bound (§3.7). */
    public static final Duration SLOW_STORAGE_DELAY = Duration.ofSeconds(60);
    static final String VIP_LOG = "ERROR: Failed to authenticate Digital Signature.";

    enum State { XML, RAW_IN, RAW_OUT }

    private final SimPhoneControl control;
    private State state = State.XML;
    private boolean greeted;
    private long agreedPayload;
    private long rawOffset;
    private long rawRemaining;

    public SimFirehoseProgrammer(SimPhoneControl control) {
        this.control = Objects.requireNonNull(control, "control");
    }

    State state() {
        return state;
    }

    /** The running program's first byte on the disk and its length, for {@link SimFault#BAD_EMMC_BLOCK}. */
    private long programStart;
    private long programBytes;

    /**
     * How many bytes the next raw program piece may hold: 0 unless the programmer is in RAW_IN
     * (between a {@code program} ACK with {@code rawmode="true"} and the last announced byte), else
     * the smaller of the bytes still announced and the agreed payload size. For hosts of this
     * firmware that receive a byte stream (the pty bridge, {@link SimTtyBridge}) and must re-frame it
     * into the whole messages {@link #onHostMessage} takes; read on the thread that calls it.
     */
    long rawBytesExpected() {
        return state == State.RAW_IN ? Math.min(rawRemaining, agreedPayload) : 0;
    }

    private int sectorSize() {
        return control.phone().has(SimFault.WRONG_SECTOR_SIZE) ? 4096 : 512;
    }

    private long totalSectors() {
        return control.phone().disk().sizeBytes() / sectorSize();
    }

    /** nak-next: the next command is NAKed; raw data is not a command, so the fault waits for one. */
    @Override
    public void refuse(byte[] message, PhoneEndpoint out) {
        if (state != State.XML || message.length == 0) {
            control.phone().inject(SimFault.NAK_NEXT);
            onHostMessage(message, out);
            return;
        }
        greet(out);
        log(out, "ERROR: Failed to process the command (simulated nak-next)");
        nak(out);
    }

    /** The PBL started this programmer on the host's connection: it speaks first (firehose/006, 012, 017, 018). */
    @Override
    public void opened(PhoneEndpoint out) {
        greet(out);
    }

    @Override
    public void onHostMessage(byte[] message, PhoneEndpoint out) {
        if (message.length == 0) {
            return; // an OUT ZLP ends a transfer; it carries nothing
        }
        SimPhone phone = control.phone();
        if (state == State.RAW_IN) {
            rawIn(message, out);
            return;
        }
        if (state == State.RAW_OUT) {
            phone.recordViolation("Firehose: host wrote " + message.length + " bytes while the programmer was sending read data");
            return;
        }
        int first = 0;
        while (first < message.length && Character.isWhitespace(message[first])) {
            first++;
        }
        if (first == message.length || message[first] != '<') {
            phone.recordViolation("Firehose: " + message.length + " bytes that are not an XML document arrived in XML state: "
                    + shown(message));
            return;
        }
        FirehoseCommand command;
        try {
            command = FirehoseCodec.decodeCommand(message);
        } catch (ProtocolException e) {
            phone.recordViolation("Firehose: malformed host document (" + e.getMessage() + "): " + shown(message));
            greet(out);
            log(out, "ERROR: XML parse failed");
            nak(out);
            return;
        }
        if (message.length > MAX_XML_SIZE) {
            phone.recordViolation("Firehose: a " + message.length + "-byte document exceeds MaxXMLSizeInBytes " + MAX_XML_SIZE);
        }
        SimLog.LOG.debug("{} Firehose ← {}", phone, command);
        greet(out);
        handle(command, out);
    }

    /** The functions this programmer announces (and handles). */
    static final java.util.List<String> FUNCTIONS = java.util.List.of("program", "read", "nop", "patch", "configure",
            "setbootablestoragedrive", "erase", "power", "getstorageinfo", "getsha256digest");
    static final String BUILD_DATE = "Jan  1 2015 @ 00:00:00";

    /**
     * Start-up logs of a real programmer, once: unprompted after the PBL starts it ({@link #opened}), or
     * before the first answer if it was started some other way. The build date twice, the second copy
     * with a trailing space, the chip serial, then one log per supported function between "Supported
     * Functions (N):" and "End of supported functions N" (traces/firehose/017, 018).
     */
    private void greet(PhoneEndpoint out) {
        if (greeted) {
            return;
        }
        greeted = true;
        SimPhone phone = control.phone();
        long serial = java.nio.ByteBuffer.wrap(phone.publicId()).getInt() & 0xFFFFFFFFL;
        log(out, "INFO: Binary build date: " + BUILD_DATE);
        log(out, "INFO: Binary build date: " + BUILD_DATE + " ");
        log(out, "INFO: Chip serial num: " + serial + " (0x" + Long.toHexString(serial) + ")");
        log(out, "INFO: Supported Functions (" + FUNCTIONS.size() + "):");
        for (String f : FUNCTIONS) {
            log(out, "INFO: " + f);
        }
        log(out, "INFO: End of supported functions " + FUNCTIONS.size());
    }

    private void handle(FirehoseCommand c, PhoneEndpoint out) {
        log(out, "INFO: Calling handler for " + c.element());
        if (c instanceof FirehoseConfigure) {
            configure((FirehoseConfigure) c, out);
        } else if (c instanceof FirehoseNop) {
            log(out, "INFO: Binary build date: Jan  1 2015 @ 00:00:00");
            ack(out, Map.of());
        } else if (c instanceof FirehosePower) {
            power((FirehosePower) c, out);
        } else if (c instanceof FirehoseGetStorageInfo) {
            storageInfo((FirehoseGetStorageInfo) c, out);
        } else if (agreedPayload == 0) {
            log(out, "ERROR: Please send configure first");
            nak(out);
        } else if (c instanceof FirehoseProgram) {
            program((FirehoseProgram) c, out);
        } else if (c instanceof FirehoseRead) {
            read((FirehoseRead) c, out);
        } else if (c instanceof FirehoseErase) {
            erase((FirehoseErase) c, out);
        } else if (c instanceof FirehosePatch) {
            patch((FirehosePatch) c, out);
        } else if (c instanceof FirehoseGetSha256Digest) {
            digest((FirehoseGetSha256Digest) c, out);
        } else {
            control.phone().recordViolation("Firehose: unsupported command <" + c.element() + ">");
            log(out, "ERROR: Unrecognized command " + c.element());
            nak(out);
        }
    }

    /** The configure answer's DateTime, in firehose/001's format ("Jun 18 2025 - 11:14:59"). */
    static final String DATE_TIME = "Jan 01 2015 - 00:00:00";
    /** The log a real programmer sends before NAKing a too-large payload (firehose/002, 003, 011). */
    static final String PAYLOAD_TOO_LARGE = "Host's payload to target size is too large";

    private void configure(FirehoseConfigure c, PhoneEndpoint out) {
        if (!c.memoryName().equalsIgnoreCase("emmc")) {
            log(out, "ERROR: Not support configure MemoryName " + c.memoryName());
            nak(out);
            return;
        }
        boolean tooLarge = c.maxPayloadSizeToTargetInBytes() > MAX_PAYLOAD_TO_TARGET;
        if (!tooLarge) {
            agreedPayload = c.maxPayloadSizeToTargetInBytes();
        }
        // The attribute set and order of real ACKs (firehose/001, 006): no MaxPayloadSizeFromTargetInBytes,
        // no TargetName.
        Map<String, String> a = new LinkedHashMap<>();
        a.put("MemoryName", "eMMC");
        a.put("MinVersionSupported", "1");
        a.put("Version", "1");
        a.put("MaxPayloadSizeToTargetInBytes", Long.toString(tooLarge ? MAX_PAYLOAD_TO_TARGET : agreedPayload));
        a.put("MaxPayloadSizeToTargetInBytesSupported", Long.toString(MAX_PAYLOAD_TO_TARGET));
        a.put("MaxXMLSizeInBytes", Integer.toString(MAX_XML_SIZE));
        a.put("DateTime", DATE_TIME);
        if (tooLarge) {
            // No "ERROR:" prefix: the captured text is exactly this (firehose/002, linux-msm/qdl#20).
            log(out, PAYLOAD_TOO_LARGE);
            out.send(FirehoseCodec.encodeDevice(FirehoseResponse.nak(a)));
            return;
        }
        ack(out, a);
    }

    /** Checks a sector command against the storage; logs and NAKs and returns -1 if it is refused, else the byte offset. */
    private long place(int sectorSize, int lun, FirehoseExpression start, long count, PhoneEndpoint out) {
        int disk = sectorSize();
        if (sectorSize != disk) {
            log(out, "ERROR: Attribute 'SECTOR_SIZE_IN_BYTES'=" + sectorSize + " must be equal to disk sector size " + disk);
            nak(out);
            return -1;
        }
        if (lun != 0) {
            log(out, "ERROR: physical_partition_number " + lun + " is not available on this eMMC");
            nak(out);
            return -1;
        }
        long first;
        try {
            first = start.evaluate(totalSectors());
        } catch (IllegalArgumentException e) {
            log(out, "ERROR: start_sector " + start + " cannot be resolved: " + e.getMessage());
            nak(out);
            return -1;
        }
        if (first > totalSectors() || count > totalSectors() - first) {
            log(out, "ERROR: sectors " + first + "+" + count + " are beyond the disk's " + totalSectors());
            nak(out);
            return -1;
        }
        return first * disk;
    }

    private void program(FirehoseProgram c, PhoneEndpoint out) {
        long at = place(c.sectorSize(), c.physicalPartition(), c.startSector(), c.numSectors(), out);
        if (at < 0) {
            return;
        }
        programStart = at;
        programBytes = c.byteCount();
        if (control.phone().has(SimFault.VIP_REFUSAL)) {
            log(out, VIP_LOG);
            nak(out);
            return;
        }
        rawOffset = at;
        rawRemaining = c.byteCount();
        state = State.RAW_IN;
        ack(out, Map.of("rawmode", "true"));
    }

    private void rawIn(byte[] message, PhoneEndpoint out) {
        SimPhone phone = control.phone();
        if (message.length > agreedPayload) {
            phone.recordViolation("Firehose: raw piece of " + message.length + " bytes exceeds the agreed payload " + agreedPayload);
        }
        int take = (int) Math.min(message.length, rawRemaining);
        if (take < message.length) {
            phone.recordViolation("Firehose: " + (message.length - take) + " raw bytes beyond what the program announced");
        }
        // Through the phone's storage choice (SimStorage), as the flash app's writes go: a bench phone that
        // discards or digests takes a 256 MiB program without holding it in the simulator's heap.
        try {
            phone.emmc().write(rawOffset, ByteBuffer.wrap(message, 0, take));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        rawOffset += take;
        rawRemaining -= take;
        if (rawRemaining == 0) {
            state = State.XML;
            badBlock();
            slowStorage();
            log(out, "INFO: Finished programming");
            ack(out, Map.of("rawmode", "false"));
        }
    }

    private void read(FirehoseRead c, PhoneEndpoint out) {
        long at = place(c.sectorSize(), c.physicalPartition(), c.startSector(), c.numSectors(), out);
        if (at < 0) {
            return;
        }
        SparseDisk disk = control.phone().disk();
        byte[] ackDoc = FirehoseCodec.encodeDevice(FirehoseResponse.ack(Map.of("rawmode", "true")));
        long remaining = c.byteCount();
        state = State.RAW_OUT;
        boolean packet = control.phone().linkKind() == LinkKind.PACKET;
        if (packet) {
            out.send(ackDoc);
            out.send(new byte[0]); // the IN ZLP at the XML → raw boundary
        }
        boolean first = true;
        while (remaining > 0) {
            int n = (int) Math.min(MAX_PAYLOAD_FROM_TARGET, remaining);
            byte[] data = disk.read(at, n);
            if (first && !packet) {
                byte[] both = new byte[ackDoc.length + n];
                System.arraycopy(ackDoc, 0, both, 0, ackDoc.length);
                System.arraycopy(data, 0, both, ackDoc.length, n);
                data = both;
            }
            out.send(data);
            first = false;
            at += n;
            remaining -= n;
        }
        state = State.XML;
        log(out, "INFO: Finished sector address " + (at / sectorSize()));
        ack(out, Map.of("rawmode", "false"));
    }

    private void erase(FirehoseErase c, PhoneEndpoint out) {
        long at = place(c.sectorSize(), c.physicalPartition(), c.startSector(), c.numSectors(), out);
        if (at < 0) {
            return;
        }
        SparseDisk disk = control.phone().disk();
        long remaining = c.numSectors() * (long) c.sectorSize();
        byte[] zeros = new byte[(int) Math.min(remaining, 1 << 20)];
        while (remaining > 0) {
            int n = (int) Math.min(zeros.length, remaining);
            disk.write(at, ByteBuffer.wrap(zeros, 0, n));
            at += n;
            remaining -= n;
        }
        slowStorage();
        ack(out, Map.of());
    }

    private void patch(FirehosePatch c, PhoneEndpoint out) {
        if (!c.targetsDisk()) {
            log(out, "ERROR: patch of file " + c.filename() + " is not supported, only DISK");
            nak(out);
            return;
        }
        long at = place(c.sectorSize(), c.physicalPartition(), c.startSector(), 1, out);
        if (at < 0) {
            return;
        }
        long total = totalSectors();
        long value;
        try {
            if (c.value().isCrc32()) {
                long from = c.value().crc32Start(total) * sectorSize();
                long len = c.value().crc32Length(total);
                if (len > Integer.MAX_VALUE || from + len > control.phone().disk().sizeBytes()) {
                    throw new IllegalArgumentException("CRC32 range beyond the disk");
                }
                CRC32 crc = new CRC32();
                crc.update(control.phone().disk().read(from, (int) len));
                value = crc.getValue();
            } else {
                value = c.value().evaluate(total);
            }
        } catch (IllegalArgumentException e) {
            log(out, "ERROR: patch value " + c.value() + ": " + e.getMessage());
            nak(out);
            return;
        }
        if (c.byteOffset() + c.sizeInBytes() > sectorSize()) {
            log(out, "ERROR: patch at byte " + c.byteOffset() + " of " + c.sizeInBytes() + " bytes leaves the sector");
            nak(out);
            return;
        }
        byte[] le = new byte[c.sizeInBytes()];
        for (int i = 0; i < le.length; i++) {
            le[i] = (byte) (value >>> (8 * i));
        }
        control.phone().disk().write(at + c.byteOffset(), ByteBuffer.wrap(le));
        log(out, "INFO: Patched sector " + (at / sectorSize()) + " byte " + c.byteOffset() + " with 0x" + Long.toHexString(value));
        ack(out, Map.of());
    }

    private void digest(FirehoseGetSha256Digest c, PhoneEndpoint out) {
        long at = place(c.sectorSize(), c.physicalPartition(), c.startSector(), c.numSectors(), out);
        if (at < 0) {
            return;
        }
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long remaining = c.numSectors() * (long) c.sectorSize();
        while (remaining > 0) {
            int n = (int) Math.min(remaining, 1 << 20);
            md.update(control.phone().disk().read(at, n));
            at += n;
            remaining -= n;
        }
        log(out, "INFO: Digest " + HexFormat.of().withUpperCase().formatHex(md.digest()));
        ack(out, Map.of());
    }

    private void storageInfo(FirehoseGetStorageInfo c, PhoneEndpoint out) {
        if (c.physicalPartition() != 0) {
            log(out, "ERROR: physical_partition_number " + c.physicalPartition() + " is not available on this eMMC");
            nak(out);
            return;
        }
        SimPhone phone = control.phone();
        log(out, "{\"storage_info\": {\"total_blocks\":" + totalSectors() + ", \"block_size\":" + sectorSize()
                + ", \"page_size\":" + sectorSize() + ", \"num_physical\":1, \"manufacturer_id\":144, \"serial_num\":"
                + (java.nio.ByteBuffer.wrap(phone.emmcCid(), 8, 4).getInt() & 0xFFFFFFFFL)
                + ", \"fw_version\":\"1\", \"mem_type\":\"eMMC\", \"prod_name\":\"" + phone.model().name().toUpperCase(Locale.ROOT)
                + "\"}}");
        ack(out, Map.of());
    }

    private void power(FirehosePower c, PhoneEndpoint out) {
        BootTarget target;
        switch (c.value().toLowerCase(Locale.ROOT)) {
            case "reset":
                target = BootTarget.OS;
                break;
            case "off":
                target = BootTarget.OFF;
                break;
            case "edl":
                target = BootTarget.EDL;
                break;
            default:
                log(out, "ERROR: power value " + c.value() + " is not supported");
                nak(out);
                return;
        }
        // ACK rawmode="false", then two more logs before the phone leaves (firehose/015, fwupd/fwupd#9719).
        ack(out, Map.of("rawmode", "false"));
        log(out, "INFO: Will issue reset/power off 100 useconds, if this hangs check if watchdog is enabled");
        log(out, "INFO: bsp_target_reset() 1");
        control.reboot(target);
    }

    /**
     * {@link SimFault#BAD_EMMC_BLOCK}: one bit of the byte in the middle of the program's range is flipped once it is
     * stored (only where the eMMC keeps content: a digest or discarding eMMC has no bytes to spoil).
     */
    private void badBlock() {
        SimPhone phone = control.phone();
        if (!phone.has(SimFault.BAD_EMMC_BLOCK) || phone.storage() != SimStorage.CONTENT || programBytes <= 0) {
            return;
        }
        long at = programStart + programBytes / 2;
        byte[] b = phone.disk().read(at, 1);
        b[0] ^= 0x10;
        phone.disk().write(at, ByteBuffer.wrap(b));
    }

    /** {@link SimFault#SLOW_STORAGE}: the storage takes its time before the answer (on the bench clock). */
    private void slowStorage() {
        if (control.phone().has(SimFault.SLOW_STORAGE)) {
            try {
                control.clock().sleep(SLOW_STORAGE_DELAY);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void log(PhoneEndpoint out, String text) {
        out.send(FirehoseCodec.encodeDevice(new FirehoseLog(text)));
    }

    private static void ack(PhoneEndpoint out, Map<String, String> attributes) {
        out.send(FirehoseCodec.encodeDevice(FirehoseResponse.ack(attributes)));
    }

    private static void nak(PhoneEndpoint out) {
        out.send(FirehoseCodec.encodeDevice(FirehoseResponse.nak(Map.of("rawmode", "false"))));
    }

    private static String shown(byte[] m) {
        int n = Math.min(m.length, 16);
        return HexFormat.of().formatHex(m, 0, n) + (n < m.length ? "…" : "");
    }
}
