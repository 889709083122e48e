package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.image.ffu.PayloadPiece;
import dev.lumiaagent.image.ffu.PayloadReader;
import dev.lumiaagent.protocol.flashapp.FlashOption;
import dev.lumiaagent.protocol.flashapp.NokAck;
import dev.lumiaagent.protocol.flashapp.NokCodec;
import dev.lumiaagent.protocol.flashapp.NokFlashReply;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokFlashPayload;
import dev.lumiaagent.protocol.flashapp.NokResult;
import dev.lumiaagent.protocol.flashapp.NokSession;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated flash app's verdicts, driven message by message through the real NOK session. */
class SimFlashAppTest {
    private static final PortPath PORT = PortPath.parse("1-1");
    @TempDir
    static Path dir;
    static Path ffu520;
    static Path ffu950;

    private final SimBus bus = new SimBus(AgentClock.scaled(1));

    @BeforeAll
    static void build() throws Exception {
        // 64 MiB: enough payload (~13 MiB) to exceed the 520's 5 MB/s within its first second.
        ffu520 = TestPhones.libraryFfu(dir, "RM-914", 64L << 20); // Nokia.MSM8227.P6036.1.2
        ffu950 = TestPhones.libraryFfu(dir, "RM-1104", 4L << 20); // Microsoft.MSM8992.P6218.1.0
    }

    @AfterEach
    void close() {
        bus.close();
    }

    private SimPhone flashApp(String model) {
        SimPhone p = new SimPhone(SimModels.standard().require(model), "356938035643809", "U", Mode.UEFI, 80,
                LinkKind.PACKET, EnumSet.noneOf(SimFault.class));
        p.uefiApp(SimUefiApp.FLASH_APP);
        bus.attach(PORT, p);
        return p;
    }

    private NokSession session() {
        Link link = bus.open(bus.devices().get(0), LinkOptions.defaults());
        return new NokSession(link);
    }

    private static String status(NokResult<NokAck> r) {
        return r instanceof NokResult.Refused ? String.format("0x%04X", ((NokResult.Refused<NokAck>) r).status().code()) : r.toString();
    }

    @Test
    void payloadBeforeTheHeaderIs0x1004() throws Exception {
        flashApp("RM-1104");
        NokSession s = session();
        try (FfuFile f = FfuFile.open(ffu950)) {
            PayloadPiece first = f.payloadChunks().next();
            assertThat(status(s.flashPayload(first.data(), false, 1))).isEqualTo("0x1004");
        }
    }

    @Test
    void anFfuForAnotherModelIs0x1304AndNothingIsMarked() throws Exception {
        SimPhone p = flashApp("RM-1104");
        try (FfuFile f = FfuFile.open(ffu520)) {
            assertThat(status(session().flashHeader(f.combinedHeader(), EnumSet.noneOf(FlashOption.class), 0))).isEqualTo("0x1304");
        }
        assertThat(p.flashingIncomplete()).isFalse();
    }

    @Test
    void aTamperedChunkIs0x1003AndTheFlashStaysIncomplete() throws Exception {
        SimPhone p = flashApp("RM-1104");
        NokSession s = session();
        try (FfuFile f = FfuFile.open(ffu950)) {
            assertThat(s.flashHeader(f.combinedHeader(), EnumSet.noneOf(FlashOption.class), 0).isOk()).isTrue();
            assertThat(p.flashingIncomplete()).isTrue();
            ByteBuffer chunk = f.payloadChunks().next().data();
            ByteBuffer copy = ByteBuffer.allocate(chunk.remaining()).put(chunk).flip();
            copy.put(100, (byte) (copy.get(100) ^ 1));
            assertThat(status(s.flashPayload(copy, false, 1))).isEqualTo("0x1003");
        }
        assertThat(p.flashingIncomplete()).isTrue();
        assertThat(p.disk().storedBlocks()).isZero();
    }

    @Test
    void aHostThatIgnoresTheLumia520sWriteLimitGetsAWriteFailure() throws Exception {
        SimPhone p = flashApp("RM-914");
        NokSession s = session();
        NokResult<NokAck> last = null;
        try (FfuFile f = FfuFile.open(ffu520)) {
            s.flashHeader(f.combinedHeader(), EnumSet.noneOf(FlashOption.class), 0);
            PayloadReader r = f.payloadChunks();
            // Real time here (1x): 4 MiB of chunks as fast as the link goes is far above 5 MB/s.
            while (r.hasNext() && (last == null || last.isOk())) {
                last = s.flashPayload(r.next().data(), false, 50);
            }
        }
        assertThat(status(last)).isEqualTo("0x0004");
        assertThat(p.flashingIncomplete()).isTrue();
    }

