package dev.lumiaagent.protocol.flashapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.protocol.flashapp.NokRequest.NokContextSwitch;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokErasePartition;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokPhoneInfoQuery;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokReadParam;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokWriteParam;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class NokCodecPropertiesTest {
    private static final List<String> SIGNATURES = List.of("NOKV", "NOKI", "NOKD", "NOKR", "NOKS", "NOKP", "NOKA",
            "NOKM", "NOKZ", "NOKG", "NOKU", "NOKXCB", "NOKXFR", "NOKXFW", "NOKXFP", "NOKXPH", "NOKXFS", "NOKX", "NOK");

    // ------------------------------------------------------------ garbage in: only ProtocolException out

    @Property(tries = 2000)
    void randomBytesIntoEveryDecoderThrowOnlyProtocolException(@ForAll("garbage") byte[] b) {
        onlyProtocolException(NokCodec::decodeReply, b);
        onlyProtocolException(NokCodec::decodeRequest, b);
        onlyProtocolException(x -> NokCodec.replyLength(x, x.length), b);
        onlyProtocolException(NokParamValue.ChargeState::decode, b);
        onlyProtocolException(NokParamValue.SecurityStatus::decode, b);
        onlyProtocolException(NokParamValue.FuseFlags::decode, b);
        onlyProtocolException(NokParamValue.FlashAppInfo::decode, b);
        onlyProtocolException(NokParamValue.PublicId::decode, b);
        onlyProtocolException(NokParamValue.EmmcCid::decode, b);
        onlyProtocolException(NokParamValue.Sectors::decode, b);
        onlyProtocolException(NokParamValue.FlashingStatus::decode, b);
        onlyProtocolException(NokParamValue.ResetProtection::decode, b);
        for (NokParam p : NokParam.values()) {
            NokParamReply r = new NokParamReply(0, p.wireName(), b);
            onlyProtocolException(x -> typedRead(r, p), b);
            assertThat(r.toString()).startsWith("NOKXFR " + p.wireName());
        }
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(120);
        Arbitrary<byte[]> signed = Combinators.combine(Arbitraries.of(SIGNATURES), random).as((sig, tail) -> {
            byte[] s = sig.getBytes(StandardCharsets.US_ASCII);
            byte[] out = Arrays.copyOf(s, s.length + tail.length);
            System.arraycopy(tail, 0, out, s.length, tail.length);
            return out;
        });
        return Arbitraries.oneOf(random, signed, signed);
    }

    private static Object typedRead(NokParamReply r, NokParam p) {
        switch (p) {
            case FVER:
                return r.firmwareVersion();
            case RRKH:
                return r.rootKeyHash();
            case SS:
                return r.securityStatus();
            case FCS:
                return r.fuseFlags();
            case CS:
                return r.chargeState();
            case FAI:
                return r.flashAppInfo();
            case DPI:
                return r.platformId();
            case PID:
                return r.publicId();
            case CID:
                return r.emmcCid();
            case EMS:
                return r.emmcSectors();
            case SDS:
                return r.sdSectors();
            case FS:
                return r.flashingStatus();
            case ATRP:
                return r.resetProtection();
            default:
                throw new AssertionError(p);
        }
    }

    private static void onlyProtocolException(Function<byte[], ?> decoder, byte[] b) {
        try {
            decoder.apply(b);
        } catch (ProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    // ------------------------------------------------------------ NOKV: any well-framed reply is byte-exact

    @Property(tries = 1000)
    void anyWellFramedNokvDecodesAndReEncodesByteForByte(@ForAll("nokvFrames") byte[] frame) {
        NokvReply r = (NokvReply) NokCodec.decodeReply(frame);
        assertThat(NokCodec.encode(r)).isEqualTo(frame);
        assertThat(NokCodec.replyLength(frame, frame.length)).isEqualTo(frame.length);
        assertThat(r.toString()).startsWith("NOKV " + r.app().traceName());
    }

    @Provide
    Arbitrary<byte[]> nokvFrames() {
        Arbitrary<Integer> ids = Arbitraries.oneOf(Arbitraries.of(0x01, 0x02, 0x03, 0x04, 0x05, 0x0D, 0x0F, 0x10, 0x1F),
                Arbitraries.integers().between(0, 255));
        Arbitrary<byte[]> payloads = Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(12),
                Arbitraries.strings().withCharRange('A', 'z').ofMinLength(1).ofMaxLength(10)
                        .map(s -> Arrays.copyOf(s.getBytes(StandardCharsets.US_ASCII), s.length() + 1)),
                Arbitraries.of(Bytes.fromHex("0301010100000101FF"), Bytes.fromHex("03000000010200"), Bytes.fromHex("0100130000")));
        Arbitrary<byte[]> block = Combinators.combine(ids, payloads).as((id, p) -> {
            byte[] b = new byte[3 + p.length];
            b[0] = (byte) (int) id;
            Bytes.putBe16(b, 1, p.length);
            System.arraycopy(p, 0, b, 3, p.length);
            return b;
        });
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.bytes().array(byte[].class).ofSize(5),
                block.list().ofMaxSize(10)).as((app, header, blocks) -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.writeBytes("NOKV".getBytes(StandardCharsets.US_ASCII));
                    out.write(header[0]);
                    out.write(app);
                    out.write(header, 1, 4);
                    out.write(blocks.size());
                    blocks.forEach(out::writeBytes);
                    return out.toByteArray();
                });
    }

    // ------------------------------------------------------------ records: encode → decode round trips

    @Property(tries = 500)
    void requestsRoundTrip(@ForAll("requests") NokRequest request) {
        byte[] wire = NokCodec.encode(request);
        assertThat(NokCodec.decodeRequest(wire)).isEqualTo(request);
        assertThat(NokCodec.knownRequestSignature(wire)).contains(request.signature());
    }

    @Provide
    Arbitrary<NokRequest> requests() {
        Arbitrary<String> names4 = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(4);
        return Arbitraries.oneOf(
                Arbitraries.of(new NokRequest.NokInfoQuery(), new NokRequest.NokHello(), new NokRequest.NokDisableTimeout(),
                        new NokRequest.NokReboot(), new NokRequest.NokRebootToFlash(), new NokRequest.NokRebootToPhoneInfo(),
                        new NokRequest.NokContinueBoot(), new NokRequest.NokMassStorage(), new NokRequest.NokShutdown(),
                        new NokRequest.NokFactoryReset()),
                Arbitraries.of(NokSwitchTarget.class).map(NokContextSwitch::new),
                names4.map(NokReadParam::new),
                Combinators.combine(names4, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)).as(NokWriteParam::new),
                Arbitraries.strings().withCharRange('\u0001', '\uD7FF').ofMinLength(1).ofMaxLength(NokErasePartition.MAX_NAME)
                        .map(NokErasePartition::new),
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(NokPhoneInfoQuery.MAX_NAME)
                        .map(NokPhoneInfoQuery::new));
    }

    @Property(tries = 500)
    void repliesRoundTripAndFrameThemselves(@ForAll("replies") NokReply reply) {
        byte[] wire = NokCodec.encode(reply);
        assertThat(NokCodec.decodeReply(wire)).isEqualTo(reply);
        assertThat(NokCodec.replyLength(wire, wire.length)).isEqualTo(wire.length);
    }

    @Property(tries = 300)
    void aStreamOfRepliesIsCutBackIntoTheSameReplies(@ForAll @Size(max = 8) List<@net.jqwik.api.From("replies") NokReply> replies) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        replies.forEach(r -> stream.writeBytes(NokCodec.encode(r)));
        byte[] all = stream.toByteArray();
        List<NokReply> cut = new ArrayList<>();
        int off = 0;
        while (off < all.length) {
            byte[] rest = Arrays.copyOfRange(all, off, all.length);
            int n = NokCodec.replyLength(rest, rest.length);
            assertThat(n).isPositive();
            cut.add(NokCodec.decodeReply(Arrays.copyOf(rest, n)));
            off += n;
        }
        assertThat(cut).isEqualTo(replies);
    }

    @Provide
    Arbitrary<NokReply> replies() {
        Arbitrary<String> names4 = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(4);
        Arbitrary<NokvBlock> blocks = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 0xFFFFFFFFL).map(NokvBlock.TransferSize::new),
                Arbitraries.longs().between(0, 0xFFFFFFFFL).map(NokvBlock.EmmcSectors::new),
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(30).map(NokvBlock.PlatformId::of),
                Arbitraries.integers().between(0, 0x1F).map(m -> new NokvBlock.SecureFfuProtocols(1, m, new byte[2])),
                Arbitraries.integers().between(0, 2).map(v -> new NokvBlock.AsyncSupport(0, v)),
                Combinators.combine(Arbitraries.integers().between(0x20, 0xFF), Arbitraries.bytes().array(byte[].class).ofMaxSize(9))
                        .as(NokvBlock.Raw::new));
        Arbitrary<NokReply> nokv = Combinators.combine(Arbitraries.integers().between(0, 255), blocks.list().ofMaxSize(6))
                .as((v, bl) -> new NokvReply(0, NokApp.FLASH_APP, v, 0, 1, v, bl));
        return Arbitraries.oneOf(
                nokv,
                Combinators.combine(names4, Arbitraries.bytes().array(byte[].class).ofMaxSize(40))
                        .as((n, v) -> new NokParamReply(0, n, v)),
                Combinators.combine(Arbitraries.of("NOKXCB", "NOKXFW", "NOKXFP", "NOKXFR", "NOKM"),
                        Arbitraries.integers().between(0, 0xFFFF))
                        .as(NokStatusReply::new)
                        .filter(s -> !(s.signature().equals("NOKXFR") && s.code() == 0)),
                // 8-byte NOKXFS replies only: longer ones cannot frame themselves on a stream (§4.2, §9).
                Arbitraries.integers().between(0, 0xFFFF).map(NokFlashReply::new),
                Arbitraries.of(NokEcho.SIGNATURES).map(NokEcho::new),
                Arbitraries.just(new NokUnknown()),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30).map(NokPhoneInfoReply::new));
    }
}
