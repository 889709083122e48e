package dev.lumiaagent.protocol.flashapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashHeader;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashPayload;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashRequest;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code NOKXFS} messages byte for byte, built from the field table of lumia-protocols.md §4.2 (every
 * offset written out in the hex), in both directions: record → bytes and bytes → record.
 */
class NokFlashCodecGoldenTest {

    /** 00 01 02 … 0F: the dummy chunk of the small examples. */
    static final byte[] CHUNK16 = Bytes.fromHex("000102030405060708090A0B0C0D0E0F");

    //                                      sig          proto prog [9..10] cnt type     sblen    [0x14]   [0x18..]
    /** Header v1, 0x20000-byte header, options 0, progress 0: the 0x20 bytes before the data. */
    static final String HEADER_V1_128K_PREFIX = "4E4F4B584653 0001 00 0000 01 0000000B 0002000C 00000000 00020000 00 000000";
    /** Payload v1, progress 42, the 16-byte chunk: data at 0x1C. */
    static final byte[] PAYLOAD_V1_16 = Bytes.fromHex(
            "4E4F4B584653 0001 2A 0000 01 0000000C 00000018 00000010 00 000000" + "000102030405060708090A0B0C0D0E0F");
    /** Payload v2, progress 100, the 16-byte chunk: data at 0x20. */
    static final byte[] PAYLOAD_V2_16 = Bytes.fromHex(
            "4E4F4B584653 0004 64 0000 01 0000001B 0000001C 00000010 00 00000000000000" + "000102030405060708090A0B0C0D0E0F");
    /** Header v1, progress 0, options SkipSignatureCheck (0x08), the 16-byte "header". */
    static final byte[] HEADER_V1_16_SKIPSIG = Bytes.fromHex(
            "4E4F4B584653 0001 00 0000 01 0000000B 0000001C 00000000 00000010 08 000000" + "000102030405060708090A0B0C0D0E0F");

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + (i >>> 8));
        }
        return b;
    }

    @Test
    void headerV1WithA128KiBHeaderAndNoOptions() {
        byte[] header = pattern(0x20000);
        NokFlashHeader h = new NokFlashHeader(0, Set.of(), ByteBuffer.wrap(header));
        byte[] wire = NokCodec.encode(h);

        assertThat(wire).hasSize(0x20 + 0x20000);
        assertThat(Bytes.hex(wire, 0, 0x20)).isEqualTo(HEADER_V1_128K_PREFIX.replace(" ", ""));
        assertThat(Arrays.copyOfRange(wire, 0x20, wire.length)).isEqualTo(header);

        NokFlashHeader back = (NokFlashHeader) NokCodec.decodeRequest(wire);
        assertThat(back).isEqualTo(h);
        assertThat(back.options()).isEmpty();
        assertThat(back.progress()).isZero();
        assertThat(back.dataLength()).isEqualTo(0x20000);
        assertThat(back.layout()).isEqualTo(NokFlashLayout.HEADER_V1);
        assertThat(back.toString()).isEqualTo("NOKXFS header v1 (progress 0%, options [] 0x00, 131072-byte combined header)");
    }

    @Test
    void headerV1CarriesTheOptionsByteAt0x1C() {
        NokFlashHeader h = new NokFlashHeader(0, Set.of(FlashOption.SKIP_SIGNATURE_CHECK), ByteBuffer.wrap(CHUNK16));
        assertThat(NokCodec.encode(h)).isEqualTo(HEADER_V1_16_SKIPSIG);
        NokFlashHeader back = (NokFlashHeader) NokCodec.decodeRequest(HEADER_V1_16_SKIPSIG);
        assertThat(back.options()).containsExactly(FlashOption.SKIP_SIGNATURE_CHECK);
        assertThat(back.optionsByte()).isEqualTo(0x08);
        assertThat(back).isEqualTo(h);
    }

    @Test
    void everyOptionHasItsBit() {
        assertThat(FlashOption.toByte(EnumSet.allOf(FlashOption.class))).isEqualTo(0x0F);
        assertThat(FlashOption.SKIP_WRITE.bit()).isEqualTo(1);
        assertThat(FlashOption.SKIP_HASH_CHECK.bit()).isEqualTo(2);
        assertThat(FlashOption.SKIP_ID_CHECK.bit()).isEqualTo(4);
        assertThat(FlashOption.SKIP_SIGNATURE_CHECK.bit()).isEqualTo(8);
        assertThat(FlashOption.fromByte(0x06)).containsExactly(FlashOption.SKIP_HASH_CHECK, FlashOption.SKIP_ID_CHECK);
        byte[] all = HEADER_V1_16_SKIPSIG.clone();
        all[0x1C] = 0x0F;
        assertThat(((NokFlashHeader) NokCodec.decodeRequest(all)).options()).containsExactlyInAnyOrder(FlashOption.values());
    }

    @Test
    void payloadV1WithASixteenByteChunk() {
        NokFlashPayload p = NokFlashPayload.v1(42, ByteBuffer.wrap(CHUNK16));
        assertThat(NokCodec.encode(p)).isEqualTo(PAYLOAD_V1_16).hasSize(0x1C + 16);
        NokFlashPayload back = (NokFlashPayload) NokCodec.decodeRequest(PAYLOAD_V1_16);
        assertThat(back).isEqualTo(p);
        assertThat(back.layout()).isEqualTo(NokFlashLayout.PAYLOAD_V1);
        assertThat(back.progress()).isEqualTo(42);
        assertThat(back.dataOptions()).isZero();
        assertThat(bytesOf(back.data())).isEqualTo(CHUNK16);
        assertThat(back.toString()).isEqualTo("NOKXFS payload v1 (progress 42%, 16 data bytes, data options 0x00)");
    }

    @Test
    void payloadV2WithASixteenByteChunk() {
        NokFlashPayload p = NokFlashPayload.v2(100, ByteBuffer.wrap(CHUNK16));
        assertThat(NokCodec.encode(p)).isEqualTo(PAYLOAD_V2_16).hasSize(0x20 + 16);
        NokFlashPayload back = (NokFlashPayload) NokCodec.decodeRequest(PAYLOAD_V2_16);
        assertThat(back).isEqualTo(p);
        assertThat(back.layout()).isEqualTo(NokFlashLayout.PAYLOAD_V2);
        assertThat(back.progress()).isEqualTo(100);
    }

    @Test
    void theDataOptionsByteIsAt0x18() {
        byte[] verify = PAYLOAD_V2_16.clone();
        verify[0x18] = 1;
        NokFlashPayload p = (NokFlashPayload) NokCodec.decodeRequest(verify);
        assertThat(p.dataOptions()).isEqualTo(1);
        assertThat(NokCodec.encode(p)).isEqualTo(verify);
    }

    @Test
    void theEncoderWritesIntoAReusedBufferAtItsPositionAndClearsOldBytes() {
        ByteBuffer reused = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
        Arrays.fill(reused.array(), (byte) 0xEE);
        reused.position(7);
        NokCodec.encodeFlash(NokFlashPayload.v2(100, ByteBuffer.wrap(CHUNK16)), reused);
        assertThat(reused.position()).isEqualTo(7 + PAYLOAD_V2_16.length);
        assertThat(Arrays.copyOfRange(reused.array(), 7, 7 + PAYLOAD_V2_16.length)).isEqualTo(PAYLOAD_V2_16);
        assertThat(reused.array()[6]).isEqualTo((byte) 0xEE);
        assertThat(reused.array()[7 + PAYLOAD_V2_16.length]).isEqualTo((byte) 0xEE);

        ByteBuffer tooSmall = ByteBuffer.allocate(PAYLOAD_V2_16.length - 1);
        assertThatThrownBy(() -> NokCodec.encodeFlash(NokFlashPayload.v2(100, ByteBuffer.wrap(CHUNK16)), tooSmall))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 48 bytes");
    }

    @Test
    void recordsTakeTheRemainingBytesAsAViewAndLeaveTheCallersBufferAlone() {
        ByteBuffer caller = ByteBuffer.wrap(pattern(64));
        caller.position(10).limit(26);
        NokFlashPayload p = NokFlashPayload.v1(0, caller);
        assertThat(caller.position()).isEqualTo(10);
        assertThat(caller.limit()).isEqualTo(26);
        assertThat(p.dataLength()).isEqualTo(16);
        assertThat(bytesOf(p.data())).isEqualTo(Arrays.copyOfRange(pattern(64), 10, 26));
        assertThat(p.data().isReadOnly()).isTrue();
        ByteBuffer drained = p.data();
        drained.position(16);
        assertThat(p.data().remaining()).isEqualTo(16);
    }

    @Test
    void theDecoderGivesAViewOfTheReceivedMessageWithoutCopying() {
        byte[] frame = new byte[5 + PAYLOAD_V2_16.length + 3];
        System.arraycopy(PAYLOAD_V2_16, 0, frame, 5, PAYLOAD_V2_16.length);
        ByteBuffer message = ByteBuffer.wrap(frame, 5, PAYLOAD_V2_16.length);
        NokFlashRequest r = NokCodec.decodeFlash(message);
        assertThat(message.position()).isEqualTo(5);
        assertThat(message.limit()).isEqualTo(5 + PAYLOAD_V2_16.length);
        assertThat(r.dataLength()).isEqualTo(16);
        assertThat(r.data().isReadOnly()).isTrue();

        frame[5 + 0x20] = (byte) 0xAB;
        assertThat(r.data().get(0)).as("the view shares the message's memory").isEqualTo((byte) 0xAB);
    }

    @Test
    void headerV2IsRecognisedAndRefusedWithEitherSourcesProtocol() {
        // wpi SendFfuHeaderV2 per §4.2: type 0x21, length part+0x28, [0x18] total, [0x1C] options,
        // [0x1D] offset of this part, [0x21] part length, [0x25] erase 0, data at 0x3C.
        String fields = "01 0000 01 00000021 0000002C 00000000 00001000 00 00000000 00000004 00" + "00".repeat(0x3C - 0x26)
                + "DEADBEEF";
        for (String protocol : new String[] {"0004", "0002"}) {
            byte[] m = Bytes.fromHex("4E4F4B584653" + protocol + fields);
            assertThat(m).hasSize(0x3C + 4);
            assertThatThrownBy(() -> NokCodec.decodeRequest(m)).isInstanceOfSatisfying(NokFlashUnsupported.class,
                    e -> assertThat(e.layout()).isEqualTo(NokFlashLayout.HEADER_V2));
        }
        byte[] wrongProtocol = Bytes.fromHex("4E4F4B584653" + "0001" + fields);
        assertThatThrownBy(() -> NokCodec.decodeRequest(wrongProtocol)).isInstanceOf(ProtocolException.class)
                .isNotInstanceOf(NokFlashUnsupported.class).hasMessageContaining("does not go with sub-block type 0x21");
    }

    @Test
    void payloadV3IsRecognisedAndRefused() {
        // §4.2: protocol 0x0010, type 0x1D, length len+0x2C, [0x18] options, [0x19] descriptor index, [0x1D] CRC, data at 0x40.
        byte[] m = Bytes.fromHex("4E4F4B584653 0010 00 0000 01 0000001D 00000030 00000004 00 00000007 12345678"
                + "00".repeat(0x40 - 0x21) + "CAFEF00D");
        assertThat(m).hasSize(0x40 + 4);
        assertThatThrownBy(() -> NokCodec.decodeFlash(ByteBuffer.wrap(m))).isInstanceOfSatisfying(NokFlashUnsupported.class,
                e -> assertThat(e.layout()).isEqualTo(NokFlashLayout.PAYLOAD_V3));
    }

    @Test
    void theDecoderIsStrictAboutEveryField() {
        rejects(PAYLOAD_V1_16, 0x13, 0x19, "sub-block length");        // len+0x08 = 0x18, not 0x19
        rejects(PAYLOAD_V2_16, 0x13, 0x18, "sub-block length");        // len+0x0C = 0x1C, not 0x18
        rejects(HEADER_V1_16_SKIPSIG, 0x13, 0x18, "sub-block length"); // len+0x0C = 0x1C
        rejects(PAYLOAD_V1_16, 0x0B, 0x02, "sub-block count");
        rejects(PAYLOAD_V1_16, 0x09, 0x01, "bytes 9..10");
        rejects(PAYLOAD_V2_16, 0x1F, 0x01, "padding");
        rejects(HEADER_V1_16_SKIPSIG, 0x1D, 0x01, "padding");
        rejects(HEADER_V1_16_SKIPSIG, 0x17, 0x01, "header type");
        rejects(HEADER_V1_16_SKIPSIG, 0x1C, 0x18, "bits no source names");
        rejects(PAYLOAD_V1_16, 0x08, 101, "progress");
        rejects(PAYLOAD_V1_16, 0x0F, 0x0D, "none of");
        rejects(PAYLOAD_V2_16, 0x07, 0x01, "does not go with");
        byte[] other = PAYLOAD_V1_16.clone();
        other[5] = 'R';
        assertThatThrownBy(() -> NokCodec.decodeFlash(ByteBuffer.wrap(other))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("not a NOKXFS message: starts 4E4F4B584652");

        byte[] cut = Arrays.copyOf(PAYLOAD_V2_16, PAYLOAD_V2_16.length - 1);
        assertThatThrownBy(() -> NokCodec.decodeRequest(cut)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("declares 16 data bytes and carries 15 (cut short)");
        byte[] longer = Arrays.copyOf(PAYLOAD_V1_16, PAYLOAD_V1_16.length + 1);
        assertThatThrownBy(() -> NokCodec.decodeRequest(longer)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("carries 17");
        byte[] stub = Arrays.copyOf(PAYLOAD_V2_16, 0x1E);
        assertThatThrownBy(() -> NokCodec.decodeRequest(stub)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("shorter than its 0x20-byte header");
        byte[] tiny = Arrays.copyOf(PAYLOAD_V2_16, 0x10);
        assertThatThrownBy(() -> NokCodec.decodeRequest(tiny)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("shorter than the 0x14 bytes");
    }

    private static void rejects(byte[] golden, int offset, int value, String message) {
        byte[] m = golden.clone();
        m[offset] = (byte) value;
        assertThatThrownBy(() -> NokCodec.decodeRequest(m)).as("byte 0x%X = 0x%X", offset, value)
                .isInstanceOf(ProtocolException.class).hasMessageContaining(message);
    }

    /** The golden messages with the requests they encode (the header-v1 one carries SkipSignatureCheck). */
    private static final Object[][] GOLDEN = {
        {PAYLOAD_V1_16, NokFlashPayload.v1(42, ByteBuffer.wrap(CHUNK16))},
        {PAYLOAD_V2_16, NokFlashPayload.v2(100, ByteBuffer.wrap(CHUNK16))},
        {HEADER_V1_16_SKIPSIG, new NokFlashHeader(0, Set.of(FlashOption.SKIP_SIGNATURE_CHECK), ByteBuffer.wrap(CHUNK16))},
    };

    @Test
    void theHeadBeforeTheDataFollowedByTheDataIsTheGoldenMessage() {
        for (Object[] g : GOLDEN) {
            byte[] golden = (byte[]) g[0];
            NokFlashRequest r = (NokFlashRequest) g[1];
            int offset = r.layout().dataOffset();
            ByteBuffer head = ByteBuffer.allocate(0x40);
            Arrays.fill(head.array(), (byte) 0xEE); // a reused buffer: every head byte is rewritten
            head.position(3);
            NokCodec.encodeFlashHead(r, head);
            assertThat(head.position()).isEqualTo(3 + offset);
            byte[] joined = new byte[offset + r.dataLength()];
            System.arraycopy(head.array(), 3, joined, 0, offset);
            r.data().get(joined, offset, r.dataLength());
            assertThat(joined).as(r.toString()).isEqualTo(golden);
            assertThat(head.array()[3 + offset]).as("nothing written past the head").isEqualTo((byte) 0xEE);
        }
        ByteBuffer tooSmall = ByteBuffer.allocate(0x1F);
        assertThatThrownBy(() -> NokCodec.encodeFlashHead(NokFlashPayload.v2(1, ByteBuffer.wrap(CHUNK16)), tooSmall))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes before its data");
    }

    /** {@code message} cut at {@code cuts}, each part inside a larger array (bytes around it that are not the message's). */
    private static ByteBuffer[] parts(byte[] message, int... cuts) {
        ByteBuffer[] parts = new ByteBuffer[cuts.length + 1];
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : message.length;
            byte[] room = new byte[to - from + 4];
            Arrays.fill(room, (byte) 0x5A);
            System.arraycopy(message, from, room, 2, to - from);
            parts[i] = ByteBuffer.wrap(room, 2, to - from);
            from = to;
        }
        return parts;
    }

    @Test
    void aMessageInPartsDecodesAsTheSameMessageWhereverItIsCut() {
        for (Object[] g : GOLDEN) {
            byte[] golden = (byte[]) g[0];
            NokFlashRequest expected = (NokFlashRequest) g[1];
            int offset = expected.layout().dataOffset();
            for (int a = 0; a <= golden.length; a++) {
                for (int b = a; b <= golden.length; b += 5) {
                    ByteBuffer[] parts = parts(golden, a, b);
                    NokFlashRequest r = NokCodec.decodeFlash(parts);
                    assertThat(r).as("cut at %d and %d", a, b).isEqualTo(expected);
                    assertThat(bytesOf(r.data())).isEqualTo(CHUNK16);
                    assertThat(r.data().isReadOnly()).isTrue();
                    for (ByteBuffer p : parts) {
                        assertThat(p.position()).as("parts are not moved").isEqualTo(2);
                    }
                    if (a == b && a <= offset) {
                        // All the data in the second part: the record shows that part's memory, not a copy.
                        ByteBuffer last = parts[2];
                        int at = last.position() + (offset - a);
                        last.array()[at] = (byte) 0xAB;
                        assertThat(r.data().get(0)).as("cut at %d: a view of the part", a).isEqualTo((byte) 0xAB);
                    }
                }
            }
        }
    }

    @Test
    void aMalformedMessageInPartsIsRefusedInTheSameWordsAsInOneBuffer() {
        int[][] edits = {{0x13, 0x19}, {0x0B, 0x02}, {0x09, 0x01}, {0x08, 101}, {0x0F, 0x0D}, {0x07, 0x01}, {0x05, 'R'}, {0x1D, 0x01}};
        java.util.List<byte[]> bad = new java.util.ArrayList<>();
        for (int[] e : edits) {
            for (byte[] golden : new byte[][] {PAYLOAD_V1_16, PAYLOAD_V2_16, HEADER_V1_16_SKIPSIG}) {
                byte[] m = golden.clone();
                m[e[0]] = (byte) e[1];
                bad.add(m);
            }
        }
        bad.add(Arrays.copyOf(PAYLOAD_V2_16, PAYLOAD_V2_16.length - 1));
        bad.add(Arrays.copyOf(PAYLOAD_V1_16, PAYLOAD_V1_16.length + 1));
        bad.add(Arrays.copyOf(PAYLOAD_V2_16, 0x1E));
        bad.add(Arrays.copyOf(PAYLOAD_V2_16, 0x10));
        bad.add(new byte[0]);
        int refused = 0;
        for (byte[] m : bad) {
            String oneBuffer;
            try {
                NokCodec.decodeFlash(ByteBuffer.wrap(m));
                continue; // an edit the decoder accepts (e.g. padding it does not check in that layout)
            } catch (ProtocolException e) {
                oneBuffer = e.getMessage();
            }
            refused++;
            for (int cut = 0; cut <= m.length; cut++) {
                ByteBuffer[] parts = parts(m, cut);
                assertThatThrownBy(() -> NokCodec.decodeFlash(parts)).as("%s cut at %d", Bytes.hex(m), cut)
                        .isInstanceOf(ProtocolException.class).hasMessage(oneBuffer);
            }
        }
        assertThat(refused).as("the edits make malformed messages").isGreaterThan(20);
    }

    @Test
    void nokxfsIsAKnownRequestSignature() {
        assertThat(NokCodec.knownRequestSignature(PAYLOAD_V1_16)).contains("NOKXFS");
    }

    // ------------------------------------------------------------ replies

    @Test
    void statusZeroReply() {
        byte[] wire = Bytes.fromHex("4E4F4B584653 0000");
        NokFlashReply r = (NokFlashReply) NokCodec.decodeReply(wire);
        assertThat(r).isEqualTo(new NokFlashReply(0));
        assertThat(r.ok()).isTrue();
        assertThat(r.status()).isEqualTo(NokStatus.OK);
        assertThat(NokCodec.encode(r)).isEqualTo(wire);
        assertThat(NokCodec.replyLength(wire, wire.length)).isEqualTo(8);
    }

    @Test
    void hashMismatchReply() {
        byte[] wire = Bytes.fromHex("4E4F4B584653 1003");
        NokFlashReply r = (NokFlashReply) NokCodec.decodeReply(wire);
        assertThat(r.code()).isEqualTo(0x1003);
        assertThat(r.ok()).isFalse();
        assertThat(r.status().name()).isEqualTo("HASH_MISMATCH");
        assertThat(r.toString()).isEqualTo("NOKXFS status 0x1003 HASH_MISMATCH");
        assertThat(NokCodec.encode(r)).isEqualTo(wire);
    }

    @Test
    void bytesAfterTheStatusAreKeptRaw() {
        // thor2's async mode expects 16-byte replies (§4.2); their layout is unknown, so they stay raw.
        byte[] wire = Bytes.fromHex("4E4F4B584653 1304 0102030405060708");
        NokFlashReply r = (NokFlashReply) NokCodec.decodeReply(wire);
        assertThat(r.status().name()).isEqualTo("PLATFORM_ID_MISMATCH");
        assertThat(r.extra()).isEqualTo(Bytes.fromHex("0102030405060708"));
        assertThat(NokCodec.encode(r)).isEqualTo(wire);
        assertThat(NokCodec.replyLength(wire, wire.length)).as("stream framing knows only the 8-byte form").isEqualTo(8);
    }

    @Test
    void aReplyShorterThanTheStatusIsADesync() {
        assertThatThrownBy(() -> NokCodec.decodeReply(Bytes.fromHex("4E4F4B584653 10"))).isInstanceOf(ProtocolException.class);
        assertThat(NokCodec.replyLength(Bytes.fromHex("4E4F4B584653 10"), 7)).isEqualTo(-1);
    }

    @Test
    void nokxfsStatusRepliesHaveOneRecord() {
        assertThatThrownBy(() -> new NokStatusReply("NOKXFS", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytesOf(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
