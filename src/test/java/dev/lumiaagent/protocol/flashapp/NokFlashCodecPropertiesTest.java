package dev.lumiaagent.protocol.flashapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashHeader;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashPayload;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashRequest;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class NokFlashCodecPropertiesTest {

    @Provide
    Arbitrary<NokFlashRequest> flashRequests() {
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<Integer> progress = Arbitraries.integers().between(0, 100);
        Arbitrary<NokFlashRequest> headers = Combinators.combine(progress, Arbitraries.of(FlashOption.class).set(), data)
                .as((p, o, d) -> new NokFlashHeader(p, o, ByteBuffer.wrap(d)));
        Arbitrary<NokFlashRequest> payloads = Combinators.combine(Arbitraries.of(NokFlashLayout.PAYLOAD_V1, NokFlashLayout.PAYLOAD_V2),
                progress, Arbitraries.integers().between(0, 255), data)
                .as((l, p, o, d) -> new NokFlashPayload(l, p, o, ByteBuffer.wrap(d)));
        return Arbitraries.oneOf(headers, payloads);
    }

    @Property(tries = 500)
    void flashRequestsRoundTrip(@ForAll("flashRequests") NokFlashRequest request) {
        byte[] wire = NokCodec.encode(request);
        assertThat(wire).hasSize(request.messageLength());
        assertThat(NokCodec.decodeRequest(wire)).isEqualTo(request);
        assertThat(NokCodec.decodeFlash(ByteBuffer.wrap(wire))).isEqualTo(request);
        assertThat(NokCodec.knownRequestSignature(wire)).contains("NOKXFS");
        assertThat(request.toString()).startsWith("NOKXFS " + request.layout().label());
    }

    @Property(tries = 300)
    void encodingIntoADirtyReusedBufferGivesTheSameBytes(@ForAll("flashRequests") NokFlashRequest request,
                                                        @ForAll byte fill, @ForAll @IntRange(max = 40) int at) {
        ByteBuffer reused = ByteBuffer.allocateDirect(at + request.messageLength() + 5);
        while (reused.hasRemaining()) {
            reused.put(fill);
        }
        reused.position(at);
        NokCodec.encodeFlash(request, reused);
        assertThat(reused.position()).isEqualTo(at + request.messageLength());
        byte[] got = new byte[request.messageLength()];
        reused.get(at, got);
        assertThat(got).isEqualTo(NokCodec.encode(request));
    }

    /** A valid message with one byte changed, cut, or extended: the decoder answers a record or a ProtocolException. */
    @Property(tries = 2000)
    void damagedMessagesThrowOnlyProtocolException(@ForAll("flashRequests") NokFlashRequest request,
                                                   @ForAll @IntRange(max = 0x60) int at, @ForAll byte value,
                                                   @ForAll @IntRange(max = 2) int how) {
        byte[] wire = NokCodec.encode(request);
        byte[] damaged;
        if (how == 0) {
            damaged = wire.clone();
            damaged[Math.min(at, wire.length - 1)] = value;
        } else if (how == 1) {
            damaged = Arrays.copyOf(wire, Math.min(at, wire.length));
        } else {
            damaged = Arrays.copyOf(wire, wire.length + 1 + at % 3);
        }
        onlyProtocolException(damaged);
    }

    @Property(tries = 2000)
    void randomBytesAfterTheSignatureThrowOnlyProtocolException(@ForAll("nokxfsGarbage") byte[] b) {
        onlyProtocolException(b);
    }

    @Provide
    Arbitrary<byte[]> nokxfsGarbage() {
        byte[] sig = "NOKXFS".getBytes(StandardCharsets.US_ASCII);
        // Half the time the common fields are plausible, so the layout-specific checks are reached.
        Arbitrary<byte[]> plausible = Combinators.combine(Arbitraries.of(List.of(1, 2, 4, 0x10, 7)),
                Arbitraries.of(List.of(0x0B, 0x0C, 0x1B, 0x21, 0x1D, 0x99)), Arbitraries.bytes().array(byte[].class).ofMaxSize(120))
                .as((protocol, type, tail) -> {
                    byte[] m = Arrays.copyOf(sig, 0x14 + tail.length);
                    m[7] = (byte) (int) protocol;
                    m[0x0B] = 1;
                    m[0x0F] = (byte) (int) type;
                    System.arraycopy(tail, 0, m, 0x10, Math.min(tail.length, m.length - 0x10));
                    return m;
                });
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(120).map(tail -> {
            byte[] m = Arrays.copyOf(sig, sig.length + tail.length);
            System.arraycopy(tail, 0, m, sig.length, tail.length);
            return m;
        });
        return Arbitraries.oneOf(plausible, random);
    }

    private static void onlyProtocolException(byte[] b) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                if (attempt == 0) {
                    NokCodec.decodeRequest(b);
                } else {
                    NokCodec.decodeFlash(ByteBuffer.wrap(b).asReadOnlyBuffer());
                }
            } catch (ProtocolException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Property(tries = 300)
    void flashRepliesWithExtraBytesRoundTripOnPacketLinks(@ForAll @IntRange(max = 0xFFFF) int code,
                                                         @ForAll("extra") byte[] extra) {
        NokFlashReply reply = new NokFlashReply(code, extra);
        byte[] wire = NokCodec.encode(reply);
        assertThat(wire).hasSize(8 + extra.length);
        assertThat(NokCodec.decodeReply(wire)).isEqualTo(reply);
        assertThat(((NokFlashReply) NokCodec.decodeReply(wire)).status()).isEqualTo(NokStatus.of(code));
    }

    @Provide
    Arbitrary<byte[]> extra() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
    }
}
