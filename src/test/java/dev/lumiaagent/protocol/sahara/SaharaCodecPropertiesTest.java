package dev.lumiaagent.protocol.sahara;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.protocol.sahara.SaharaPacket.*;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SaharaCodecPropertiesTest {

    @Property(tries = 3000)
    void randomBytesOnlyThrowProtocolException(@ForAll("garbage") byte[] b) {
        only(() -> SaharaCodec.decode(b));
        only(() -> SaharaCodec.packetLength(b, b.length));
        only(() -> MsmHwId.parse(b));
        only(() -> ChipIdV3.parse(b));
        only(() -> OemPkHash.trim(b));
        only(() -> SaharaMemoryRegion.parseTable(b, false));
        only(() -> SaharaMemoryRegion.parseTable(b, true));
    }

    @Property(tries = 2000)
    void everyPacketRoundTrips(@ForAll("packets") SaharaPacket p) {
        byte[] wire = SaharaCodec.encode(p);
        assertThat(wire.length).isEqualTo(p.command().length());
        assertThat(Bytes.le32(wire, 4)).isEqualTo(wire.length);
        assertThat(SaharaCodec.decode(wire)).isEqualTo(p);
        assertThat(SaharaCodec.packetLength(wire, 8)).isEqualTo(wire.length);
    }

    private static void only(Runnable r) {
        try {
            r.run();
        } catch (ProtocolException expected) {
            // the only allowed failure
        }
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
        // Plausible headers with random bodies and lengths reach deeper into the decoders.
        Arbitrary<byte[]> headed = Combinators.combine(Arbitraries.integers().between(0, 0x15),
                Arbitraries.integers().between(0, 0x40), Arbitraries.bytes().array(byte[].class).ofMaxSize(72))
                .as((cmd, len, body) -> {
                    byte[] b = Arrays.copyOf(new byte[8], 8 + body.length);
                    Bytes.putLe32(b, 0, cmd);
                    Bytes.putLe32(b, 4, len);
                    System.arraycopy(body, 0, b, 8, body.length);
                    return b;
                });
        return Arbitraries.oneOf(random, headed);
    }

    @Provide
    Arbitrary<SaharaPacket> packets() {
        Arbitrary<Long> u32 = Arbitraries.longs().between(0, 0xFFFFFFFFL);
        Arbitrary<Long> u64 = Arbitraries.longs();
        Arbitrary<SaharaMode> mode = Arbitraries.of(SaharaMode.class);
        Arbitrary<List<Long>> reserved = u32.list().ofSize(6);
        Arbitrary<SaharaStatus> status = u32.map(SaharaStatus::of);
        return Arbitraries.oneOf(List.of(
                Combinators.combine(u32, u32, u32, mode, reserved).as(SaharaHello::new),
                Combinators.combine(u32, u32, status, mode, reserved).as(SaharaHelloResponse::new),
                Combinators.combine(u32, u32, u32).as(ReadData::new),
                Combinators.combine(u64, u64, u64).as(ReadData64::new),
                Combinators.combine(u32, status).as(EndOfImageTransfer::new),
                Arbitraries.just(new SaharaDone()),
                u32.map(DoneResponse::new),
                Arbitraries.just(new SaharaReset()),
                Arbitraries.just(new ResetResponse()),
                Combinators.combine(u32, u32).as(MemoryDebug::new),
                Combinators.combine(u64, u64).as(MemoryDebug64::new),
                Combinators.combine(u32, u32).as(MemoryRead::new),
                Combinators.combine(u64, u64).as(MemoryRead64::new),
                Arbitraries.just(new CommandReady()),
                mode.map(SwitchMode::new),
                u32.map(Execute::new),
                Combinators.combine(u32, u32).as(ExecuteResponse::new),
                u32.map(ExecuteData::new),
                Arbitraries.just(new ResetStateMachine())));
    }
}
