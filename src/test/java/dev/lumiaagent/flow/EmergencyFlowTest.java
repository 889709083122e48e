package dev.lumiaagent.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.image.ede.EdeBuilder;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.image.ffu.SparseDisk;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModel;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Emergency reflash end to end: the real flow, Sahara and Firehose sessions and codecs against the
 * simulated 9008 phone (PBL, then the programmer it loaded), over packet and stream links.
 */
class EmergencyFlowTest {
    private static final PortPath PORT = PortPath.parse("1-6");
    private static final SimModel L640 = SimModels.standard().require("RM-1073");
    private static final SimModel L950 = SimModels.standard().require("RM-1104");

    @TempDir
    static Path dir;
    static Path ffu;
    static Path programmer;
    static Path foreignProgrammer;

    private final SimBus bus = new SimBus(AgentClock.scaled(200));

    @BeforeAll
    static void files() throws Exception {
        ffu = TestPhones.libraryFfu(dir, L640.productType(), 8L << 20);
        programmer = dir.resolve("RM-1073.ede");
        Files.write(programmer, EdeBuilder.forPlatform(L640.platformId()).build());
        foreignProgrammer = dir.resolve("RM-1104.ede");
        Files.write(foreignProgrammer, EdeBuilder.forPlatform(L950.platformId()).build());
    }

    @AfterEach
    void close() {
        bus.close();
    }

    private SimPhone phone(LinkKind link, Set<SimFault> faults) {
        SimPhone p = new SimPhone(L640, "356938035643809", "", Mode.EDL_PBL, 50, link,
                faults.isEmpty() ? EnumSet.noneOf(SimFault.class) : EnumSet.copyOf(faults));
        bus.attach(PORT, p);
        return p;
    }

    private Outcome run(Path prog, Consent consent) throws Exception {
        return run(prog, consent, new FlowListener() { });
    }

    private Outcome run(Path prog, Consent consent, FlowListener listener) throws Exception {
        UsbDevice d = bus.devices().get(0);
        try (FfuFile f = FfuFile.open(ffu)) {
            FlowContext ctx = new FlowContext(bus, bus.clock(), PORT, List.of(listener));
            return FlowRunner.run(new EmergencyFlow(d, prog, f, "rm1073.ffu", consent, EmergencyFlow.Bounds.standard()), ctx);
        }
    }

    private static SparseDisk expected(SimPhone p) throws Exception {
        SparseDisk disk = new SparseDisk(p.disk().sizeBytes());
        try (FfuFile f = FfuFile.open(ffu)) {
            f.reconstruct(disk.blockCount(), disk, true, (a, b) -> { });
        }
        return disk;
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void aBrickedPhoneIsWrittenAndComesBack(LinkKind link) throws Exception {
        if (link == LinkKind.STREAM) {
            bus.streamChunk(509); // splits Sahara packets and Firehose documents from raw data
        }
        SimPhone p = phone(link, Set.of());
        Outcome o = run(programmer, Consent.given("test"));
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(p.disk().sameContentAs(expected(p))).as("eMMC equals the FFU's raw image").isTrue();
        assertThat(p.mode()).isIn(Mode.UEFI, Mode.NORMAL);
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void aProgrammerForAnotherRootKeyIsRefusedByName() throws Exception {
        SimPhone p = phone(LinkKind.PACKET, Set.of());
        Outcome o = run(foreignProgrammer, Consent.given("test"));
        assertThat(o.reason()).isEqualTo(Reason.PROGRAMMER_MISMATCH);
        assertThat(o.nextStep()).contains("product type");
        assertThat(p.disk().storedBlocks()).isZero();
    }

    @Test
    void aHelloAlreadyConsumedIsRecovered() throws Exception {
        SimPhone p = phone(LinkKind.PACKET, Set.of(SimFault.HELLO_CONSUMED));
        Outcome o = run(programmer, Consent.given("test"));
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(p.disk().sameContentAs(expected(p))).isTrue();
    }

    @Test
    void aVipRefusalIsNamedWithTheDevicesReason() throws Exception {
        phone(LinkKind.PACKET, Set.of(SimFault.VIP_REFUSAL));
        Outcome o = run(programmer, Consent.given("test"));
        assertThat(o.reason()).isEqualTo(Reason.DEVICE_REJECTED);
        assertThat(o.summary()).contains("program");
    }

    /**
     * Issue #13 defect 2: a refusal in command mode (the simulator's nak-next answers it with
     * END_OF_IMAGE_TRANSFER 0x01, as the MSM8909 PBL of openpst/sahara#6 does, traces/sahara/008) used to
     * escape as INTERNAL_ERROR; it is a named outcome with a next step, and nothing is written.
     */
    @Test
    void aLoaderThatRefusesCommandModeEndsNamedNotInternal() throws Exception {
        SimPhone p = phone(LinkKind.PACKET, Set.of(SimFault.NAK_NEXT));
        Outcome o = run(programmer, Consent.given("test"));
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DEVICE_REJECTED);
        assertThat(o.summary()).contains("refused Sahara command mode").contains("Nothing was written");
        assertThat(o.nextStep()).contains("Volume-Down + Power");
        assertThat(p.disk().storedBlocks()).isZero();
    }

    /**
     * Issue #13 defect 2, the other half: a loader that refuses one client command (a v3 PBL refuses MSM
     * HW ID with END_OF_IMAGE_TRANSFER 0x01, the answer of openpst/sahara#6, traces/sahara/008) leaves that
     * value unknown and the flow goes on: the root-key hash still checks the programmer, the phone is written.
     */
    @Test
    void aLoaderThatRefusesOneClientCommandIsFlashedWithWhatItTold() throws Exception {
        SimPhone p = phone(LinkKind.PACKET, Set.of());
        p.saharaVersion(3);
        List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        Outcome o = run(programmer, Consent.given("test"), new FlowListener() {
            @Override
            public void progress(PortPath port, String step, double fraction, String status) {
                said.add(step + ": " + status);
            }
        });
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(said).anySatisfy(s -> assertThat(s).startsWith(EmergencyFlow.READ_CHIP).contains("HW ID unknown")
                .contains("the loader refused to tell: MSM HW ID (0x01"));
        assertThat(p.disk().sameContentAs(expected(p))).isTrue();
    }

    @Test
    void storageWithAnotherSectorSizeIsNamed() throws Exception {
        SimPhone p = phone(LinkKind.PACKET, Set.of(SimFault.WRONG_SECTOR_SIZE));
        Outcome o = run(programmer, Consent.given("test"));
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DEVICE_REJECTED);
        assertThat(o.nextStep()).contains("4096-byte sectors"); // the size the programmer named
        assertThat(p.disk().storedBlocks()).isZero();
    }

