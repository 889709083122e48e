package dev.lumiaagent.protocol.flashapp;

import dev.lumiaagent.protocol.flashapp.NokRequest.NokContextSwitch;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokContinueBoot;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokDisableTimeout;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokErasePartition;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokFactoryReset;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashHeader;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashPayload;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashRequest;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokHello;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokInfoQuery;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokMassStorage;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokPhoneInfoQuery;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokReadParam;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokReboot;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokRebootToFlash;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokRebootToPhoneInfo;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokShutdown;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokWriteParam;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Pure bytes ↔ records for the UEFI {@code NOK*} protocol (lumia-protocols.md §3). All integers are
 * big-endian. Decoders throw only {@link ProtocolException}; encoders never fail on a valid record.
 */
public final class NokCodec {
    /** Largest reply the agent reads (WPinternals reads UEFI replies into 0x8000, §1.2; doubled for margin). */
    public static final int MAX_REPLY = 0x10000;
    /** {@code NOKXFR} as WPinternals sends it; LSU pads the same fields to 16 bytes (§3.4). */
    public static final int READ_PARAM_LENGTH = 11;
    public static final int READ_PARAM_PADDED_LENGTH = 16;
    public static final int ERASE_LENGTH = 0x50;
    public static final int PHONE_INFO_QUERY_LENGTH = 16;
    public static final int STATUS_REPLY_LENGTH = 8;

    private static final Map<String, Supplier<NokRequest>> PLAIN = Map.of(
            "NOKV", NokInfoQuery::new, "NOKI", NokHello::new, "NOKD", NokDisableTimeout::new,
            "NOKR", NokReboot::new, "NOKS", NokRebootToFlash::new, "NOKP", NokRebootToPhoneInfo::new,
            "NOKA", NokContinueBoot::new, "NOKM", NokMassStorage::new, "NOKZ", NokShutdown::new,
            "NOKG", NokFactoryReset::new);
    private static final Set<String> EXTENDED = Set.of("NOKXCB", "NOKXFR", "NOKXFW", "NOKXFP", "NOKXPH", "NOKXFS");

    /** The longest run of bytes before a NOKXFS layout's data (payload v3: 0x40). */
    private static final int MAX_FLASH_DATA_OFFSET = Arrays.stream(NokFlashLayout.values())
            .mapToInt(NokFlashLayout::dataOffset).max().orElseThrow();

    private NokCodec() {
    }

    // ---------------------------------------------------------------- requests

    public static byte[] encode(NokRequest request) {
        String sig = request.signature();
        if (request instanceof NokFlashRequest) {
            NokFlashRequest flash = (NokFlashRequest) request;
            byte[] b = new byte[flash.messageLength()];
            encodeFlash(flash, ByteBuffer.wrap(b));
            return b;
        }
        if (request instanceof NokContextSwitch) {
            byte[] b = new byte[7];
            NokFields.putPadded(b, 0, sig);
            b[6] = (byte) ((NokContextSwitch) request).target().letter();
            return b;
        }
        if (request instanceof NokReadParam) {
            byte[] b = new byte[READ_PARAM_LENGTH];
            NokFields.putPadded(b, 0, sig);
            NokFields.putPadded(b, 7, ((NokReadParam) request).name());
            return b;
        }
        if (request instanceof NokWriteParam) {
            NokWriteParam w = (NokWriteParam) request;
            byte[] data = w.data();
            byte[] b = new byte[15 + data.length];
            NokFields.putPadded(b, 0, sig);
            NokFields.putPadded(b, 7, w.name());
            Bytes.putBe32(b, 11, data.length);
            System.arraycopy(data, 0, b, 15, data.length);
            return b;
        }
        if (request instanceof NokErasePartition) {
            byte[] b = new byte[ERASE_LENGTH];
            NokFields.putPadded(b, 0, sig);
            b[6] = 1;
            byte[] name = ((NokErasePartition) request).partition().getBytes(StandardCharsets.UTF_16LE);
            System.arraycopy(name, 0, b, 8, name.length);
            return b;
        }
        if (request instanceof NokPhoneInfoQuery) {
            byte[] b = new byte[PHONE_INFO_QUERY_LENGTH];
            NokFields.putPadded(b, 0, sig);
            NokFields.putPadded(b, 6, ((NokPhoneInfoQuery) request).name());
            return b;
        }
        return NokFields.ascii(sig);
    }

