package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.image.ede.EdeBuilder;
import dev.lumiaagent.image.ede.EdeParser;
import dev.lumiaagent.protocol.sahara.MsmHwId;
import dev.lumiaagent.protocol.sahara.SaharaDetect;
import dev.lumiaagent.protocol.sahara.SaharaMode;
import dev.lumiaagent.protocol.sahara.SaharaNotResponding;
import dev.lumiaagent.protocol.sahara.SaharaOutOfRange;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaHello;
import dev.lumiaagent.protocol.sahara.SaharaRefused;
import dev.lumiaagent.protocol.sahara.SaharaSession;
import dev.lumiaagent.protocol.sahara.SaharaUpload;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link SaharaSession} against {@link SimEdlFirmware} over a real {@link SimBus}, packet and 1-byte stream links. */
class SimEdlSessionTest {
    private static final Duration IO = Duration.ofSeconds(5);
    private static final String RM1073 = "RM-1073"; // Lumia 640, Microsoft.MSM8926.P6210.1.0

    @TempDir
    Path dir;
    private SimBus bus;
    private Link link;
    private SimPhone phone;
    private final AtomicInteger programmersStarted = new AtomicInteger();
    private final List<String> programmerHeard = new CopyOnWriteArrayList<>();
    private boolean expectViolations;

    @AfterEach
    void close() {
        if (link != null) {
            link.close();
        }
        if (bus != null) {
            bus.close();
        }
        if (phone != null && !expectViolations) {
            assertThat(phone.violations()).as("protocol violations").isEmpty();
        }
    }

    /** The stand-in programmer: answers every message with one XML line, as a Firehose programmer would. */
    private SimFirmware programmer() {
        programmersStarted.incrementAndGet();
        return (message, out) -> {
            programmerHeard.add(new String(message, StandardCharsets.US_ASCII));
            out.send("<?xml version=\"1.0\" ?><data><response value=\"ACK\" /></data>".getBytes(StandardCharsets.US_ASCII));
        };
    }

    private Link open(String model, LinkKind kind, int version, SimFault... faults) {
        phone = new SimPhone(SimModels.standard().require(model), "356938035643809", "", Mode.EDL_PBL, 50, kind,
                faults.length == 0 ? EnumSet.noneOf(SimFault.class) : EnumSet.copyOf(List.of(faults)));
        bus = new SimBus(AgentClock.scaled(1000), (p, b, port) -> new SimEdlFirmware(b.control(port), this::programmer, version));
        if (kind == LinkKind.STREAM) {
            bus.streamChunk(1);
        }
        UsbDevice device = bus.attach(PortPath.parse("2-1"), phone);
        assertThat(device.vidPid()).isEqualTo("05C6:9008");
        link = bus.open(device, SaharaSession.LINK_OPTIONS);
        return link;
    }

    private FileChannel programmerFile(String platformId, boolean elf64, int cut) throws Exception {
        byte[] b = EdeBuilder.forPlatform(platformId).elf64(elf64).build();
        Path f = dir.resolve("prog-" + cut + ".ede");
        Files.write(f, Arrays.copyOf(b, b.length - cut));
        return FileChannel.open(f, StandardOpenOption.READ);
    }

    private String platform(String model) {
        return SimModels.standard().require(model).platformId();
    }

