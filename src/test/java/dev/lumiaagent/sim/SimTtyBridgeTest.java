package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.protocol.sahara.SaharaCodec;
import dev.lumiaagent.protocol.sahara.SaharaMode;
import dev.lumiaagent.protocol.sahara.SaharaPacket;
import dev.lumiaagent.sim.SocatPtyPair;
import dev.lumiaagent.testing.RequiredTool;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.serial.SerialBus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pty bridge on its own: greeting, re-framing of split packets, garbage, stopping. */
@Timeout(60)
class SimTtyBridgeTest {
    private static final SimModel L640 = SimModels.standard().require("RM-1073");

    private SocatPtyPair pty;
    private Link host;
    private SimTtyBridge bridge;

    @BeforeEach
    void start() throws Exception {
        RequiredTool.require("socat", SocatPtyPair.available(), SocatPtyPair.unavailableReason());
        pty = SocatPtyPair.start(Duration.ofSeconds(5));
        // The host side is open first, as a driver bound at plug-in is, so the PBL's HELLO reaches it.
        host = SerialBus.openPath(pty.right().toString(), Duration.ofSeconds(5));
        bridge = SimTtyBridge.start(pty.left().toString(), L640, Set.of(), AgentClock.scaled(200), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        try {
            if (bridge != null) {
                bridge.close();
            }
            if (host != null) {
                host.close();
            }
        } finally {
            if (pty != null) {
                pty.kill();
            }
        }
    }

    /** Reads exactly one Sahara packet from the stream, within {@code bound}. */
    private SaharaPacket readPacket(Duration bound) {
        byte[] buf = new byte[4096];
        int have = 0;
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            int len = SaharaCodec.packetLength(buf, have);
            if (len > 0 && have >= len) {
                assertThat(have).as("nothing beyond one packet").isEqualTo(len);
                return SaharaCodec.decode(Arrays.copyOf(buf, len));
            }
            long left = deadline - System.nanoTime();
            assertThat(left).as("a whole packet within " + bound).isPositive();
            have += host.read(ByteBuffer.wrap(buf, have, buf.length - have), Duration.ofNanos(left));
        }
    }

    private void writeByteByByte(byte[] b) throws InterruptedException {
        for (byte x : b) {
            host.write(ByteBuffer.wrap(new byte[] {x}), Duration.ofSeconds(2));
            Thread.sleep(2); // let the pty deliver the pieces separately
        }
    }

    @Test
    void aSaharaPacketSplitIntoSingleBytesIsOneMessageToThePbl() throws Exception {
        assertThat(readPacket(Duration.ofSeconds(5))).isInstanceOf(SaharaPacket.SaharaHello.class);
        writeByteByByte(SaharaCodec.encode(SaharaPacket.SaharaHelloResponse.of(SaharaMode.IMAGE_TX_PENDING)));
        SaharaPacket p = readPacket(Duration.ofSeconds(5));
        assertThat(p).isInstanceOf(SaharaPacket.ReadData.class);
        // a 32-bit PBL asks the ELF32 header first (traces/sahara/011, https://github.com/linux-msm/qdl/issues/76)
        assertThat(((SaharaPacket.ReadData) p).length()).isEqualTo(0x34);
        assertThat(bridge.phone().violations()).isEmpty();
    }

    @Test
    void bytesThatAreNotSaharaGoToTheFirmwareWhichRecordsThemAndStaysSilent() throws Exception {
        readPacket(Duration.ofSeconds(5));
        host.write(ByteBuffer.wrap("hello phone, this is no packet".getBytes(StandardCharsets.US_ASCII)), Duration.ofSeconds(2));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (bridge.phone().violations().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(bridge.phone().violations()).anySatisfy(v -> assertThat(v).contains("not Sahara"));
        // a real PBL answers non-Sahara bytes with END_OF_IMAGE_TRANSFER 0x0d / 0x01 (traces/sahara/021,
        // https://github.com/strongtz/edl-ng/issues/11)
        SaharaPacket refusal = readPacket(Duration.ofSeconds(5));
        assertThat(refusal).isInstanceOf(SaharaPacket.EndOfImageTransfer.class);
        assertThat(((SaharaPacket.EndOfImageTransfer) refusal).status().code()).isEqualTo(0x01);
        assertThat(bridge.isRunning()).isTrue();
    }

    @Test
    void closeStopsTheBridgeAndAVanishedTtyIsAFailure() throws Exception {
        readPacket(Duration.ofSeconds(5));
        pty.kill(); // both pty masters close: the bridge's reads fail
        assertThat(bridge.awaitStop(Duration.ofSeconds(5))).as("the bridge stops on its own").isTrue();
        assertThat(bridge.failure()).hasValueSatisfying(f -> assertThat(f).contains(pty.left().toString()));
        bridge.close();
        bridge.close(); // idempotent
        assertThat(bridge.isRunning()).isFalse();
    }
}