    /** The known request signature {@code message} starts with: {@code NOK?} or {@code NOKX??}. */
    public static Optional<String> knownRequestSignature(byte[] message) {
        if (message.length < 4 || !startsWithNok(message)) {
            return Optional.empty();
        }
        String sig4 = new String(message, 0, 4, StandardCharsets.US_ASCII);
        if (PLAIN.containsKey(sig4)) {
            return Optional.of(sig4);
        }
        if (message.length >= 6) {
            String sig6 = new String(message, 0, 6, StandardCharsets.ISO_8859_1);
            if (EXTENDED.contains(sig6)) {
                return Optional.of(sig6);
            }
        }
        return Optional.empty();
    }

    public static NokRequest decodeRequest(byte[] m) {
        try {
            return decodeRequestUnchecked(m);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("NOK request: " + e.getMessage(), e);
        }
    }

    private static NokRequest decodeRequestUnchecked(byte[] m) {
        String sig = knownRequestSignature(m).orElseThrow(() -> new ProtocolException(
                "not a known NOK request: " + NokFields.shortHex(m)));
        Supplier<NokRequest> plain = PLAIN.get(sig);
        if (plain != null) {
            length(m, 4, sig);
            return plain.get();
        }
        switch (sig) {
            case "NOKXCB":
                length(m, 7, sig);
                return new NokContextSwitch(NokSwitchTarget.ofLetter(m[6] & 0xFF));
            case "NOKXFR":
                if (m.length != READ_PARAM_LENGTH && m.length != READ_PARAM_PADDED_LENGTH) {
                    throw new ProtocolException("NOKXFR is 11 bytes (16 with padding), got " + m.length);
                }
                zero(m, 6, 1, "NOKXFR byte 6");
                zero(m, 11, m.length - 11, "NOKXFR padding");
                return new NokReadParam(NokFields.paddedName(m, 7, 4, "NOKXFR name"));
            case "NOKXFW": {
                Bytes.need(m, 0, 15, "NOKXFW header");
                zero(m, 6, 1, "NOKXFW byte 6");
                String name = NokFields.paddedName(m, 7, 4, "NOKXFW name");
                long len = Bytes.be32(m, 11);
                if (len != m.length - 15) {
                    throw new ProtocolException("NOKXFW length field says " + len + " data bytes, message has " + (m.length - 15));
                }
                return new NokWriteParam(name, Arrays.copyOfRange(m, 15, m.length));
            }
            case "NOKXFP":
                return new NokErasePartition(erasePartitionName(m));
            case "NOKXPH":
                length(m, PHONE_INFO_QUERY_LENGTH, sig);
                return new NokPhoneInfoQuery(NokFields.paddedName(m, 6, PHONE_INFO_QUERY_LENGTH - 6, "NOKXPH name"));
            case "NOKXFS":
                return decodeFlash(ByteBuffer.wrap(m));
            default:
                throw new ProtocolException("no decoder for " + sig);
        }
    }

    private static String erasePartitionName(byte[] m) {
        length(m, ERASE_LENGTH, "NOKXFP");
        if (m[6] != 1 || m[7] != 0) {
            throw new ProtocolException("NOKXFP bytes 6..7 are 01 00, got " + Bytes.hex(m, 6, 2));
        }
        int end = 8;
        while (end + 1 < ERASE_LENGTH && (m[end] != 0 || m[end + 1] != 0)) {
            end += 2;
        }
        if (end == 8) {
            throw new ProtocolException("NOKXFP partition name is empty");
        }
        if ((end - 8) / 2 > NokErasePartition.MAX_NAME) {
            throw new ProtocolException("NOKXFP partition name longer than " + NokErasePartition.MAX_NAME + " characters");
        }
        zero(m, end, ERASE_LENGTH - end, "NOKXFP padding after the name");
        return new String(m, 8, end - 8, StandardCharsets.UTF_16LE);
    }

    // ---------------------------------------------------------------- NOKXFS (secure FFU flash, §4)

