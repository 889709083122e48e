package dev.lumiaagent.protocol.flashapp;

import dev.lumiaagent.testing.ScriptedLink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashPayload;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.TransferTimeout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code NOKXFS} through {@link NokSession} over a scripted packet link (the edge below the session). */
class NokFlashSessionTest {
    private static final Duration SHORT = Duration.ofMillis(150);
    private static final Duration FLASH = Duration.ofSeconds(30);

    /** Records each written message (bytes, backing array, bound) and replays canned device transfers. */
    static final class FlashLink implements Link {
        final Deque<byte[]> replies = new ArrayDeque<>();
        final List<byte[]> written = new ArrayList<>();
        final List<Object> writtenArrays = new ArrayList<>();
        final List<Duration> writeTimeouts = new ArrayList<>();
        final List<Duration> readTimeouts = new ArrayList<>();
        /** The parts of each gathering write, as the link got them (duplicates: same memory, own positions). */
        final List<ByteBuffer[]> gathered = new ArrayList<>();
        /** Runs inside each gathering write, while the parts are the link's to read. */
        java.util.function.Consumer<ByteBuffer[]> duringGatheredWrite = parts -> { };
        long writeDelayMillis;

        FlashLink(byte[]... replies) {
            this.replies.addAll(List.of(replies));
        }