    @Test
    void withTheLimitLiftedTheSameWriteCompletes() throws Exception {
        SimPhone p = flashApp("RM-914");
        p.writeLimitEnforced(false);
        NokSession s = session();
        try (FfuFile f = FfuFile.open(ffu520)) {
            s.flashHeader(f.combinedHeader(), EnumSet.noneOf(FlashOption.class), 0);
            PayloadReader r = f.payloadChunks();
            while (r.hasNext()) {
                assertThat(s.flashPayload(r.next().data(), false, 50).isOk()).isTrue();
            }
        }
        assertThat(p.flashingIncomplete()).isFalse();
        assertThat(p.flashesCompleted()).isEqualTo(1);
    }

    /** Writes {@code message} cut at {@code cuts} as one gathering write; returns the phone's reply. */
    private static byte[] writeInParts(Link link, byte[] message, int... cuts) {
        ByteBuffer[] parts = new ByteBuffer[cuts.length + 1];
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : message.length;
            parts[i] = ByteBuffer.wrap(message, from, to - from);
            from = to;
        }
        link.write(parts, java.time.Duration.ofSeconds(5));
        ByteBuffer reply = ByteBuffer.allocate(NokCodec.MAX_REPLY);
        int n = link.read(reply, java.time.Duration.ofSeconds(5));
        return java.util.Arrays.copyOf(reply.array(), n);
    }

    @Test
    void payloadMessagesCutAnywhereFlashTheSameImageWithEveryBlockChecked() throws Exception {
        SimPhone p = flashApp("RM-1104");
        Link link = bus.open(bus.devices().get(0), LinkOptions.defaults());
        NokSession s = new NokSession(link);
        byte[] ok = NokCodec.encode(new NokFlashReply(0));
        try (FfuFile f = FfuFile.open(ffu950)) {
            assertThat(s.flashHeader(f.combinedHeader(), EnumSet.noneOf(FlashOption.class), 0).isOk()).isTrue();
            PayloadReader r = f.payloadChunks();
            int i = 0;
            while (r.hasNext()) {
                ByteBuffer data = r.next().data();
                byte[] message = NokCodec.encode(NokFlashPayload.v1(50, data));
                // Cuts inside the head and inside the data: the phone cannot rely on where the host cut.
                int a = 1 + i % 0x1B;
                int b = Math.min(message.length, 0x1C + 1 + (i * 977) % (message.length - 0x1C));
                assertThat(writeInParts(link, message, a, b)).as("message %d cut at %d and %d", i, a, b).isEqualTo(ok);
                i++;
            }
        }
        assertThat(p.flashesCompleted()).isEqualTo(1);
        assertThat(p.flashingIncomplete()).isFalse();
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void aTamperedBlockInAPartIsStill0x1003() throws Exception {
        SimPhone p = flashApp("RM-1104");
        Link link = bus.open(bus.devices().get(0), LinkOptions.defaults());
        try (FfuFile f = FfuFile.open(ffu950)) {
            assertThat(new NokSession(link).flashHeader(f.combinedHeader(), EnumSet.noneOf(FlashOption.class), 0).isOk()).isTrue();
            byte[] message = NokCodec.encode(NokFlashPayload.v1(1, f.payloadChunks().next().data()));
            message[0x1C + 100] ^= 1;
            assertThat(writeInParts(link, message, 0x1C)).isEqualTo(NokCodec.encode(new NokFlashReply(0x1003)));
        }
        assertThat(p.disk().storedBlocks()).isZero();
    }

    @Test
    void aMalformedMessageInPartsIsAViolationAnsweredNoku() {
        SimPhone p = flashApp("RM-1104");
        Link link = bus.open(bus.devices().get(0), LinkOptions.defaults());
        byte[] message = NokCodec.encode(NokFlashPayload.v2(1, ByteBuffer.wrap(new byte[64])));
        message[0x13] ^= 1; // the sub-block length no longer matches the data
        assertThat(new String(writeInParts(link, message, 0x20), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("NOKU");
        assertThat(p.violations()).singleElement().asString().contains("malformed NOKXFS").contains("sub-block length");
    }
}