    /**
     * Writes {@code request}'s message (§4.2) into {@code dst} at its position and advances the
     * position by {@link NokFlashRequest#messageLength()}. Every byte before the data is written,
     * padding included, so a reused buffer needs no clearing; the data is copied once. This is the
     * host's per-chunk path: no allocation.
     *
     * @throws IllegalArgumentException when {@code dst} has fewer than messageLength bytes remaining
     */
    public static void encodeFlash(NokFlashRequest request, ByteBuffer dst) {
        NokFlashLayout layout = request.layout();
        int length = request.messageLength();
        if (dst.remaining() < length) {
            throw new IllegalArgumentException(request.signature() + " " + layout.label() + " needs " + length
                    + " bytes, the buffer has " + dst.remaining());
        }
        encodeFlashHead(request, dst);
        dst.put(request.data());
    }

    /**
     * Writes the bytes of {@code request}'s message that come before its data — the first
     * {@link NokFlashLayout#dataOffset()} bytes, padding included — into {@code dst} at its position
     * and advances the position past them. Those bytes followed by {@link NokFlashRequest#data()}
     * are byte for byte what {@link #encodeFlash} writes; a gathering
     * {@link dev.lumiaagent.transport.Link#write(ByteBuffer[], java.time.Duration)} sends the two as one
     * message without copying the data.
     *
     * @throws IllegalArgumentException when {@code dst} has fewer than dataOffset bytes remaining
     */
    public static void encodeFlashHead(NokFlashRequest request, ByteBuffer dst) {
        NokFlashLayout layout = request.layout();
        if (dst.remaining() < layout.dataOffset()) {
            throw new IllegalArgumentException(request.signature() + " " + layout.label() + " starts with " + layout.dataOffset()
                    + " bytes before its data, the buffer has " + dst.remaining());
        }
        int base = dst.position();
        for (int i = 0; i < layout.dataOffset(); i++) {
            dst.put(base + i, (byte) 0);
        }
        for (int i = 0; i < 6; i++) {
            dst.put(base + i, (byte) "NOKXFS".charAt(i));
        }
        putBe16(dst, base + 6, layout.protocol());
        dst.put(base + 8, (byte) request.progress());
        dst.put(base + 0x0B, (byte) 1);
        putBe32(dst, base + NokFlashLayout.SUBBLOCK_TYPE_OFFSET, layout.subblockType());
        putBe32(dst, base + NokFlashLayout.SUBBLOCK_LENGTH_OFFSET, (long) request.dataLength() + layout.subblockOverhead());
        if (request instanceof NokFlashHeader) {
            // [0x14] header type 0, [0x18] header length, [0x1C] options, [0x1D..0x1F] zero.
            putBe32(dst, base + 0x18, request.dataLength());
            dst.put(base + 0x1C, (byte) ((NokFlashHeader) request).optionsByte());
        } else {
            // [0x14] payload length, [0x18] data options, zero up to the data.
            NokFlashPayload p = (NokFlashPayload) request;
            putBe32(dst, base + 0x14, p.dataLength());
            dst.put(base + 0x18, (byte) p.dataOptions());
        }
        dst.position(base + layout.dataOffset());
    }