    @ParameterizedTest
    @CsvSource({"PACKET,2,false", "STREAM,2,false", "PACKET,3,true", "STREAM,3,false"})
    void programmerForThisModelLoadsAndHandsOver(LinkKind kind, int version, boolean elf64) throws Exception {
        open(RM1073, kind, version);
        SaharaDetect.Detection d = SaharaDetect.detect(link, IO);
        assertThat(d).isInstanceOf(SaharaDetect.SaharaHelloSeen.class);
        SaharaHello hello = ((SaharaDetect.SaharaHelloSeen) d).hello();
        assertThat(hello.version()).isEqualTo(version);
        assertThat(hello.mode()).isEqualTo(SaharaMode.IMAGE_TX_PENDING);

        SaharaSession s = new SaharaSession(link, IO, hello);
        SaharaUpload up;
        try (FileChannel ch = programmerFile(platform(RM1073), elf64, 0)) {
            up = s.uploadImage(ch);
            // headers, hash segment, phdr[0] (the header segment) and two code segments
            assertThat(up.requests()).isEqualTo(6);
            assertThat(up.imageIds()).containsExactly(13L);
            assertThat(up.donePending()).isFalse();
            assertThat(up.bytesServed()).isLessThan(ch.size());
        }
        assertThat(programmersStarted).hasValue(1);
        link.write(ByteBuffer.wrap("<?xml version=\"1.0\" ?><data><nop /></data>".getBytes(StandardCharsets.US_ASCII)), IO);
        assertThat(SaharaDetect.detect(link, IO)).isInstanceOf(SaharaDetect.FirehoseSeen.class);
        assertThat(programmerHeard).singleElement().asString().contains("<nop />");
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void programmerForAnotherModelIsRefusedByName(LinkKind kind) throws Exception {
        open(RM1073, kind, 2);
        SaharaSession s = new SaharaSession(link, IO);
        try (FileChannel ch = programmerFile(platform("RM-914"), false, 0)) {
            assertThatThrownBy(() -> s.uploadImage(ch)).isInstanceOfSatisfying(SaharaRefused.class, e -> {
                assertThat(e.status().code()).isEqualTo(0x21);
                assertThat(e.status().name()).isEqualTo("HASH_TABLE_AUTH_FAILURE");
                assertThat(e.status().isAuthenticationFailure()).isTrue();
                assertThat(e.nextStep()).contains("signed for another root key").contains("product type");
            });
        }
        assertThat(programmersStarted).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void commandModeValues(LinkKind kind) throws Exception {
        open(RM1073, kind, 2);
        SaharaSession s = new SaharaSession(link, IO);
        s.enterCommandMode();
        assertThat(s.serialNumber()).isEqualTo(SimEdlFirmware.serialNumber(phone));
        MsmHwId hw = s.msmHwId();
        // MSM8926 = 0x8050E1: bkerler/edl edlclient/Config/qualcomm_config.py, and a real MSM8926 PBL's
        // HWID 0x008050e10017bf01 (traces/sahara/004, https://github.com/bkerler/edl/issues/635)
        assertThat(hw.raw()).isEqualTo(0x008050e100000000L);
        assertThat(hw.msmId()).isEqualTo(0x008050e1L);
        assertThat(s.oemPkHash()).isEqualTo(phone.rootKeyHash())
                .isEqualTo(EdeParser.parse(EdeBuilder.forPlatform(platform(RM1073)).build()).rootKeyHash());
        assertThatThrownBy(s::chipIdV3).isInstanceOfSatisfying(SaharaRefused.class,
                e -> assertThat(e.status().name()).isEqualTo("EXEC_CMD_UNSUPPORTED"));
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void saharaV3AnswersChipIdV3InsteadOfMsmHwId(LinkKind kind) throws Exception {
        open("RM-1045", kind, 3);
        SaharaSession s = new SaharaSession(link, IO);
        s.enterCommandMode();
        assertThat(s.chipIdV3().msmId()).isEqualTo(0x007b00e1L);
        assertThatThrownBy(s::msmHwId).isInstanceOf(SaharaRefused.class); // v3: 0x02 is gone
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void switchModeThenUpload(LinkKind kind) throws Exception {
        open(RM1073, kind, 2);
        SaharaSession s = new SaharaSession(link, IO);
        s.enterCommandMode();
        assertThat(s.oemPkHash()).hasSize(32);
        SaharaHello again = s.leaveCommandMode();
        assertThat(again.mode()).isEqualTo(SaharaMode.IMAGE_TX_PENDING);
        try (FileChannel ch = programmerFile(platform(RM1073), false, 0)) {
            assertThat(s.uploadImage(ch).donePending()).isFalse();
        }
        assertThat(programmersStarted).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void helloAlreadyConsumedIsDetectedAndRecovered(LinkKind kind) throws Exception {
        open(RM1073, kind, 2, SimFault.HELLO_CONSUMED);
        SaharaDetect.Detection d = SaharaDetect.detect(link, Duration.ofMillis(300));
        assertThat(d).isInstanceOf(SaharaDetect.Silent.class);
        SaharaSession s = new SaharaSession(link, IO);
        s.assumeHelloConsumed();
        try (FileChannel ch = programmerFile(platform(RM1073), false, 0)) {
            assertThat(s.uploadImage(ch).imageIds()).containsExactly(13L);
        }
        assertThat(programmersStarted).hasValue(1);
    }

    @Test
    void aLoaderThatNeverAnswersEndsInSaharaNotResponding() {
        open(RM1073, LinkKind.PACKET, 2, SimFault.HELLO_CONSUMED, SimFault.STALL);
        assertThat(SaharaDetect.detect(link, Duration.ofMillis(200))).isInstanceOf(SaharaDetect.Silent.class);
        SaharaSession s = new SaharaSession(link, Duration.ofMillis(300));
        s.assumeHelloConsumed();
        assertThatThrownBy(s::enterCommandMode).isInstanceOfSatisfying(SaharaNotResponding.class,
                e -> assertThat(e.nextStep()).contains("Hold Power"));
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void outOfRangeRequestAbortsWithResetAndThePhoneLeaves(LinkKind kind) throws Exception {
        open(RM1073, kind, 2);
        SaharaSession s = new SaharaSession(link, IO);
        try (FileChannel ch = programmerFile(platform(RM1073), false, 0x20)) {
            long size = ch.size();
            assertThatThrownBy(() -> s.uploadImage(ch)).isInstanceOfSatisfying(SaharaOutOfRange.class, e -> {
                assertThat(e.imageSize()).isEqualTo(size);
                assertThat(e.offset() + e.length()).isGreaterThan(size);
            });
        }
        awaitModeOtherThan(Mode.EDL_PBL);
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void outOfRangePaddedWithFfFailsTheSegmentHash(LinkKind kind) throws Exception {
        open(RM1073, kind, 2);
        SaharaSession s = new SaharaSession(link, IO);
        try (FileChannel ch = programmerFile(platform(RM1073), false, 0x20)) {
            assertThatThrownBy(() -> s.uploadImage(ch, SaharaSession.OutOfRange.PAD_WITH_FF))
                    .isInstanceOfSatisfying(SaharaRefused.class,
                            e -> assertThat(e.status().name()).isEqualTo("HASH_VERIFICATION_FAILURE"));
        }
    }

    @Test
    void resetAnswersAndThePhoneLeavesEmergencyMode() {
        open(RM1073, LinkKind.PACKET, 2, SimFault.HELLO_CONSUMED);
        SaharaSession s = new SaharaSession(link, IO);
        s.reset();
        awaitModeOtherThan(Mode.EDL_PBL);
        assertThat(phone.has(SimFault.HELLO_CONSUMED)).isFalse();
    }

    @Test
    void theStandardBusServesEmergencyModeWithThePbl() {
        phone = new SimPhone(SimModels.standard().require(RM1073), "356938035643809", "", Mode.EDL_PBL, 50,
                LinkKind.PACKET, Set.of());
        bus = new SimBus(AgentClock.scaled(1000));
        UsbDevice device = bus.attach(PortPath.parse("2-2"), phone);
        link = bus.open(device, SaharaSession.LINK_OPTIONS);
        SaharaSession s = new SaharaSession(link, IO);
        assertThat(s.hello().version()).isEqualTo(2);
        s.enterCommandMode();
        assertThat(s.oemPkHash()).isEqualTo(phone.rootKeyHash());
    }

    private void awaitModeOtherThan(Mode mode) {
        long deadline = System.nanoTime() + IO.toNanos();
        while (phone.mode() == mode && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertThat(phone.mode()).isNotEqualTo(mode);
    }
}
