package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.protocol.sahara.SaharaCodec;
import dev.lumiaagent.protocol.sahara.SaharaMode;
import dev.lumiaagent.protocol.sahara.SaharaPacket;
import dev.lumiaagent.sim.SocatPtyPair;
import dev.lumiaagent.testing.RequiredTool;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.serial.SerialBus;
import dev.lumiaagent.image.ede.EdeBuilder;
import dev.lumiaagent.protocol.firehose.FirehoseConfiguration;
import dev.lumiaagent.protocol.firehose.FirehoseProgram;
import dev.lumiaagent.protocol.firehose.FirehoseReset;
import dev.lumiaagent.protocol.firehose.FirehoseResult;
import dev.lumiaagent.protocol.firehose.FirehoseSession;
import dev.lumiaagent.protocol.sahara.SaharaDetect;
import dev.lumiaagent.protocol.sahara.SaharaSession;
import dev.lumiaagent.transport.DeviceGone;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
        bridge = SimTtyBridge.start(pty, L640, Set.of(), AgentClock.scaled(200), Duration.ofSeconds(5));
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
            // time is the subject: a host that dribbles its bytes, so the pty delivers the pieces separately
            Thread.sleep(2);
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
        assertThat(bridge.phone().awaitViolations(1, Duration.ofSeconds(5))).as("a violation recorded within 5 s").isTrue();
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

    @TempDir
    Path dir;

    /**
     * The host as linux-msm/qdl writes Firehose: each document is libxml2's {@code xmlDocDumpMemory}
     * output, which ends with a newline after {@code </data>}, sent in one {@code qdl_write}
     * (qdl firehose.c, {@code firehose_write}). Raw data goes as it is.
     */
    private static final class LibXml2Host implements Link {
        private final Link link;

        LibXml2Host(Link link) {
            this.link = link;
        }

        @Override
        public void write(ByteBuffer src, Duration timeout) {
            byte[] b = new byte[src.remaining()];
            src.duplicate().get(b);
            String text = new String(b, StandardCharsets.ISO_8859_1);
            if (text.startsWith("<?xml") && text.endsWith("</data>")) {
                ByteBuffer withNewline = ByteBuffer.allocate(b.length + 1).put(b).put((byte) '\n').flip();
                link.write(withNewline, timeout);
                src.position(src.limit());
            } else {
                link.write(src, timeout);
            }
        }

        @Override
        public int read(ByteBuffer dst, Duration timeout) {
            return link.read(dst, timeout);
        }

        @Override
        public int maxPacketSize() {
            return link.maxPacketSize();
        }

        @Override
        public boolean keepsBoundaries() {
            return link.keepsBoundaries();
        }

        @Override
        public String describe() {
            return "libxml2-style host over " + link.describe();
        }

        @Override
        public void close() {
            link.close();
        }
    }

    /** Sahara: the simulated programmer goes up; the phone then runs Firehose on the same tty. */
    private void uploadProgrammer() throws Exception {
        SaharaDetect.Detection seen = SaharaDetect.detect(host, Duration.ofSeconds(5));
        assertThat(seen).isInstanceOf(SaharaDetect.SaharaHelloSeen.class);
        Path ede = dir.resolve("RM-1073.ede");
        Files.write(ede, EdeBuilder.forPlatform(L640.platformId()).build());
        try (FileChannel ch = FileChannel.open(ede, StandardOpenOption.READ)) {
            new SaharaSession(host, Duration.ofSeconds(5), ((SaharaDetect.SaharaHelloSeen) seen).hello()).uploadImage(ch);
        }
    }

    @Test
    void whitespaceAfterEachDocumentAsLibxml2HostsSendIsNotCarriedIntoTheNextOne() throws Exception {
        uploadProgrammer();
        FirehoseSession firehose = new FirehoseSession(new LibXml2Host(host));
        FirehoseResult<FirehoseConfiguration> conf = firehose.configure("emmc", 1 << 20);
        assertThat(conf).as("configure").isInstanceOf(FirehoseResult.Ok.class);
        // qdl failed right here: the newline after configure's </data> went in front of the next document.
        assertThat(firehose.getStorageInfo(0)).as("the command after configure").isInstanceOf(FirehoseResult.Ok.class);
        byte[] data = new byte[8 * 512];
        Arrays.fill(data, (byte) 0x5A);
        // After program's document (and its newline) comes raw data: the newline must not be its first byte.
        FirehoseResult<Long> written = firehose.program(FirehoseProgram.of(512, 34, 8, 0),
                Channels.newChannel(new ByteArrayInputStream(data)));
        assertThat(written).as("program").isInstanceOf(FirehoseResult.Ok.class);
        assertThat(bridge.phone().disk().read(34 * 512L, data.length)).isEqualTo(data);
        assertThat(bridge.phone().violations()).as("protocol violations seen by the phone").isEmpty();
        assertThat(bridge.failure()).isEmpty();
    }

    @Test
    void afterPowerResetTheTtyGoesAwayAndTheHostSeesDeviceGone() throws Exception {
        uploadProgrammer();
        FirehoseSession firehose = new FirehoseSession(host);
        assertThat(firehose.configure("emmc", 1 << 20)).isInstanceOf(FirehoseResult.Ok.class);
        FirehoseResult<FirehoseReset> reset = firehose.powerReset(Duration.ofSeconds(5));
        assertThat(reset).as("power reset").isInstanceOf(FirehoseResult.Ok.class);

        // A real qcserial tty disappears with the 9008 USB device: the bridge ends the pty pair.
        assertThat(bridge.awaitStop(Duration.ofSeconds(10))).as("the bridge stops when the phone leaves 9008").isTrue();
        assertThat(bridge.phoneLeft()).isTrue();
        assertThat(bridge.failure()).as("leaving is not a failure").isEmpty();
        DeviceGone gone = assertThrows(DeviceGone.class, () -> {
            // Bounded: each read waits at most 2 s; the tty is hung up, so the first one ends with EIO.
            for (int i = 0; i < 5; i++) {
                host.read(ByteBuffer.allocate(64), Duration.ofSeconds(2));
            }
        });
        assertThat(gone.getMessage()).contains(pty.right().toString());
        assertThat(Files.exists(pty.right())).as("the tty node is gone").isFalse();
        // the phone restarts on its own thread: its mode leaves 9008 soon after the tty went (CI saw it still EDL_PBL at once)
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (bridge.phone().mode() == dev.lumiaagent.transport.discovery.Mode.EDL_PBL && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(bridge.phone().mode()).isNotEqualTo(dev.lumiaagent.transport.discovery.Mode.EDL_PBL);
    }
}