    /**
     * Decodes the {@code NOKXFS} message in {@code message}'s remaining bytes without copying its
     * data: the record's {@link NokFlashRequest#data()} is a read-only view of {@code message}'s
     * memory, so it is valid only while the caller leaves that memory alone. {@code message}'s
     * position and limit are not changed. Strict, as the simulator is (DESIGN §2): every length field
     * must agree with the message length, padding must be zero, options bits must be known.
     *
     * @throws NokFlashUnsupported for header v2 and payload v3, which the agent recognises but does not speak
     * @throws ProtocolException for anything else that is not one of the layouts of §4.2
     */
    public static NokFlashRequest decodeFlash(ByteBuffer message) {
        int base = message.position();
        int n = message.remaining();
        try {
            return decodeFlashUnchecked(message, n, from -> {
                ByteBuffer data = message.duplicate();
                data.limit(base + n).position(base + from);
                return data;
            });
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("NOKXFS: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes the one {@code NOKXFS} message made of the remaining bytes of {@code parts}, in order —
     * a message as a gathering {@link dev.lumiaagent.transport.Link#write(ByteBuffer[], java.time.Duration)}
     * sent it. The checks are those of {@link #decodeFlash(ByteBuffer)} on the concatenation, whatever
     * the parts' boundaries. The bytes before the data are read wherever the parts cut them; the data is a
     * read-only view of the part that holds all of it, or a copy when it spans parts. The parts'
     * positions and limits are not changed.
     */
    public static NokFlashRequest decodeFlash(ByteBuffer[] parts) {
        long total = 0;
        for (ByteBuffer p : parts) {
            total += p.remaining();
        }
        if (total > Integer.MAX_VALUE) {
            throw new ProtocolException("NOKXFS message of " + total + " bytes");
        }
        int n = (int) total;
        ByteBuffer head = gather(parts, 0, Math.min(n, MAX_FLASH_DATA_OFFSET));
        try {
            return decodeFlashUnchecked(head, n, from -> gather(parts, from, n));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("NOKXFS: " + e.getMessage(), e);
        }
    }

    /** Bytes [from, to) of the concatenation of {@code parts}: a read-only view when one part holds them, else a copy. */
    private static ByteBuffer gather(ByteBuffer[] parts, int from, int to) {
        int start = 0;
        for (ByteBuffer p : parts) {
            int end = start + p.remaining();
            if (from >= start && to <= end && (from < end || from == to)) {
                ByteBuffer view = p.duplicate();
                view.limit(p.position() + (to - start)).position(p.position() + (from - start));
                return view.slice().asReadOnlyBuffer();
            }
            start = end;
        }
        ByteBuffer copy = ByteBuffer.allocate(to - from);
        start = 0;
        for (ByteBuffer p : parts) {
            int end = start + p.remaining();
            int a = Math.max(from, start);
            int b = Math.min(to, end);
            if (a < b) {
                ByteBuffer view = p.duplicate();
                view.limit(p.position() + (b - start)).position(p.position() + (a - start));
                copy.put(view);
            }
            start = end;
        }
        return copy.flip();
    }

    /**
     * @param message the message's first bytes from its position on: at least its first
     *     min(n, dataOffset) bytes, where every field is read
     * @param n the whole message's length
     * @param dataFrom the message's bytes from an offset to its end
     */
    private static NokFlashRequest decodeFlashUnchecked(ByteBuffer message, int n, IntFunction<ByteBuffer> dataFrom) {
        int base = message.position();
        if (n < 6 || !"NOKXFS".equals(new String(bytes(message, base, 6), StandardCharsets.ISO_8859_1))) {
            throw new ProtocolException("not a NOKXFS message: starts " + Bytes.hex(bytes(message, base, Math.min(n, 6))));
        }
        if (n < NokFlashLayout.SUBBLOCK_OFFSET) {
            throw new ProtocolException("NOKXFS message of " + n + " bytes is shorter than the 0x14 bytes every layout starts with");
        }
        int protocol = be16(message, base + 6);
        int progress = message.get(base + 8) & 0xFF;
        zero(message, base, 9, 2, "NOKXFS bytes 9..10");
        int count = message.get(base + 0x0B) & 0xFF;
        if (count != 1) {
            throw new ProtocolException("NOKXFS sub-block count at 0x0B is " + count + ", expected 1");
        }
        long type = be32(message, base + NokFlashLayout.SUBBLOCK_TYPE_OFFSET);
        NokFlashLayout layout = NokFlashLayout.bySubblockType(type).orElseThrow(() -> new ProtocolException(
                String.format("NOKXFS sub-block type 0x%08X at 0x0C is none of §4.2's layouts", type)));
        if (!layout.acceptsProtocol(protocol)) {
            throw new ProtocolException(String.format("NOKXFS protocol 0x%04X at [6..7] does not go with sub-block type 0x%02X (%s)",
                    protocol, type, layout.label()));
        }
        if (!layout.supported()) {
            throw new NokFlashUnsupported(layout);
        }
        if (n < layout.dataOffset()) {
            throw new ProtocolException("NOKXFS " + layout.label() + " of " + n + " bytes is shorter than its 0x"
                    + Integer.toHexString(layout.dataOffset()) + "-byte header");
        }
        long dataLength;
        int options;
        if (layout == NokFlashLayout.HEADER_V1) {
            long headerType = be32(message, base + 0x14);
            if (headerType != 0) {
                throw new ProtocolException("NOKXFS header v1 header type at 0x14 is " + headerType + ", expected 0");
            }
            dataLength = be32(message, base + 0x18);
            options = message.get(base + 0x1C) & 0xFF;
            zero(message, base, 0x1D, layout.dataOffset() - 0x1D, "NOKXFS header v1 padding");
        } else {
            dataLength = be32(message, base + 0x14);
            options = message.get(base + 0x18) & 0xFF;
            zero(message, base, 0x19, layout.dataOffset() - 0x19, "NOKXFS " + layout.label() + " padding");
        }
        long subblockLength = be32(message, base + NokFlashLayout.SUBBLOCK_LENGTH_OFFSET);
        if (subblockLength != dataLength + layout.subblockOverhead()) {
            throw new ProtocolException(String.format("NOKXFS %s sub-block length 0x%X at 0x10 is not the data length 0x%X + 0x%X",
                    layout.label(), subblockLength, dataLength, layout.subblockOverhead()));
        }
        long carried = n - layout.dataOffset();
        if (carried != dataLength) {
            throw new ProtocolException("NOKXFS " + layout.label() + " declares " + dataLength + " data bytes and carries " + carried
                    + (carried < dataLength ? " (cut short)" : ""));
        }
        ByteBuffer data = dataFrom.apply(layout.dataOffset());
        if (layout == NokFlashLayout.HEADER_V1) {
            return new NokFlashHeader(progress, FlashOption.fromByte(options), data);
        }
        return new NokFlashPayload(layout, progress, options, data);
    }

    private static byte[] bytes(ByteBuffer b, int index, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = b.get(index + i);
        }
        return out;
    }

    // Absolute big-endian access independent of the buffer's byte order setting.
    private static int be16(ByteBuffer b, int index) {
        return ((b.get(index) & 0xFF) << 8) | (b.get(index + 1) & 0xFF);
    }

    private static long be32(ByteBuffer b, int index) {
        return ((long) be16(b, index) << 16) | be16(b, index + 2);
    }

    private static void putBe16(ByteBuffer b, int index, int v) {
        b.put(index, (byte) (v >>> 8));
        b.put(index + 1, (byte) v);
    }

    private static void putBe32(ByteBuffer b, int index, long v) {
        putBe16(b, index, (int) (v >>> 16) & 0xFFFF);
        putBe16(b, index + 2, (int) v & 0xFFFF);
    }

    private static void zero(ByteBuffer b, int base, int off, int len, String what) {
        for (int i = off; i < off + len; i++) {
            if (b.get(base + i) != 0) {
                throw new ProtocolException(what + ": byte 0x" + Integer.toHexString(i) + " is 0x"
                        + Integer.toHexString(b.get(base + i) & 0xFF) + ", expected 0");
            }
        }
    }

    // ---------------------------------------------------------------- replies

    public static byte[] encode(NokReply reply) {
        if (reply instanceof NokvReply) {
            return encodeNokv((NokvReply) reply);
        }
        if (reply instanceof NokParamReply) {
            NokParamReply p = (NokParamReply) reply;
            byte[] v = p.value();
            byte[] b = new byte[NokParamReply.HEADER + v.length];
            NokFields.putPadded(b, 0, "NOKXFR");
            Bytes.putBe16(b, 6, p.status());
            NokFields.putPadded(b, 9, p.name());
            Bytes.putBe32(b, 13, v.length);
            System.arraycopy(v, 0, b, NokParamReply.HEADER, v.length);
            return b;
        }
        if (reply instanceof NokStatusReply) {
            NokStatusReply s = (NokStatusReply) reply;
            byte[] b = new byte[STATUS_REPLY_LENGTH];
            NokFields.putPadded(b, 0, s.signature());
            Bytes.putBe16(b, 6, s.code());
            return b;
        }
        if (reply instanceof NokFlashReply) {
            NokFlashReply f = (NokFlashReply) reply;
            byte[] extra = f.extra();
            byte[] b = new byte[STATUS_REPLY_LENGTH + extra.length];
            NokFields.putPadded(b, 0, NokFlashReply.SIGNATURE);
            Bytes.putBe16(b, 6, f.code());
            System.arraycopy(extra, 0, b, STATUS_REPLY_LENGTH, extra.length);
            return b;
        }
        if (reply instanceof NokPhoneInfoReply) {
            byte[] text = NokFields.ascii(((NokPhoneInfoReply) reply).value());
            byte[] b = new byte[8 + text.length];
            NokFields.putPadded(b, 0, "NOKXPH");
            Bytes.putBe16(b, 6, text.length);
            System.arraycopy(text, 0, b, 8, text.length);
            return b;
        }
        return NokFields.ascii(reply.signature());
    }

    private static byte[] encodeNokv(NokvReply r) {
        int size = 11;
        List<byte[]> payloads = new ArrayList<>();
        for (NokvBlock block : r.blocks()) {
            byte[] p = block.payload();
            payloads.add(p);
            size += 3 + p.length;
        }
        byte[] b = new byte[size];
        NokFields.putPadded(b, 0, "NOKV");
        b[4] = (byte) r.reserved();
        b[5] = (byte) r.app().type();
        b[6] = (byte) r.protocolMajor();
        b[7] = (byte) r.protocolMinor();
        b[8] = (byte) r.appMajor();
        b[9] = (byte) r.appMinor();
        b[10] = (byte) r.blocks().size();
        int off = 11;
        for (int i = 0; i < payloads.size(); i++) {
            byte[] p = payloads.get(i);
            b[off] = (byte) r.blocks().get(i).id();
            Bytes.putBe16(b, off + 1, p.length);
            System.arraycopy(p, 0, b, off + 3, p.length);
            off += 3 + p.length;
        }
        return b;
    }

    /** Decodes one whole reply message. */
    public static NokReply decodeReply(byte[] m) {
        try {
            return decodeReplyUnchecked(m);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("NOK reply: " + e.getMessage(), e);
        }
    }

    private static NokReply decodeReplyUnchecked(byte[] m) {
        int expected = replyLength(m, m.length);
        if (expected < 0) {
            throw new ProtocolException("NOK reply cut short: " + m.length + " bytes (" + NokFields.shortHex(m) + ")");
        }
        String sig4 = new String(m, 0, 4, StandardCharsets.US_ASCII);
        if (sig4.equals("NOKX")) {
            String sig6 = NokFields.paddedName(m, 0, 6, "reply signature");
            if (sig6.equals("NOKXFR") && m.length != STATUS_REPLY_LENGTH) {
                return decodeParam(m);
            }
            if (sig6.equals(NokFlashReply.SIGNATURE)) {
                // ≥ 8 bytes; whatever follows the status is kept raw (§4.2, layout unknown).
                return new NokFlashReply(Bytes.be16(m, 6), Arrays.copyOfRange(m, STATUS_REPLY_LENGTH, m.length));
            }
            if (sig6.equals("NOKXPH")) {
                length(m, expected, sig6);
                return new NokPhoneInfoReply(phoneInfoText(m));
            }
            length(m, STATUS_REPLY_LENGTH, sig6 + " status reply");
            return new NokStatusReply(sig6, Bytes.be16(m, 6));
        }
        length(m, expected, sig4);
        if (sig4.equals("NOKU")) {
            return new NokUnknown();
        }
        if (sig4.equals("NOKV")) {
            return decodeNokv(m);
        }
        if (NokEcho.SIGNATURES.contains(sig4)) {
            return new NokEcho(sig4);
        }
        zero(m, 4, 2, sig4 + " status reply bytes 4..5");
        return new NokStatusReply(sig4, Bytes.be16(m, 6));
    }

    private static String phoneInfoText(byte[] m) {
        for (int i = 8; i < m.length; i++) {
            if (m[i] < 0x20 || m[i] > 0x7E) {
                throw new ProtocolException("NOKXPH text at offset " + i + ": byte 0x" + Integer.toHexString(m[i] & 0xFF) + " is not printable ASCII");
            }
        }
        return new String(m, 8, m.length - 8, StandardCharsets.US_ASCII);
    }

    private static NokParamReply decodeParam(byte[] m) {
        Bytes.need(m, 0, NokParamReply.HEADER, "NOKXFR reply header");
        zero(m, 8, 1, "NOKXFR reply byte 8");
        String name = NokFields.paddedName(m, 9, 4, "NOKXFR reply name");
        long len = Bytes.be32(m, 13);
        if (len != m.length - NokParamReply.HEADER) {
            throw new ProtocolException("NOKXFR " + name + " length field says " + len + " value bytes, message has "
                    + (m.length - NokParamReply.HEADER));
        }
        return new NokParamReply(Bytes.be16(m, 6), name, Arrays.copyOfRange(m, NokParamReply.HEADER, m.length));
    }

    private static NokvReply decodeNokv(byte[] m) {
        NokApp app = NokApp.ofType(m[5] & 0xFF);
        int count = m[10] & 0xFF;
        List<NokvBlock> blocks = new ArrayList<>(count);
        int off = 11;
        for (int i = 0; i < count; i++) {
            Bytes.need(m, off, 3, "NOKV sub-block " + i + " header");
            int id = m[off] & 0xFF;
            int len = Bytes.be16(m, off + 1);
            Bytes.need(m, off + 3, len, String.format("NOKV sub-block 0x%02X payload", id));
            blocks.add(typedBlock(app, id, Arrays.copyOfRange(m, off + 3, off + 3 + len)));
            off += 3 + len;
        }
        if (off != m.length) {
            throw new ProtocolException("NOKV: " + (m.length - off) + " bytes after the last of " + count + " sub-blocks");
        }
        return new NokvReply(m[4] & 0xFF, app, m[6] & 0xFF, m[7] & 0xFF, m[8] & 0xFF, m[9] & 0xFF, blocks);
    }

    /** The typed record for a payload, if it re-encodes to exactly these bytes; else the raw block. */
    static NokvBlock typedBlock(NokApp app, int id, byte[] p) {
        NokvBlock typed;
        try {
            typed = typedOrNull(app, id, p);
        } catch (IllegalArgumentException | ProtocolException e) {
            typed = null;
        }
        return typed != null && Arrays.equals(typed.payload(), p) ? typed : new NokvBlock.Raw(id, p);
    }

    private static NokvBlock typedOrNull(NokApp app, int id, byte[] p) {
        switch (id) {
            case NokvBlock.TRANSFER_SIZE:
                return p.length == 4 ? new NokvBlock.TransferSize(Bytes.be32(p, 0)) : null;
            case NokvBlock.WRITE_BUFFER_SIZE:
                return p.length == 4 ? new NokvBlock.WriteBufferSize(Bytes.be32(p, 0)) : null;
            case NokvBlock.EMMC_SECTORS:
                return p.length == 4 ? new NokvBlock.EmmcSectors(Bytes.be32(p, 0)) : null;
            case NokvBlock.APP_DEPENDENT:
                if (p.length != 4) {
                    return null;
                }
                if (app == NokApp.FLASH_APP) {
                    return new NokvBlock.SdCardSectors(Bytes.be32(p, 0));
                }
                if (app == NokApp.BOOT_MANAGER) {
                    return new NokvBlock.FlashAppVersion(p[0] & 0xFF, p[1] & 0xFF, p[2] & 0xFF, p[3] & 0xFF);
                }
                return null;
            case NokvBlock.PLATFORM_ID: {
                int end = 0;
                while (end < p.length && p[end] != 0) {
                    end++;
                }
                return end > 0 && end < p.length
                        ? new NokvBlock.PlatformId(new String(p, 0, end, StandardCharsets.US_ASCII), p.length) : null;
            }
            case NokvBlock.ASYNC_SUPPORT:
                return p.length == 2 ? new NokvBlock.AsyncSupport(p[0] & 0xFF, p[1] & 0xFF) : null;
            case NokvBlock.SECURITY:
                return p.length >= 8 && (p[0] & 0xFF) == 3
                        ? new NokvBlock.Security(p[0] & 0xFF, p[1] & 0xFF, p[2] & 0xFF, p[3] & 0xFF, p[4] & 0xFF,
                                p[5] & 0xFF, p[6] & 0xFF, p[7] & 0xFF, Arrays.copyOfRange(p, 8, p.length))
                        : null;
            case NokvBlock.SECURE_FFU_PROTOCOLS:
                return p.length >= 3
                        ? new NokvBlock.SecureFfuProtocols(p[0] & 0xFF, Bytes.be16(p, 1), Arrays.copyOfRange(p, 3, p.length))
                        : null;
            case NokvBlock.MMOS_OVER_USB:
                return p.length == 1 ? new NokvBlock.MmosOverUsb(p[0] & 0xFF) : null;
            default:
                return null;
        }
    }

    // ---------------------------------------------------------------- framing

    /**
     * How long the reply starting at {@code b[0]} is, from its signature and length fields, looking
     * at the first {@code available} bytes; -1 when more bytes are needed to tell. For stream links,
     * where message boundaries are lost (DESIGN §3). NOKV: walk the sub-blocks; NOKXFR: 17 + value
     * length (8 when the status is non-zero — an assumption, §9 has no failing trace); NOKXPH: 8 +
     * length; other status replies: 8, including NOKXFS, whose longer async replies have no known
     * length field (§4.2, §9); echoes and NOKU: 4.
     *
     * @throws ProtocolException when the bytes cannot start a NOK reply
     */
    public static int replyLength(byte[] b, int available) {
        if (available < 4) {
            if (available > 0 && !prefixOfNok(b, available)) {
                throw new ProtocolException("not a NOK reply: starts " + Bytes.hex(b, 0, available));
            }
            return -1;
        }
        if (!startsWithNok(b)) {
            throw new ProtocolException("not a NOK reply: starts " + Bytes.hex(b, 0, 4));
        }
        String sig4 = new String(b, 0, 4, StandardCharsets.ISO_8859_1);
        if (sig4.equals("NOKU") || NokEcho.SIGNATURES.contains(sig4)) {
            return 4;
        }
        if (sig4.equals("NOKV")) {
            if (available < 11) {
                return -1;
            }
            int count = b[10] & 0xFF;
            int off = 11;
            for (int i = 0; i < count; i++) {
                if (available < off + 3) {
                    return -1;
                }
                off += 3 + Bytes.be16(b, off + 1);
                guard(off, "NOKV");
            }
            return off;
        }
        if (sig4.equals("NOKM")) {
            return STATUS_REPLY_LENGTH;
        }
        if (sig4.equals("NOKX")) {
            if (available < STATUS_REPLY_LENGTH) {
                return -1;
            }
            String sig6 = new String(b, 0, 6, StandardCharsets.ISO_8859_1);
            if (sig6.equals("NOKXFR")) {
                if (Bytes.be16(b, 6) != 0) {
                    return STATUS_REPLY_LENGTH;
                }
                if (available < NokParamReply.HEADER) {
                    return -1;
                }
                long len = Bytes.be32(b, 13);
                guard(NokParamReply.HEADER + len, "NOKXFR");
                return NokParamReply.HEADER + (int) len;
            }
            if (sig6.equals("NOKXPH")) {
                return 8 + Bytes.be16(b, 6);
            }
            return STATUS_REPLY_LENGTH;
        }
        throw new ProtocolException("no NOK reply starts with " + sig4.replaceAll("[^ -~]", "?"));
    }

    private static void guard(long length, String what) {
        if (length > MAX_REPLY) {
            throw new ProtocolException(what + " reply would be " + length + " bytes, more than the " + MAX_REPLY + " the agent reads");
        }
    }

    private static boolean startsWithNok(byte[] b) {
        return b.length >= 3 && b[0] == 'N' && b[1] == 'O' && b[2] == 'K';
    }

    private static boolean prefixOfNok(byte[] b, int n) {
        byte[] nok = {'N', 'O', 'K'};
        for (int i = 0; i < Math.min(n, 3); i++) {
            if (b[i] != nok[i]) {
                return false;
            }
        }
        return true;
    }

    private static void length(byte[] m, int expected, String what) {
        if (m.length != expected) {
            throw new ProtocolException(what + " is " + expected + " bytes, got " + m.length);
        }
    }

    private static void zero(byte[] m, int off, int len, String what) {
        Bytes.need(m, off, len, what);
        for (int i = off; i < off + len; i++) {
            if (m[i] != 0) {
                throw new ProtocolException(what + ": byte " + i + " is 0x" + Integer.toHexString(m[i] & 0xFF) + ", expected 0");
            }
        }
    }
}