    @Test
    void slowStorageIsWaitedFor() throws Exception {
        // Each program/erase answers a minute (bench time) late: inside the programmer's bounds, so the
        // flash completes instead of failing on the first slow answer.
        SimPhone p = phone(LinkKind.PACKET, Set.of(SimFault.SLOW_STORAGE));
        Outcome o = run(programmer, Consent.given("test"));
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(p.disk().sameContentAs(expected(p))).isTrue();
    }

    @Test
    void noConsentNoWrite() throws Exception {
        SimPhone p = phone(LinkKind.PACKET, Set.of());
        Outcome o = run(programmer, Consent.none());
        assertThat(o.reason()).isEqualTo(Reason.NO_CONSENT);
        assertThat(p.disk().storedBlocks()).isZero();
    }

    @Test
    void aRawprogramSetIsWrittenAndPatched() throws Exception {
        SimPhone p = phone(LinkKind.PACKET, Set.of());
        Path images = dir.resolve("images");
        Files.createDirectories(images);
        byte[] gpt = new byte[34 * 512];
        for (int i = 0; i < gpt.length; i++) {
            gpt[i] = (byte) (i * 7 + 1);
        }
        Files.write(images.resolve("gpt_main0.bin"), gpt);
        Path raw = dir.resolve("rawprogram0.xml");
        Path patch = dir.resolve("patch0.xml");
        Files.writeString(raw, "<?xml version=\"1.0\" ?>\n<data>\n"
                + "  <program SECTOR_SIZE_IN_BYTES=\"512\" file_sector_offset=\"0\" filename=\"gpt_main0.bin\" label=\"PrimaryGPT\""
                + " num_partition_sectors=\"34\" physical_partition_number=\"0\" sparse=\"false\" start_sector=\"0\"/>\n"
                + "  <program SECTOR_SIZE_IN_BYTES=\"512\" file_sector_offset=\"0\" filename=\"\" label=\"modemst1\""
                + " num_partition_sectors=\"3072\" physical_partition_number=\"0\" sparse=\"false\" start_sector=\"131072\"/>\n"
                + "</data>\n");
        Files.writeString(patch, "<?xml version=\"1.0\" ?>\n<data>\n"
                + "  <patch SECTOR_SIZE_IN_BYTES=\"512\" byte_offset=\"168\" filename=\"DISK\" physical_partition_number=\"0\""
                + " size_in_bytes=\"8\" start_sector=\"2\" value=\"NUM_DISK_SECTORS-34.\" what=\"last usable LBA\"/>\n"
                + "</data>\n");
        var set = dev.lumiaagent.protocol.firehose.RawProgramSet.read(List.of(raw), List.of(patch));
        UsbDevice d = bus.devices().get(0);
        Outcome o = FlowRunner.run(new EmergencyFlow(d, programmer, set, images, "rawprogram0.xml", Consent.given("test"),
                EmergencyFlow.Bounds.standard()), new FlowContext(bus, bus.clock(), PORT, List.of()));
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        byte[] first = p.disk().read(0, 512);
        assertThat(first).isEqualTo(java.util.Arrays.copyOf(gpt, 512));
        long lastUsable = L640.emmcSectors() - 34;
        byte[] patched = p.disk().read(2 * 512 + 168, 8);
        assertThat(java.nio.ByteBuffer.wrap(patched).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(lastUsable);
    }

    @Test
    void aRawprogramSetWithAMissingFileWritesNothing() throws Exception {
        SimPhone p = phone(LinkKind.PACKET, Set.of());
        Path raw = dir.resolve("rawprogram-missing.xml");
        Files.writeString(raw, "<?xml version=\"1.0\" ?>\n<data>\n"
                + "  <program SECTOR_SIZE_IN_BYTES=\"512\" file_sector_offset=\"0\" filename=\"nope.bin\" label=\"x\""
                + " num_partition_sectors=\"1\" physical_partition_number=\"0\" sparse=\"false\" start_sector=\"0\"/>\n</data>\n");
        var set = dev.lumiaagent.protocol.firehose.RawProgramSet.read(List.of(raw), List.of());
        Outcome o = FlowRunner.run(new EmergencyFlow(bus.devices().get(0), programmer, set, dir, "rawprogram-missing.xml",
                Consent.given("test"), EmergencyFlow.Bounds.standard()), new FlowContext(bus, bus.clock(), PORT, List.of()));
        assertThat(o.reason()).isEqualTo(Reason.FFU_INVALID);
        assertThat(o.summary()).contains("nope.bin");
        assertThat(p.disk().storedBlocks()).isZero();
    }

    @Test
    void aFileThatIsNoProgrammer() throws Exception {
        phone(LinkKind.PACKET, Set.of());
        Path junk = dir.resolve("junk.ede");
        Files.write(junk, new byte[100]);
        Outcome o = run(junk, Consent.given("test"));
        assertThat(o.reason()).isEqualTo(Reason.PROGRAMMER_INVALID);
    }

    /** A set whose filename was never through the parser's check (built by code, or an older job): the flow checks again. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"../rm1073.ffu", "/etc/hostname"})
    void aRawprogramNamingAFileOutsideTheImagesDirectoryWritesNothing(String filename) throws Exception {
        SimPhone p = phone(LinkKind.PACKET, Set.of());
        Path images = Files.createDirectories(dir.resolve("images-outside"));
        var entry = new dev.lumiaagent.protocol.firehose.RawProgramEntry("rawprogram0.xml #1", "x", filename, 512, 0,
                dev.lumiaagent.protocol.firehose.FirehoseExpression.parse("0"), 1, 0, false);
        var set = new dev.lumiaagent.protocol.firehose.RawProgramSet(List.of(entry), List.of());
        Outcome o = FlowRunner.run(new EmergencyFlow(bus.devices().get(0), programmer, set, images, "rawprogram0.xml",
                Consent.given("test"), EmergencyFlow.Bounds.standard()), new FlowContext(bus, bus.clock(), PORT, List.of()));
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.RAWPROGRAM_INVALID);
        assertThat(o.summary()).contains(filename).contains("Nothing was written");
        assertThat(o.nextStep()).contains("images directory");
        assertThat(p.disk().storedBlocks()).isZero();
    }

    @Test
    void aRawprogramWhoseFileIsALinkLeadingOutWritesNothing() throws Exception {
        SimPhone p = phone(LinkKind.PACKET, Set.of());
        Path images = Files.createDirectories(dir.resolve("images-link"));
        Files.createSymbolicLink(images.resolve("boot.img"), ffu);
        Path raw = dir.resolve("rawprogram-link.xml");
        Files.writeString(raw, "<?xml version=\"1.0\" ?>\n<data>\n"
                + "  <program SECTOR_SIZE_IN_BYTES=\"512\" file_sector_offset=\"0\" filename=\"boot.img\" label=\"boot\""
                + " num_partition_sectors=\"1\" physical_partition_number=\"0\" sparse=\"false\" start_sector=\"0\"/>\n</data>\n");
        var set = dev.lumiaagent.protocol.firehose.RawProgramSet.read(List.of(raw), List.of());
        Outcome o = FlowRunner.run(new EmergencyFlow(bus.devices().get(0), programmer, set, images, "rawprogram-link.xml",
                Consent.given("test"), EmergencyFlow.Bounds.standard()), new FlowContext(bus, bus.clock(), PORT, List.of()));
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.RAWPROGRAM_INVALID);
        assertThat(o.summary()).contains("boot.img").contains("not inside");
        assertThat(p.disk().storedBlocks()).isZero();
    }

    @Test
    void aRawprogramNamingDotDotIsRefusedByTheParserBeforeAnyFlow() throws Exception {
        Path raw = dir.resolve("rawprogram-dotdot.xml");
        Files.writeString(raw, "<data><program SECTOR_SIZE_IN_BYTES=\"512\" filename=\"../x\" label=\"x\""
                + " num_partition_sectors=\"1\" physical_partition_number=\"0\" start_sector=\"0\"/></data>");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.lumiaagent.protocol.firehose.RawProgramSet.read(List.of(raw), List.of()))
                .isInstanceOfSatisfying(dev.lumiaagent.protocol.firehose.RawProgramException.class, e -> assertThat(e.kind())
                        .isEqualTo(dev.lumiaagent.protocol.firehose.RawProgramException.Kind.OUTSIDE_IMAGES));
    }
}
