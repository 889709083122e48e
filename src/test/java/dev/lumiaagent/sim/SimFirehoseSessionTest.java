package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.image.ffu.ByteArrayChannel;
import dev.lumiaagent.protocol.firehose.FirehoseConfiguration;
import dev.lumiaagent.protocol.firehose.FirehoseDigest;
import dev.lumiaagent.protocol.firehose.FirehoseExpression;
import dev.lumiaagent.protocol.firehose.FirehoseNakReason;
import dev.lumiaagent.protocol.firehose.FirehosePatch;
import dev.lumiaagent.protocol.firehose.FirehoseProgram;
import dev.lumiaagent.protocol.firehose.FirehoseReset;
import dev.lumiaagent.protocol.firehose.FirehoseResponse;
import dev.lumiaagent.protocol.firehose.FirehoseResult;
import dev.lumiaagent.protocol.firehose.FirehoseSession;
import dev.lumiaagent.protocol.firehose.FirehoseStorageInfo;
import dev.lumiaagent.protocol.firehose.FirehoseTimeouts;
import dev.lumiaagent.testing.Trace;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link FirehoseSession} against {@link SimFirehoseProgrammer} over a real {@link SimBus}: a packet
 * link, a stream link handing the host one byte per read, and a stream link whose 777-byte reads cut
 * through documents and put the end of a raw-mode ACK and the first read data in one read.
 */
class SimFirehoseSessionTest {
    private static final PortPath PORT = PortPath.parse("1-3");
    private static final FirehoseTimeouts FAST_DRAIN = FirehoseTimeouts.standard().withDrainPoll(Duration.ofMillis(30));

    enum Wire {
        PACKET(LinkKind.PACKET, 4096, 1024 * 1024 + 100),
        STREAM_BYTE(LinkKind.STREAM, 1, 64 * 1024 + 100),
        STREAM_SPLIT(LinkKind.STREAM, 777, 1024 * 1024 + 100);

        final LinkKind kind;
        final int chunk;
        final int dataBytes;

        Wire(LinkKind kind, int chunk, int dataBytes) {
            this.kind = kind;
            this.chunk = chunk;
            this.dataBytes = dataBytes;
        }
    }

    private SimBus bus;
    private Link link;
    private SimPhone phone;
    private boolean violationsExpected;

    @AfterEach
    void close() {
        if (link != null) {
            link.close();
        }
        if (bus != null) {
            bus.close();
        }
        if (phone != null && !violationsExpected) {
            assertThat(phone.violations()).as("protocol violations").isEmpty();
        }
    }

