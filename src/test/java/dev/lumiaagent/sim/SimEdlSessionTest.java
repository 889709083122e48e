package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.image.ede.EdeBuilder;
import dev.lumiaagent.image.ede.EdeParser;
import dev.lumiaagent.protocol.sahara.MsmHwId;
import dev.lumiaagent.protocol.sahara.OemPkHash;
import dev.lumiaagent.protocol.sahara.SaharaCodec;
import dev.lumiaagent.protocol.sahara.SaharaPacket;
import dev.lumiaagent.protocol.sahara.SaharaPacket.EndOfImageTransfer;
import dev.lumiaagent.protocol.sahara.SaharaPacket.Execute;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ExecuteData;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ExecuteResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ReadData;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ReadData64;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaHelloResponse;
import dev.lumiaagent.protocol.sahara.SaharaStatus;
import dev.lumiaagent.testing.Trace;
import java.util.stream.Collectors;
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
        bus = new SimBus(AgentClock.scaled(1000), (p, b, port) -> SimEdlFirmware.ofThisPowerOn(b.control(port),
                () -> new SimEdlFirmware(b.control(port), this::programmer, version)));
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
            // ELF header, program headers, hash segment and two code segments; phdr[0] (ELF header and
            // program headers) is hashed from bytes already read, never re-read (traces/sahara/011, 022)
            assertThat(up.requests()).isEqualTo(5);
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
        // An unimplemented client command: END_OF_IMAGE_TRANSFER status 0x01, not 0x1F (traces/sahara/008,
        // https://github.com/openpst/sahara/issues/6); the PBL stays in command mode (assumed)
        assertThatThrownBy(s::chipIdV3).isInstanceOfSatisfying(SaharaRefused.class,
                e -> assertThat(e.status().name()).isEqualTo("INVALID_CMD"));
        assertThat(s.oemPkHash()).isEqualTo(phone.rootKeyHash());
    }

    /**
     * HELLO is sent once per power-on (qdl:src/qud.c): a host that reads it, closes and reopens gets
     * nothing, and its unasked HELLO_RESP is taken by the PBL still waiting for one (§2.4 step 5).
     */
    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void reopeningThePortGetsNoSecondHelloAndTheClientCopes(LinkKind kind) throws Exception {
        open(RM1073, kind, 2);
        assertThat(SaharaDetect.detect(link, IO)).isInstanceOf(SaharaDetect.SaharaHelloSeen.class);
        link.close();
        link = bus.open(bus.devices().get(0), SaharaSession.LINK_OPTIONS);
        assertThat(SaharaDetect.detect(link, Duration.ofMillis(300))).isInstanceOf(SaharaDetect.Silent.class);
        SaharaSession s = new SaharaSession(link, IO);
        s.assumeHelloConsumed();
        try (FileChannel ch = programmerFile(platform(RM1073), false, 0)) {
            assertThat(s.uploadImage(ch).donePending()).isFalse();
        }
        assertThat(programmersStarted).hasValue(1);
    }

    /**
     * An unasked HELLO_RESP when no HELLO waits (here: the PBL is in command mode when the host reopens)
     * is "Invalid Command" (traces/sahara/009 note, https://github.com/openpst/sahara/issues/7): the
     * client gets a named refusal, not silence and not a CMD_READY, and the sim records the violation.
     */
    @Test
    void anUnaskedHelloResponseInCommandModeIsRefused() {
        expectViolations = true;
        open(RM1073, LinkKind.PACKET, 2);
        new SaharaSession(link, IO).enterCommandMode();
        link.close();
        link = bus.open(bus.devices().get(0), SaharaSession.LINK_OPTIONS);
        SaharaSession again = new SaharaSession(link, IO);
        again.assumeHelloConsumed();
        assertThatThrownBy(again::enterCommandMode).isInstanceOfSatisfying(SaharaRefused.class,
                e -> assertThat(e.status().code()).isEqualTo(0x01));
        assertThat(phone.violations()).singleElement().asString().contains("unexpected SaharaHelloResponse");
        // still in command mode: the PBL answers client commands on
        assertThat(again.serialNumber()).isEqualTo(SimEdlFirmware.serialNumber(phone));
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
    void resetAnswersAndThePhoneLeavesEmergencyMode() throws Exception {
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

    // ------------------------------------------------------------------ the PBL against captures

    private static List<byte[]> captured(String trace, boolean fromDevice) {
        return Trace.load(trace).transfers().stream().filter(e -> e.fromDevice() == fromDevice).map(Trace.Entry::bytes)
                .collect(Collectors.toList());
    }

    /** Serves every READ_DATA / READ_DATA_64 from {@code file} until the PBL sends something else; returns the requests. */
    private static List<long[]> serve(SimPblDriver pbl, byte[] file, List<byte[]> first, List<byte[]> last) {
        List<long[]> asked = new java.util.ArrayList<>();
        List<byte[]> answer = first;
        while (true) {
            assertThat(answer).hasSize(1);
            SaharaPacket p = SaharaCodec.decode(answer.get(0));
            long offset;
            long length;
            if (p instanceof ReadData) {
                offset = ((ReadData) p).offset();
                length = ((ReadData) p).length();
            } else if (p instanceof ReadData64) {
                offset = ((ReadData64) p).offset();
                length = ((ReadData64) p).length();
            } else {
                last.add(answer.get(0));
                return asked;
            }
            asked.add(new long[] {offset, length});
            answer = pbl.host(Arrays.copyOfRange(file, (int) offset, (int) (offset + length)));
        }
    }

    private static List<byte[]> segments(int n, int size) {
        List<byte[]> l = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[size + 0x111 * i];
            Arrays.fill(b, (byte) (i + 1));
            l.add(b);
        }
        return l;
    }

    /**
     * A 32-bit PBL: READ_DATA 0x34 bytes at 0 (the ELF32 header), then the program headers at 0x34, then
     * pieces of at most 0x1000 with a short last piece per segment, and offset 0 is never asked again
     * (traces/sahara/011 https://github.com/linux-msm/qdl/issues/76, 012 https://github.com/linux-msm/qdl/issues/20,
     * 016 https://github.com/xhikarishii/openwrt-ipq/issues/3, 019 https://github.com/bkerler/edl/issues/67).
     * Seven code segments make nine program headers, 0x120 bytes, as in 011: the first two requests are then
     * the captured bytes.
     */
    @Test
    void aThirtyTwoBitPblReadsAsCaptured() {
        SimPblDriver pbl = new SimPblDriver(RM1073, 2, false);
        byte[] file = EdeBuilder.forPlatform(platform(RM1073)).segments(segments(7, 0x2a48)).build();
        List<byte[]> captured = captured("sahara/011", true);
        assertThat(pbl.open()).singleElement().isEqualTo(captured.get(0)); // HELLO v2, 0x400, mode 0
        List<byte[]> first = pbl.host(SaharaCodec.encode(SaharaHelloResponse.of(SaharaMode.IMAGE_TX_PENDING)));
        assertThat(first.get(0)).isEqualTo(captured.get(1)); // 0x34 @ 0
        List<byte[]> end = new java.util.ArrayList<>();
        List<long[]> asked = serve(pbl, file, first, end);
        assertThat(SaharaCodec.encode(new ReadData(13, asked.get(1)[0], asked.get(1)[1]))).isEqualTo(captured.get(2)); // 0x120 @ 0x34
        assertThat(asked.get(2)[0]).isEqualTo(0x1000); // the hash segment next (011, 019)
        assertThat(asked.subList(1, asked.size())).allSatisfy(r -> {
            assertThat(r[0]).as("offset 0 is read once").isNotZero();
            assertThat(r[1]).isBetween(1L, 0x1000L);
        });
        assertThat(asked.stream().filter(r -> r[1] == 0xa48).count()).as("a short last piece per segment").isEqualTo(1);
        // success: END_OF_IMAGE_TRANSFER status 0 → DONE → DONE_RESP status 1 (traces/sahara/022,
        // https://github.com/96boards/documentation/issues/244)
        List<byte[]> done = captured("sahara/022", true);
        assertThat(end).singleElement().isEqualTo(done.get(done.size() - 2));
        assertThat(pbl.host(captured("sahara/022", false).get(0))).first().isEqualTo(done.get(done.size() - 1));
        assertThat(pbl.phone().violations()).isEmpty();
    }

    /**
     * A 64-bit PBL (HELLO v2 and READ_DATA_64): 0x40 at 0, the program headers at 0x40 (0x230 for ten, as in
     * 022), then at most 0x1000 per request (traces/sahara/013 https://github.com/linux-msm/qdl/pull/36,
     * 015 https://github.com/linux-msm/qdl/issues/13, 022 https://github.com/96boards/documentation/issues/244).
     */
    @Test
    void aSixtyFourBitPblReadsAsCaptured() {
        SimPblDriver pbl = new SimPblDriver(RM1073, 2, true);
        byte[] file = EdeBuilder.forPlatform(platform(RM1073)).elf64(true).segments(segments(8, 0x1ff4)).build();
        List<byte[]> captured = captured("sahara/022", true);
        assertThat(pbl.open()).singleElement().isEqualTo(captured.get(0));
        List<byte[]> first = pbl.host(SaharaCodec.encode(SaharaHelloResponse.of(SaharaMode.IMAGE_TX_PENDING)));
        assertThat(first.get(0)).isEqualTo(captured.get(1)); // READ_DATA_64 0x40 @ 0
        List<byte[]> end = new java.util.ArrayList<>();
        List<long[]> asked = serve(pbl, file, first, end);
        assertThat(SaharaCodec.encode(new ReadData64(13, asked.get(1)[0], asked.get(1)[1]))).isEqualTo(captured.get(2)); // 0x230 @ 0x40
        assertThat(asked.subList(1, asked.size())).allSatisfy(r -> {
            assertThat(r[0]).isNotZero();
            assertThat(r[1]).isBetween(1L, 0x1000L);
        });
        assertThat(asked.stream().filter(r -> r[1] == 0xff4).count()).isEqualTo(1); // 022's last piece
        assertThat(end).singleElement().isEqualTo(captured.get(captured.size() - 2)); // EOIT status 0
    }

    /** Assumed: a 32-bit PBL's 0x34 bytes are not a whole ELF64 header, so it refuses the file (0x14). */
    @Test
    void aThirtyTwoBitPblRefusesAnElf64Programmer() {
        SimPblDriver pbl = new SimPblDriver(RM1073, 2, false);
        byte[] file = EdeBuilder.forPlatform(platform(RM1073)).elf64(true).build();
        pbl.open();
        pbl.host(SaharaCodec.encode(SaharaHelloResponse.of(SaharaMode.IMAGE_TX_PENDING)));
        assertThat(pbl.host(Arrays.copyOf(file, 0x34))).singleElement()
                .isEqualTo(SaharaCodec.encode(new EndOfImageTransfer(13, SaharaStatus.of(0x14))));
    }

    /**
     * Command mode replies as captured: CMD_READY 8 bytes (traces/sahara/006 https://github.com/bkerler/edl/issues/342);
     * MSM HW ID EXECUTE_RESP data_length 0x18 and the HWID three times LE (sahara/003
     * https://github.com/bkerler/edl/issues/398, 004 https://github.com/bkerler/edl/issues/635); serial 4 bytes on
     * v2 (sahara/010 https://github.com/bkerler/edl/issues/229) and EXECUTE_RESP length 8 on v3 (sahara/017
     * https://github.com/qualcomm/qdlrs/pull/13); OEM PK hash three copies (0x90 = 3 × 48 in sahara/006; our
     * models fuse 32 bytes, so 0x60).
     */
    @ParameterizedTest
    @CsvSource({"2", "3"})
    void commandModeRepliesHaveTheCapturedSizes(int version) {
        SimPblDriver pbl = new SimPblDriver(RM1073, version, false);
        pbl.open();
        assertThat(pbl.host(captured("sahara/007", false).get(0))).singleElement() // HELLO_RESP mode 3, reserved 1..6
                .isEqualTo(captured("sahara/006", true).get(0)); // 0b000000 08000000
        byte[] serialResp = pbl.host(SaharaCodec.encode(new Execute(0x01))).get(0);
        if (version == 2) {
            assertThat(pbl.host(SaharaCodec.encode(new ExecuteData(0x01)))).singleElement().satisfies(b -> assertThat(b).hasSize(4));
            byte[] hwResp = pbl.host(SaharaCodec.encode(new Execute(0x02))).get(0);
            assertThat(hwResp).isEqualTo(captured("sahara/003", true).get(0)); // 0e000000 10000000 02000000 18000000
            byte[] hw = pbl.host(captured("sahara/003", false).get(0) /* EXECUTE_DATA 0x02 */).get(0);
            assertThat(hw).hasSize(24);
            assertThat(Arrays.copyOfRange(hw, 8, 16)).isEqualTo(Arrays.copyOf(hw, 8));
            assertThat(Arrays.copyOfRange(hw, 16, 24)).isEqualTo(Arrays.copyOf(hw, 8));
            assertThat(MsmHwId.parse(hw).raw()).isEqualTo(0x008050e100000000L); // MSM8926 as a real one reports it (sahara/004), OEM and model assumed 0
        } else {
            assertThat(serialResp).isEqualTo(captured("sahara/017", true).get(2)); // 0e000000 10000000 01000000 08000000
            assertThat(pbl.host(SaharaCodec.encode(new ExecuteData(0x01)))).singleElement().satisfies(b -> assertThat(b).hasSize(8));
        }
        byte[] pk = pbl.host(SaharaCodec.encode(new Execute(0x03))).get(0);
        assertThat(((ExecuteResponse) SaharaCodec.decode(pk)).dataLength()).isEqualTo(3L * pbl.phone().rootKeyHash().length);
        byte[] hash = pbl.host(SaharaCodec.encode(new ExecuteData(0x03))).get(0);
        assertThat(OemPkHash.trim(hash)).isEqualTo(pbl.phone().rootKeyHash());
        assertThat(pbl.phone().violations()).isEmpty();
    }

    /**
     * A client command the PBL does not implement: END_OF_IMAGE_TRANSFER image 0x0d status 0x01, every time
     * (traces/sahara/008, https://github.com/openpst/sahara/issues/6) — 0x0A on a v2 PBL, 0x02 on v3 (assumed).
     */
    @ParameterizedTest
    @CsvSource({"2,10", "3,2"})
    void anUnimplementedClientCommandIsRefusedAsCaptured(int version, int command) {
        SimPblDriver pbl = new SimPblDriver(RM1073, version, false);
        pbl.open();
        pbl.host(SaharaCodec.encode(SaharaHelloResponse.of(SaharaMode.COMMAND)));
        byte[] refusal = captured("sahara/008", true).get(0);
        assertThat(pbl.host(SaharaCodec.encode(new Execute(command)))).singleElement().isEqualTo(refusal);
        assertThat(pbl.host(SaharaCodec.encode(new Execute(command)))).singleElement().isEqualTo(refusal);
        assertThat(pbl.host(SaharaCodec.encode(new Execute(0x01)))).singleElement()
                .satisfies(b -> assertThat(SaharaCodec.decode(b)).isInstanceOf(ExecuteResponse.class));
    }

    /**
     * Non-Sahara bytes (edl-ng's Firehose probe) while the PBL waits for HELLO_RESP: END_OF_IMAGE_TRANSFER
     * 0x0d / 0x01 and no new HELLO (traces/sahara/021, https://github.com/strongtz/edl-ng/issues/11).
     */
    @Test
    void aFirehoseProbeWhileWaitingForHelloResponseGetsTheCapturedRefusal() {
        SimPblDriver pbl = new SimPblDriver(RM1073, 2, false);
        pbl.open();
        byte[] nop = "<?xml version=\"1.0\" ?><data><nop /></data>".getBytes(StandardCharsets.US_ASCII);
        assertThat(pbl.host(nop)).singleElement().isEqualTo(captured("sahara/021", true).get(0));
        assertThat(pbl.open()).as("no HELLO again").isEmpty();
        assertThat(pbl.phone().violations()).singleElement().asString().contains("not Sahara");
    }

    /**
     * Waits for the phone to come back on the bus after leaving {@code mode}: it changes mode when it leaves
     * and enumerates again in the new one, so an arrival heard after subscribing (or a mode already changed
     * when subscribing) is the event. Fails when it has not within {@link #IO}.
     */
    private void awaitModeOtherThan(Mode mode) throws InterruptedException {
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
        try (dev.lumiaagent.transport.Bus.Subscription s = bus.watch(e -> {
            if (e instanceof dev.lumiaagent.transport.BusEvent.Attached) {
                arrived.countDown();
            }
        })) {
            if (phone.mode() == mode) {
                arrived.await(IO.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
        assertThat(phone.mode()).isNotEqualTo(mode);
    }
}