        @Override
        public void write(ByteBuffer src, Duration timeout) {
            writeTimeouts.add(timeout);
            writtenArrays.add(src.hasArray() ? src.array() : null);
            byte[] b = new byte[src.remaining()];
            src.get(b);
            written.add(b);
            if (writeDelayMillis > 0) {
                try {
                    // time is the subject: a slow write that uses up the session's real-time flash bound
                    Thread.sleep(writeDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Records the parts, then sends their concatenation as one message (the interface's default). */
        @Override
        public void write(ByteBuffer[] srcs, Duration timeout) {
            ByteBuffer[] parts = new ByteBuffer[srcs.length];
            for (int i = 0; i < srcs.length; i++) {
                parts[i] = srcs[i].duplicate();
            }
            gathered.add(parts);
            duringGatheredWrite.accept(parts);
            Link.super.write(srcs, timeout);
        }

        @Override
        public int read(ByteBuffer dst, Duration timeout) {
            readTimeouts.add(timeout);
            byte[] next = replies.poll();
            if (next == null) {
                throw new TransferTimeout(TransferTimeout.Direction.IN, timeout, 0);
            }
            dst.put(next);
            return next.length;
        }

        @Override
        public int maxPacketSize() {
            return 512;
        }

        @Override
        public boolean keepsBoundaries() {
            return true;
        }

        @Override
        public String describe() {
            return "flash-scripted";
        }

        @Override
        public void close() {
        }
    }

    private static byte[] status(int code) {
        return NokCodec.encode(new NokFlashReply(code));
    }

    private static NokSession session(Link link) {
        return new NokSession(link, SHORT, SHORT, FLASH);
    }

    private static byte[] chunk(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    @Test
    void theHeaderGoesAsOneHeaderV1MessageAndStatusZeroIsOk() {
        FlashLink link = new FlashLink(status(0));
        ByteBuffer header = ByteBuffer.wrap(NokFlashCodecGoldenTest.CHUNK16);
        NokResult<NokAck> r = session(link).flashHeader(header, Set.of(FlashOption.SKIP_SIGNATURE_CHECK), 0);
        assertThat(r).isEqualTo(new NokResult.Ok<>("NOKXFS header v1", new NokAck("status 0")));
        assertThat(link.written).containsExactly(NokFlashCodecGoldenTest.HEADER_V1_16_SKIPSIG);
        assertThat(header.position()).as("the caller's buffer is not moved").isZero();
        assertThat(header.remaining()).isEqualTo(16);
    }

    @Test
    void payloadsGoInTheirLayouts() {
        FlashLink link = new FlashLink(status(0), status(0));
        NokSession s = session(link);
        assertThat(s.flashPayload(ByteBuffer.wrap(NokFlashCodecGoldenTest.CHUNK16), false, 42).isOk()).isTrue();
        assertThat(s.flashPayload(ByteBuffer.wrap(NokFlashCodecGoldenTest.CHUNK16), true, 100).isOk()).isTrue();
        assertThat(link.written).containsExactly(NokFlashCodecGoldenTest.PAYLOAD_V1_16, NokFlashCodecGoldenTest.PAYLOAD_V2_16);
    }

    @Test
    void nonZeroStatusesAreRefusalsNamedByTheStatusTable() {
        int[] codes = {0x1304, 0x1003, 0x1004, 0x1007, 0x100B, 0x1106};
        String[] names = {"PLATFORM_ID_MISMATCH", "HASH_MISMATCH", "HEADERS_MISSING", "PAYLOAD_INCOMPLETE", "TOO_MUCH_PAYLOAD",
                "SIGNATURE_VALIDATION_FAILED"};
        for (int i = 0; i < codes.length; i++) {
            FlashLink link = new FlashLink(status(codes[i]));
            NokResult<NokAck> r = session(link).flashPayload(ByteBuffer.wrap(chunk(64, i)), true, 10);
            assertThat(r).isEqualTo(new NokResult.Refused<NokAck>("NOKXFS payload v2", NokStatus.of(codes[i])));
            assertThat(((NokResult.Refused<NokAck>) r).status().name()).isEqualTo(names[i]);
            assertThat(r.ok()).isEmpty();
        }
        FlashLink header = new FlashLink(status(0x1304));
        assertThat(session(header).flashHeader(ByteBuffer.wrap(chunk(32, 0)), Set.of(), 0))
                .isEqualTo(new NokResult.Refused<NokAck>("NOKXFS header v1", NokStatus.of(0x1304)));
    }

    @Test
    void aLongerReplyIsReadByItsStatus() {
        FlashLink link = new FlashLink(Bytes.fromHex("4E4F4B584653 1003 0000000000000000"));
        assertThat(session(link).flashPayload(ByteBuffer.wrap(chunk(16, 0)), false, 1))
                .isEqualTo(new NokResult.Refused<NokAck>("NOKXFS payload v1", NokStatus.of(0x1003)));
    }

    @Test
    void nokuIsUnsupported() {
        FlashLink link = new FlashLink("NOKU".getBytes(StandardCharsets.US_ASCII));
        assertThat(session(link).flashPayload(ByteBuffer.wrap(chunk(16, 0)), true, 0))
                .isEqualTo(new NokResult.Unsupported<NokAck>("NOKXFS payload v2"));
    }

    @Test
    void aReplyToAnotherCommandIsADesync() {
        FlashLink link = new FlashLink(Bytes.fromHex("4E4F4B584657 0000"));
        assertThatThrownBy(() -> session(link).flashHeader(ByteBuffer.wrap(chunk(16, 0)), Set.of(), 0))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("NOKXFS header v1: unexpected reply NOKXFW");
    }

    @Test
    void payloadMessagesGoAsTheReusedHeadPlusAViewOfTheChunkWithoutCopyingTheData() {
        FlashLink link = new FlashLink(status(0), status(0), status(0), status(0), status(0));
        NokSession s = session(link);
        byte[][] payloads = {chunk(64, 1), chunk(32, 2), chunk(64, 3), chunk(100, 6)};
        // Inside each write the data part shows a change made to the caller's array: a view, not a copy.
        link.duringGatheredWrite = parts -> {
            byte[] caller = payloads[link.gathered.size() - 1];
            byte before = caller[0];
            caller[0] = (byte) ~before;
            byte seen = parts[1].get(parts[1].position());
            caller[0] = before;
            assertThat(seen).as("the data part is the caller's memory").isEqualTo((byte) ~before);
            assertThat(parts[1].isReadOnly()).as("the link gets a read-only view").isTrue();
        };
        s.flashPayload(ByteBuffer.wrap(payloads[0]), true, 0);
        s.flashPayload(ByteBuffer.wrap(payloads[1]), true, 1);
        s.flashPayload(ByteBuffer.wrap(payloads[2]), false, 2);
        s.flashHeader(ByteBuffer.wrap(chunk(48, 4)), Set.of(), 0);
        s.flashPayload(ByteBuffer.wrap(payloads[3]), true, 4);

        assertThat(link.gathered).as("four payload messages gathered; the header is a plain write").hasSize(4);
        int[] heads = {0x20, 0x20, 0x1C, 0x20};
        int[] data = {64, 32, 64, 100};
        Object head = link.gathered.get(0)[0].array();
        for (int i = 0; i < 4; i++) {
            ByteBuffer[] parts = link.gathered.get(i);
            assertThat(parts).hasSize(2);
            assertThat(parts[0].remaining()).isEqualTo(heads[i]);
            assertThat(parts[1].remaining()).isEqualTo(data[i]);
            assertThat(parts[0].array()).as("one head buffer for every payload message").isSameAs(head);
        }
        assertThat(link.writtenArrays.get(3)).as("the header has a buffer of its own").isNotNull().isNotSameAs(head);
        // What goes on the wire is the single-buffer encoding, byte for byte; a reused head leaks nothing.
        assertThat(link.written.get(0)).isEqualTo(NokCodec.encode(NokFlashPayload.v2(0, ByteBuffer.wrap(chunk(64, 1)))));
        assertThat(link.written.get(1)).isEqualTo(NokCodec.encode(NokFlashPayload.v2(1, ByteBuffer.wrap(chunk(32, 2)))));
        assertThat(link.written.get(2)).isEqualTo(NokCodec.encode(NokFlashPayload.v1(2, ByteBuffer.wrap(chunk(64, 3)))));
        assertThat(link.written.get(4)).isEqualTo(NokCodec.encode(NokFlashPayload.v2(4, ByteBuffer.wrap(chunk(100, 6)))));
    }

    @Test
    void aPayloadMessageLeavesTheCallersBufferAsItWas() {
        FlashLink link = new FlashLink(status(0));
        ByteBuffer chunk = ByteBuffer.wrap(chunk(64, 9));
        chunk.position(8).limit(40);
        assertThat(session(link).flashPayload(chunk, true, 7).isOk()).isTrue();
        assertThat(chunk.position()).isEqualTo(8);
        assertThat(chunk.limit()).isEqualTo(40);
        assertThat(link.written.get(0)).isEqualTo(NokCodec.encode(NokFlashPayload.v2(7, ByteBuffer.wrap(chunk(64, 9), 8, 32))));
    }

    @Test
    void eachMessageIsBoundByTheFlashTimeoutNotTheReplyTimeout() {
        FlashLink link = new FlashLink(status(0));
        session(link).flashPayload(ByteBuffer.wrap(chunk(16, 0)), true, 0);
        assertThat(link.writeTimeouts).containsExactly(FLASH);
        assertThat(link.readTimeouts).hasSize(1);
        assertThat(link.readTimeouts.get(0)).isGreaterThan(Duration.ofSeconds(1)).isLessThanOrEqualTo(FLASH);
    }

    @Test
    void theDefaultFlashBoundIsLpExternals60Seconds() {
        FlashLink link = new FlashLink(status(0));
        NokSession s = new NokSession(link, SHORT, SHORT);
        assertThat(s.flashTimeout()).isEqualTo(Duration.ofSeconds(60)).isEqualTo(NokSession.DEFAULT_FLASH_TIMEOUT);
        s.flashHeader(ByteBuffer.wrap(chunk(16, 0)), Set.of(), 0);
        assertThat(link.writeTimeouts).containsExactly(Duration.ofSeconds(60));
    }

    @Test
    void aWriteThatUsesTheWholeBoundTimesOutWithoutWaitingForAReply() {
        FlashLink link = new FlashLink(status(0));
        link.writeDelayMillis = 80;
        NokSession s = new NokSession(link, SHORT, SHORT, Duration.ofMillis(30));
        assertThatThrownBy(() -> s.flashPayload(ByteBuffer.wrap(chunk(16, 0)), false, 0))
                .isInstanceOfSatisfying(TransferTimeout.class, e -> assertThat(e.direction()).isEqualTo(TransferTimeout.Direction.IN));
        assertThat(link.readTimeouts).isEmpty();
    }

    @Test
    void noReplyIsATimeout() {
        FlashLink link = new FlashLink();
        assertThatThrownBy(() -> session(link).flashPayload(ByteBuffer.wrap(chunk(16, 0)), true, 0))
                .isInstanceOf(TransferTimeout.class);
    }

    @Test
    void onAStreamLinkTheReplyIsReassembledByteByByte() {
        ScriptedLink link = new ScriptedLink(false, 1, status(0), status(0x100B));
        NokSession s = session(link);
        assertThat(s.flashHeader(ByteBuffer.wrap(chunk(16, 0)), Set.of(), 0).isOk()).isTrue();
        assertThat(s.flashPayload(ByteBuffer.wrap(chunk(16, 0)), false, 100))
                .isEqualTo(new NokResult.Refused<NokAck>("NOKXFS payload v1", NokStatus.of(0x100B)));
    }

    @Test
    void badArgumentsSendNothing() {
        FlashLink link = new FlashLink(status(0));
        NokSession s = session(link);
        assertThatThrownBy(() -> s.flashPayload(ByteBuffer.wrap(chunk(16, 0)), true, 101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.flashPayload(ByteBuffer.allocate(0), true, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.flashHeader(ByteBuffer.allocate(0), Set.of(), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.flashHeader(ByteBuffer.wrap(chunk(4, 0)), Set.of(), -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(link.written).isEmpty();
    }

    @Test
    void flashingStatusReadsTheFsParameter() {
        FlashLink link = new FlashLink(NokCodec.encode(new NokParamReply(0, "FS", Bytes.fromHex("00000001"))),
                NokCodec.encode(new NokParamReply(0, "FS", Bytes.fromHex("00000000"))),
                Bytes.fromHex("4E4F4B584652 000B"), "NOKU".getBytes(StandardCharsets.US_ASCII));
        NokSession s = session(link);
        assertThat(s.readFlashingStatus().ok()).hasValueSatisfying(fs -> assertThat(fs.flashingIncomplete()).isTrue());
        assertThat(s.readFlashingStatus().ok()).hasValueSatisfying(fs -> assertThat(fs.flashingIncomplete()).isFalse());
        assertThat(s.readFlashingStatus()).isEqualTo(new NokResult.Refused<>("NOKXFR FS", NokStatus.of(0x0B)));
        assertThat(s.readFlashingStatus()).isEqualTo(new NokResult.Unsupported<>("NOKXFR FS"));
        assertThat(link.written.get(0)).isEqualTo(Bytes.fromHex("4E4F4B584652 00 46530000"));
    }

    @Test
    void aMalformedFlashingStatusIsADesync() {
        FlashLink link = new FlashLink(NokCodec.encode(new NokParamReply(0, "FS", Bytes.fromHex("0001"))));
        assertThatThrownBy(() -> session(link).readFlashingStatus()).isInstanceOf(ProtocolException.class);
    }
}