    private FirehoseSession open(Wire wire, FirehoseTimeouts timeouts, SimFault... faults) {
        phone = new SimPhone(SimModels.standard().require("RM-914"), "356938035643809", "SER1", Mode.EDL_PBL, 80, wire.kind,
                faults.length == 0 ? EnumSet.noneOf(SimFault.class) : EnumSet.copyOf(Set.of(faults)));
        bus = new SimBus(AgentClock.scaled(1000), (p, b, port) -> new SimFirehoseProgrammer(b.control(port)));
        bus.streamChunk(wire.chunk);
        UsbDevice device = bus.attach(PORT, phone);
        link = bus.open(device, LinkOptions.defaults());
        assertThat(link.keepsBoundaries()).isEqualTo(wire.kind == LinkKind.PACKET);
        return new FirehoseSession(link, timeouts);
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >>> 9) * 7 + 1);
        }
        return b;
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void configureNegotiatesDownToTheProgrammersPayload(Wire wire) {
        FirehoseSession s = open(wire, FAST_DRAIN);
        FirehoseResult<FirehoseConfiguration> r = s.configure("emmc", 4L * 1024 * 1024);
        assertThat(r.isOk()).as("%s", r).isTrue();
        FirehoseConfiguration c = r.orElseThrow();
        assertThat(c.maxPayloadToTarget()).isEqualTo(SimFirehoseProgrammer.MAX_PAYLOAD_TO_TARGET);
        // Real ACKs name neither MaxPayloadSizeFromTargetInBytes nor TargetName (traces/firehose/001
        // https://github.com/qualcomm-linux/meta-qcom/issues/1073, 006 https://github.com/bkerler/edl/issues/269):
        // the client falls back to its defaults
        assertThat(c.maxPayloadFromTarget()).isEqualTo(8192);
        assertThat(c.attempts()).isEqualTo(2);
        assertThat(c.targetName()).isEmpty();
        assertThat(s.configuration()).contains(c);
        assertThat(s.nop().ack()).isTrue();
    }

    /**
     * After loading, the programmer speaks first: start-up logs arrive unprompted, one document per
     * transfer, in the real framing — a function's log is byte for byte the captured document
     * (traces/firehose/018 https://github.com/bkerler/edl/issues/267; 006 https://github.com/bkerler/edl/issues/269;
     * 017 https://github.com/commaai/qdl.js/issues/94; 012 https://github.com/96boards/documentation/issues/244).
     */
    @Test
    void theStartUpLogsComeUnpromptedInTheCapturedFraming() {
        FirehoseSession s = open(Wire.PACKET, FAST_DRAIN);
        java.util.List<String> docs = new java.util.ArrayList<>();
        ByteBuffer b = ByteBuffer.allocate(4096);
        while (true) {
            b.clear();
            int n;
            try {
                n = link.read(b, Duration.ofMillis(200));
            } catch (TransferTimeout e) {
                break; // the greeting is over: nothing more comes unasked
            }
            docs.add(new String(b.array(), 0, n, java.nio.charset.StandardCharsets.UTF_8));
        }
        Trace t = Trace.load("firehose/018");
        String nop = t.transfers().stream().map(Trace.Entry::asText).filter(x -> x.contains("\"INFO: nop\"")).findFirst().orElseThrow();
        assertThat(docs).contains(nop);
        assertThat(docs).allSatisfy(d -> assertThat(d).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<data>\n<log value=\"")
                .endsWith("\" /></data>"));
        assertThat(docs.get(0)).contains("INFO: Binary build date: ");
        assertThat(docs.get(1)).endsWith(" \" /></data>"); // the second build date has a trailing space (018)
        assertThat(docs.get(2)).contains("INFO: Chip serial num: ");
        assertThat(docs.get(3)).contains("INFO: Supported Functions (10):");
        assertThat(docs.get(docs.size() - 1)).contains("INFO: End of supported functions 10");
        assertThat(s.nop().ack()).isTrue();
    }

    /**
     * Too large a MaxPayloadSizeToTargetInBytes: the log "Host's payload to target size is too large"
     * (no "ERROR:" prefix) and a NAK naming the programmer's maximum (traces/firehose/002
     * https://github.com/linux-msm/qdl/issues/20, 003 https://github.com/strongtz/edl-ng/issues/5).
     */
    @Test
    void aTooLargePayloadIsNakedWithTheCapturedLog() {
        open(Wire.PACKET, FAST_DRAIN);
        String expectedLog = Trace.load("firehose/002").transfers().stream().filter(Trace.Entry::fromDevice).findFirst()
                .orElseThrow().asText().replaceAll(".*<log value=\"([^\"]*)\".*", "$1");
        link.write(ByteBuffer.wrap(dev.lumiaagent.protocol.firehose.FirehoseCodec.encode(
                dev.lumiaagent.protocol.firehose.FirehoseConfigure.of("emmc", 4L * 1024 * 1024))), Duration.ofSeconds(1));
        java.util.List<String> docs = new java.util.ArrayList<>();
        ByteBuffer b = ByteBuffer.allocate(4096);
        while (docs.isEmpty() || !docs.get(docs.size() - 1).contains("<response")) {
            b.clear();
            int n = link.read(b, Duration.ofSeconds(5));
            docs.add(new String(b.array(), 0, n, java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(docs.get(docs.size() - 2)).contains("<log value=\"" + expectedLog + "\" />");
        assertThat(docs.get(docs.size() - 1)).contains("value=\"NAK\"")
                .contains("MaxPayloadSizeToTargetInBytes=\"" + SimFirehoseProgrammer.MAX_PAYLOAD_TO_TARGET + "\"");
    }

    @Test
    void aSizeNakIsAValueWhenTheProgrammerOffersNothingSmaller() {
        FirehoseSession s = open(Wire.PACKET, FAST_DRAIN);
        FirehoseResult<FirehoseConfiguration> r = s.configure("ufs", 1024 * 1024);
        assertThat(r).isInstanceOf(FirehoseResult.Nak.class);
        assertThat(((FirehoseResult.Nak<FirehoseConfiguration>) r).reason()).isEqualTo(FirehoseNakReason.UNSUPPORTED_MEMORY);
        assertThat(s.configuration()).isEmpty();
        assertThatThrownBy(() -> s.read(0, 1, 0, ByteArrayOutputStream.nullOutputStream()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("configure first");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void programReadBackDigestAndDisk(Wire wire) throws Exception {
        FirehoseSession s = open(wire, FAST_DRAIN);
        s.configure("emmc", FirehoseSession.DEFAULT_MAX_PAYLOAD).orElseThrow();
        byte[] data = pattern(wire.dataBytes);
        long sectors = (data.length + 511) / 512;
        byte[] padded = Arrays.copyOf(data, (int) sectors * 512);

        FirehoseResult<Long> p = s.program(2048, sectors, 0, new ByteArrayChannel(data));
        assertThat(p.isOk()).as("%s", p).isTrue();
        assertThat(p.orElseThrow()).isEqualTo(padded.length);
        assertThat(phone.disk().read(2048L * 512, padded.length)).isEqualTo(padded);

        ByteArrayOutputStream back = new ByteArrayOutputStream();
        FirehoseResult<Long> r = s.read(2048, sectors, 0, back);
        assertThat(r.isOk()).as("%s", r).isTrue();
        assertThat(back.toByteArray()).isEqualTo(padded);

        FirehoseDigest d = s.sha256(2048, sectors).orElseThrow();
        assertThat(d.bytes()).isEqualTo(sha256(padded));

        // From an InputStream too, at another place; the pieces before it are untouched.
        byte[] small = pattern(5000);
        assertThat(s.program(10, 10, 0, new ByteArrayInputStream(small)).isOk()).isTrue();
        assertThat(phone.disk().read(10L * 512, 5120)).isEqualTo(Arrays.copyOf(small, 5120));
        assertThat(phone.disk().read(2048L * 512, padded.length)).isEqualTo(padded);
    }

    @ParameterizedTest
    @EnumSource(value = Wire.class, names = {"PACKET", "STREAM_SPLIT"})
    void eraseAndPatch(Wire wire) {
        FirehoseSession s = open(wire, FAST_DRAIN);
        s.configure("emmc", FirehoseSession.DEFAULT_MAX_PAYLOAD).orElseThrow();
        byte[] data = pattern(64 * 512);
        assertThat(s.program(100, 64, 0, new ByteArrayChannel(data)).isOk()).isTrue();

        assertThat(s.erase(110, 4, 0).ack()).isTrue();
        assertThat(phone.disk().read(110L * 512, 4 * 512)).isEqualTo(new byte[4 * 512]);
        assertThat(phone.disk().read(114L * 512, 512)).isEqualTo(Arrays.copyOfRange(data, 14 * 512, 15 * 512));

        long total = phone.model().emmcSectors();
        FirehosePatch lastLba = new FirehosePatch(512, 48, "DISK", 0, 8, FirehoseExpression.of(100),
                FirehoseExpression.parse("NUM_DISK_SECTORS-34."), "Update last usable LBA");
        assertThat(s.patch(lastLba).ack()).isTrue();
        assertThat(ByteBuffer.wrap(phone.disk().read(100L * 512 + 48, 8)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong())
                .isEqualTo(total - 34);

        FirehosePatch crc = new FirehosePatch(512, 16, "DISK", 0, 4, FirehoseExpression.of(101),
                FirehoseExpression.parse("CRC32(102,1024)"), "CRC of two sectors");
        assertThat(s.patch(crc).ack()).isTrue();
        CRC32 expected = new CRC32();
        expected.update(data, 2 * 512, 1024);
        assertThat(ByteBuffer.wrap(phone.disk().read(101L * 512 + 16, 4)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt())
                .isEqualTo((int) expected.getValue());

        FirehoseResponse beyond = s.erase(total - 1, 2, 0);
        assertThat(beyond.ack()).isFalse();
        assertThat(beyond.logText()).contains("beyond the disk");
    }

    @ParameterizedTest
    @EnumSource(value = Wire.class, names = {"PACKET", "STREAM_BYTE"})
    void storageInfoDescribesThePhonesEmmc(Wire wire) {
        FirehoseSession s = open(wire, FAST_DRAIN);
        FirehoseStorageInfo info = s.getStorageInfo(0).orElseThrow();
        assertThat(info.totalBlocks()).isEqualTo(phone.model().emmcSectors());
        assertThat(info.blockSize()).isEqualTo(512);
        assertThat(info.memoryType()).isEqualTo("eMMC");
        assertThat(info.productName()).isEqualTo("LUMIA 520");
        assertThat(s.getStorageInfo(3).isOk()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Wire.class, names = {"PACKET", "STREAM_SPLIT"})
    void wrongSectorSizeIsNamedThenProbedAndCorrected(Wire wire) {
        FirehoseSession s = open(wire, FAST_DRAIN, SimFault.WRONG_SECTOR_SIZE);
        s.configure("emmc", FirehoseSession.DEFAULT_MAX_PAYLOAD).orElseThrow();
        FirehoseResult<Long> refused = s.program(0, 8, 0, new ByteArrayChannel(pattern(4096)));
        assertThat(refused).isInstanceOf(FirehoseResult.Nak.class);
        assertThat(((FirehoseResult.Nak<Long>) refused).reason()).isEqualTo(FirehoseNakReason.SECTOR_SIZE_MISMATCH);
        assertThat(refused.response().sectorSizeHint()).hasValue(4096);
        assertThat(phone.disk().read(0, 4096)).isEqualTo(new byte[4096]);

        assertThat(s.probeSectorSize(0).orElseThrow()).isEqualTo(4096);
        assertThat(s.sectorSize()).isEqualTo(4096);
        byte[] data = pattern(3 * 4096);
        assertThat(s.program(5, 3, 0, new ByteArrayChannel(data)).isOk()).isTrue();
        assertThat(phone.disk().read(5L * 4096, data.length)).isEqualTo(data);
        assertThat(s.getStorageInfo(0).orElseThrow().blockSize()).isEqualTo(4096);
    }

    @ParameterizedTest
    @EnumSource(value = Wire.class, names = {"PACKET", "STREAM_BYTE"})
    void vipProgrammerRefusesEveryProgram(Wire wire) {
        FirehoseSession s = open(wire, FAST_DRAIN, SimFault.VIP_REFUSAL);
        s.configure("emmc", FirehoseSession.DEFAULT_MAX_PAYLOAD).orElseThrow();
        for (int i = 0; i < 2; i++) {
            FirehoseResult<Long> r = s.program(0, 1, 0, new ByteArrayChannel(pattern(512)));
            assertThat(r).isInstanceOf(FirehoseResult.Nak.class);
            assertThat(((FirehoseResult.Nak<Long>) r).reason()).isEqualTo(FirehoseNakReason.AUTHENTICATION_REFUSED);
            assertThat(r.response().logText()).contains("Failed to authenticate Digital Signature.");
        }
        assertThat(phone.disk().storedBlocks()).isZero();
        assertThat(s.nop().ack()).isTrue(); // still in step
    }

    @Test
    void slowStorageAnswersLateOnTheBenchClock() {
        FirehoseSession s = open(Wire.PACKET, FAST_DRAIN, SimFault.SLOW_STORAGE);
        s.configure("emmc", FirehoseSession.DEFAULT_MAX_PAYLOAD).orElseThrow();
        // 60 s of bench time at 1000x: inside the standard bounds.
        assertThat(s.program(0, 4, 0, new ByteArrayChannel(pattern(2048))).isOk()).isTrue();
        assertThat(s.erase(0, 4, 0).ack()).isTrue();
        FirehoseSession impatient = new FirehoseSession(link, FAST_DRAIN.withErase(Duration.ofMillis(5)));
        impatient.configure("emmc", FirehoseSession.DEFAULT_MAX_PAYLOAD).orElseThrow();
        assertThatThrownBy(() -> impatient.erase(0, 4, 0)).isInstanceOf(TransferTimeout.class);
    }

    @ParameterizedTest
    @EnumSource(value = Wire.class, names = {"PACKET", "STREAM_SPLIT"})
    void nakNextRefusesTheNextCommandNotRawData(Wire wire) {
        FirehoseSession s = open(wire, FAST_DRAIN);
        s.configure("emmc", FirehoseSession.DEFAULT_MAX_PAYLOAD).orElseThrow();
        phone.inject(SimFault.NAK_NEXT);
        FirehoseResponse refused = s.nop();
        assertThat(refused.ack()).isFalse();
        assertThat(refused.nakReason()).contains(FirehoseNakReason.OTHER);
        assertThat(s.nop().ack()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = Wire.class, names = {"PACKET", "STREAM_BYTE"})
    void powerResetEndsWithThePhoneLeaving(Wire wire) {
        FirehoseSession s = open(wire, FAST_DRAIN);
        s.configure("emmc", FirehoseSession.DEFAULT_MAX_PAYLOAD).orElseThrow();
        FirehoseResult<FirehoseReset> r = s.powerReset(Duration.ofSeconds(5));
        assertThat(r.isOk()).as("%s", r).isTrue();
        FirehoseReset reset = r.orElseThrow();
        assertThat(reset.deviceLeft()).isTrue();
        if (reset.acknowledged()) {
            // the ACK is followed by two more logs before the phone leaves (traces/firehose/015,
            // https://github.com/fwupd/fwupd/pull/9719)
            assertThat(reset.logs()).extracting(l -> l.text()).contains("INFO: bsp_target_reset() 1");
        }
        assertThatThrownBy(() -> link.read(ByteBuffer.allocate(4096), Duration.ofMillis(50))).isInstanceOf(DeviceGone.class);
    }

    @Test
    void theProgrammerIsStrictAboutRawBytesOutsideAProgram() {
        FirehoseSession s = open(Wire.PACKET, FAST_DRAIN);
        violationsExpected = true;
        s.configure("emmc", FirehoseSession.DEFAULT_MAX_PAYLOAD).orElseThrow();
        link.write(ByteBuffer.wrap(pattern(512)), Duration.ofSeconds(1));
        assertThat(s.nop().ack()).isTrue(); // no answer to raw bytes: still in step
        assertThat(phone.violations()).singleElement().asString().contains("not an XML document");
    }

    @Test
    void aShortStreamIsCompletedWithZerosAndThenRefusedByTheSession() {
        FirehoseSession s = open(Wire.PACKET, FAST_DRAIN);
        s.configure("emmc", FirehoseSession.DEFAULT_MAX_PAYLOAD).orElseThrow();
        assertThatThrownBy(() -> s.program(0, 4, 0, new ByteArrayInputStream(pattern(1000))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ended after 1000 of 2048");
        assertThatThrownBy(() -> s.program(0, 4, 0, new ByteArrayChannel(pattern(1000))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds 1000 bytes");
        assertThat(s.nop().ack()).isTrue();
    }

    @Test
    void rawPiecesRespectTheAgreedPayload() {
        FirehoseSession s = open(Wire.PACKET, FAST_DRAIN);
        s.configure("emmc", 3 * 512 + 100).orElseThrow();
        byte[] data = pattern(10 * 512);
        // The programmer records a violation for any piece over 1636 bytes; pieces are 1536.
        assertThat(s.program(FirehoseProgram.of(512, 0, 10, 0), new ByteArrayChannel(data)).isOk()).isTrue();
        assertThat(phone.disk().read(0, data.length)).isEqualTo(data);
    }
}
