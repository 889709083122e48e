package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.protocol.flashapp.NokCodec;
import dev.lumiaagent.protocol.flashapp.NokFlashReply;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashPayload;
import dev.lumiaagent.protocol.flashapp.NokSession;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated link's gathering write: the phone gets one message of exactly the bytes a plain
 * write of the concatenation carries, read in place from the host's buffers before the write returns.
 */
class SimLinkGatheredWriteTest {
    private static final Duration T = Duration.ofSeconds(5);

    /** Keeps every host message as the phone got it, and answers NOKXFS status 0. */
    static final class RecordingFirmware implements SimFirmware {
        final List<byte[]> messages = new CopyOnWriteArrayList<>();
        final List<ByteBuffer[]> parts = new CopyOnWriteArrayList<>();

        @Override
        public void onHostMessage(byte[] message, PhoneEndpoint out) {
            messages.add(message);
            out.send(NokCodec.encode(new NokFlashReply(0)));
        }

        @Override
        public void onHostMessage(ByteBuffer[] message, PhoneEndpoint out) {
            parts.add(message);
            onHostMessage(SimFirmware.concatenate(message), out);
        }
    }

    private final RecordingFirmware firmware = new RecordingFirmware();
    private final SimBus bus = new SimBus(AgentClock.scaled(1), (phone, b, port) -> firmware);

    @AfterEach
    void close() {
        bus.close();
    }

    private Link link(SimFault... faults) {
        SimPhone phone = new SimPhone(SimModels.standard().require("RM-1104"), "356938035643809", "G", Mode.UEFI, 80,
                LinkKind.PACKET, faults.length == 0 ? EnumSet.noneOf(SimFault.class) : EnumSet.of(faults[0], faults));
        bus.attach(PortPath.parse("1-1"), phone);
        return bus.open(bus.devices().get(0), LinkOptions.defaults());
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 31);
        }
        return b;
    }

    @Test
    void aPayloadMessageWrittenAsHeadPlusViewReachesThePhoneAsTheSingleBufferEncoding() {
        NokSession session = new NokSession(link());
        ByteBuffer direct = ByteBuffer.allocateDirect(0x1000).put(pattern(0x1000, 3)).flip();
        assertThat(session.flashPayload(direct, true, 17).isOk()).isTrue();
        assertThat(session.flashPayload(ByteBuffer.wrap(pattern(0x800, 9)), false, 18).isOk()).isTrue();

        assertThat(firmware.messages).as("one message per write: the boundaries a device sees").hasSize(2);
        assertThat(firmware.messages.get(0)).isEqualTo(NokCodec.encode(NokFlashPayload.v2(17, ByteBuffer.wrap(pattern(0x1000, 3)))));
        assertThat(firmware.messages.get(1)).isEqualTo(NokCodec.encode(NokFlashPayload.v1(18, ByteBuffer.wrap(pattern(0x800, 9)))));
        assertThat(firmware.parts).as("both went in parts, not as copies").hasSize(2);
        assertThat(direct.position()).as("the caller's buffer is left alone").isZero();
    }

    @Test
    void theSameBytesWrittenPlainOrInPartsAreTheSameMessage() {
        Link link = link();
        byte[] message = NokCodec.encode(NokFlashPayload.v2(5, ByteBuffer.wrap(pattern(300, 1))));
        link.write(ByteBuffer.wrap(message), T);
        ByteBuffer[] parts = {ByteBuffer.wrap(message, 0, 7), ByteBuffer.wrap(message, 7, 0), ByteBuffer.wrap(message, 7, message.length - 7)};
        link.write(parts, T);
        for (ByteBuffer p : parts) {
            assertThat(p.hasRemaining()).as("a completed write leaves each part at its limit").isFalse();
        }
        assertThat(firmware.messages).hasSize(2);
        assertThat(firmware.messages.get(1)).isEqualTo(firmware.messages.get(0)).isEqualTo(message);
    }

    @Test
    void thePhoneReadsTheHostsMemoryInPlaceAndHasTakenItWhenTheWriteReturns() {
        Link link = link();
        byte[] head = {'N', 'O', 'K'};
        byte[] data = pattern(64, 7);
        link.write(new ByteBuffer[] {ByteBuffer.wrap(head), ByteBuffer.wrap(data)}, T);
        // Taken before the write returned: the phone's copy is complete now, with no wait.
        assertThat(firmware.messages).hasSize(1);
        ByteBuffer[] seen = firmware.parts.get(0);
        assertThat(seen[1].isReadOnly()).as("the phone cannot write into the host's buffer").isTrue();
        data[0] = (byte) ~data[0];
        assertThat(seen[1].get(seen[1].position())).as("a view of the host's array, not a copy").isEqualTo(data[0]);
    }

    @Test
    void aStalledPhoneIgnoresTheMessageAndTheWriteStillReturns() {
        Link link = link(SimFault.STALL);
        link.write(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {'N', 'O', 'K', 'V'})}, T);
        assertThat(firmware.messages).isEmpty();
    }
}
