package dev.lumiaagent.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.image.ede.EdeBuilder;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModel;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.sim.SimUefiApp;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evidence each flow reports (issue 17: what an erasure certificate may claim), run over the simulator's real
 * bytes: the exact list of kinds, names and verdicts, in order, for each way a flow ends, and the numbers in the
 * details checked against the simulated phone's own storage where it has them.
 */
class EvidenceTest {
    private static final PortPath PORT = PortPath.parse("1-5");
    private static final SimModel L950 = SimModels.standard().require("RM-1104");
    private static final SimModel L640 = SimModels.standard().require("RM-1073");
    private static final String IMEI = "356938035643809";
    private static final String OTHER_IMEI = "490154203237518";

    @TempDir
    static Path dir;
    static Path ffu950;
    static Path ffu640;
    static Path programmer640;

    private final SimBus bus = new SimBus(AgentClock.scaled(200));
    private final List<Evidence> evidence = new CopyOnWriteArrayList<>();
    /** Runs as a step starts (a fault armed there). */
    private volatile Consumer<String> onStep = s -> { };

    private final FlowListener listener = new FlowListener() {
        @Override
        public void stepStarted(PortPath port, String step, String description, Duration bound) {
            onStep.accept(step);
        }

        @Override
        public void actionRequired(PortPath port, String step, List<String> lines) {
            if (step.equals(HardResetFlow.GUIDED_KEYS)) {
                bus.keyHardReset(port);
            } else if (step.equals(HardResetFlow.SETTINGS_RESET)) {
                bus.settingsReset(port);
            }
        }

        @Override
        public void evidence(PortPath port, Evidence e) {
            evidence.add(e);
        }
    };

    @BeforeAll
    static void files() throws Exception {
        ffu950 = TestPhones.libraryFfu(Files.createDirectories(dir.resolve("950")), L950.productType(), 8L << 20);
        ffu640 = TestPhones.libraryFfu(Files.createDirectories(dir.resolve("640")), L640.productType(), 8L << 20);
        programmer640 = dir.resolve("RM-1073.ede");
        Files.write(programmer640, EdeBuilder.forPlatform(L640.platformId()).build());
    }

    @BeforeEach
    void resetTime() {
        bus.factoryResetTime(Duration.ofMinutes(10));
    }

    @AfterEach
    void close() {
        bus.close();
    }

    private static SimPhone phone(SimModel model, Mode mode, Set<SimFault> faults) {
        SimPhone p = new SimPhone(model, IMEI, "USB7", mode, 70, LinkKind.PACKET,
                faults.isEmpty() ? EnumSet.noneOf(SimFault.class) : EnumSet.copyOf(faults));
        p.uefiApp(SimUefiApp.FLASH_APP);
        return p;
    }

    private FlowContext ctx() {
        return new FlowContext(bus, bus.clock(), PORT, List.of(listener));
    }

    /** "kind name ok|FAILED", one per evidence, in order. */
    private List<String> said() {
        List<String> out = new ArrayList<>();
        for (Evidence e : evidence) {
            out.add(e.kind() + " " + e.name() + " " + (e.ok() ? "ok" : "FAILED"));
        }
        return out;
    }

    private Evidence the(String name) {
        return evidence.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " evidence in " + evidence));
    }

    private Outcome reflash(SimPhone p, ReflashFlow.Bounds bounds) throws Exception {
        UsbDevice d = bus.attach(PORT, p);
        try (FfuFile f = FfuFile.open(ffu950)) {
            return FlowRunner.run(new ReflashFlow(d, f, "rm1104.ffu", Consent.given("test"), bounds), ctx());
        }
    }

    private Outcome hardReset(SimPhone p, HardResetFlow.Method method, HardResetFlow.FfuSource ffus, HardResetFlow.Bounds bounds) {
        UsbDevice d = bus.attach(PORT, p);
        return FlowRunner.run(new HardResetFlow(Optional.of(d), method, ffus, Consent.given("test"), bounds,
                ReflashFlow.Bounds.standard()), ctx());
    }

    private Outcome emergency(SimPhone p) throws Exception {
        UsbDevice d = bus.attach(PORT, p);
        try (FfuFile f = FfuFile.open(ffu640)) {
            return FlowRunner.run(new EmergencyFlow(d, programmer640, f, "rm1073.ffu", Consent.given("test"),
                    EmergencyFlow.Bounds.standard()), ctx());
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0; ) {
                md.update(b, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    // ---- reflash ----

    @Test
    void aReflashReportsTheVerifiedFfuTheWriteTheFlashAppsAcceptanceTheBootAndTheSamePhone() throws Exception {
        Outcome o = reflash(phone(L950, Mode.NORMAL, Set.of()), ReflashFlow.Bounds.standard());
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(said()).containsExactly("CHECK ffu-verified ok", "ERASURE reflash ok", "CHECK flash-app-accepted ok",
                "CHECK booted-os ok", "CHECK same-phone ok");
        String sha = sha256(ffu950);
        assertThat(the(Evidence.FFU_VERIFIED).detail()).contains("chunks of rm1104.ffu checked against its hash table")
                .contains("SHA-256 " + sha);
        assertThat(the(Evidence.REFLASH).detail()).startsWith("wrote rm1104.ffu (SHA-256 " + sha + "): ").contains("payload blocks")
                .containsPattern("\\d+\\.\\d MiB in \\d+ payload blocks");
        assertThat(the(Evidence.FLASH_APP_ACCEPTED).detail()).contains("accepted all").contains("0x1003 HASH_MISMATCH");
        assertThat(the(Evidence.BOOTED_OS).detail()).contains("booted its OS");
        assertThat(the(Evidence.SAME_PHONE).detail()).contains("IMEI " + IMEI).contains("compared: IMEI");
    }

    @Test
    void aReflashedPhoneThatComesBackInTheWrongModeFailsTheBootCheckBeforeTheFlowEnds() throws Exception {
        onStep = step -> {
            if (step.equals(ReflashFlow.AWAIT_LEAVE)) {
                bus.nextArrivalAs(PORT, Mode.MASS_STORAGE); // it restarts, but comes back as mass storage and stays
            }
        };
        ReflashFlow.Bounds b = ReflashFlow.Bounds.standard();
        Outcome o = reflash(phone(L950, Mode.NORMAL, Set.of()), new ReflashFlow.Bounds(b.toFlashApp(), b.leave(), Duration.ofMinutes(2),
                b.perMessage()));
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.RETURNED_IN_WRONG_MODE);
        assertThat(said()).containsExactly("CHECK ffu-verified ok", "ERASURE reflash ok", "CHECK flash-app-accepted ok",
                "CHECK booted-os FAILED");
        assertThat(the(Evidence.BOOTED_OS).detail()).contains("came back in").contains("mass storage").contains("not its OS");
    }

    /**
     * The phone left the bus once already in this flow (into the flash app): a flash app that takes NOKR and does not
     * restart must fail the restart wait, not pass it on that first leave and then wait the whole first-boot bound
     * for an OS that is not coming.
     */
    @Test
    void aFlashAppThatDoesNotRestartAfterNokrFailsTheRestartWaitNotTheBootWait() throws Exception {
        SimPhone p = phone(L950, Mode.NORMAL, Set.of());
        onStep = step -> {
            if (step.equals(ReflashFlow.REBOOT)) {
                p.inject(SimFault.STALL); // the flash app hangs: NOKR is taken and nothing follows
            }
        };
        Outcome o = reflash(p, ReflashFlow.Bounds.standard());
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.PHONE_DID_NOT_LEAVE);
        assertThat(said()).containsExactly("CHECK ffu-verified ok", "ERASURE reflash ok", "CHECK flash-app-accepted ok",
                "CHECK booted-os FAILED");
        assertThat(the(Evidence.BOOTED_OS).detail()).contains("did not restart");
    }

    @Test
    void aDifferentPhoneComingBackFailsTheSamePhoneCheckNamingBothIdentities() throws Exception {
        onStep = step -> {
            if (step.equals(ReflashFlow.AWAIT_RETURN)) {
                bus.detach(PORT);
                bus.attach(PORT, new SimPhone(L950, OTHER_IMEI, "OTHER", Mode.NORMAL, 60, LinkKind.PACKET, EnumSet.noneOf(SimFault.class)));
            }
        };
        Outcome o = reflash(phone(L950, Mode.NORMAL, Set.of()), ReflashFlow.Bounds.standard());
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DIFFERENT_PHONE);
        assertThat(said()).containsExactly("CHECK ffu-verified ok", "ERASURE reflash ok", "CHECK flash-app-accepted ok",
                "CHECK booted-os ok", "CHECK same-phone FAILED");
        assertThat(the(Evidence.SAME_PHONE).detail()).contains("a different phone came back").contains("IMEI " + OTHER_IMEI)
                .contains("IMEI " + IMEI).contains("compared: IMEI");
    }

    // ---- hard reset ----

    @Test
    void aSettingsResetReportsTheResetSeenBeginningAndWatchedToItsEnd() {
        SimPhone p = phone(L950, Mode.NORMAL, Set.of());
        Outcome o = hardReset(p, HardResetFlow.Method.SETTINGS, HardResetFlow.FfuSource.none(), HardResetFlow.Bounds.standard());
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(said()).containsExactly("ERASURE settings-reset ok", "CHECK reset-observed ok", "CHECK same-phone ok");
        assertThat(the(Evidence.SETTINGS_RESET).detail()).contains("started by its owner from Settings").contains("left the USB bus");
        assertThat(the(Evidence.RESET_OBSERVED).detail()).contains("left the USB bus").contains("back in normal mode")
                .containsPattern("\\d+ restarts? into other modes seen");
        assertThat(p.userDataErased()).isTrue();
    }

    @Test
    void aKeyResetReportsTheKeySequenceSeenTakingEffect() {
        Outcome o = hardReset(phone(L950, Mode.NORMAL, Set.of()), HardResetFlow.Method.KEYS, HardResetFlow.FfuSource.none(),
                HardResetFlow.Bounds.standard());
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(said()).containsExactly("ERASURE key-reset ok", "CHECK reset-observed ok", "CHECK same-phone ok");
        assertThat(the(Evidence.KEY_RESET).detail()).contains("guided key sequence").contains("left the USB bus");
    }

    @Test
    void aUsbWipeReportsWhatWasErasedWhatWasNotTheAcknowledgementAndTheBoot() {
        SimPhone p = phone(L950, Mode.UEFI, Set.of());
        Outcome o = hardReset(p, HardResetFlow.Method.USB_WIPE, HardResetFlow.FfuSource.none(), HardResetFlow.Bounds.standard());
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(said()).containsExactly("ERASURE usb-wipe ok", "CHECK erase-acknowledged ok", "CHECK booted-os ok", "CHECK same-phone ok");
        assertThat(the(Evidence.USB_WIPE).detail()).contains("NOKXFP \"Data\"").contains(HardResetFlow.USB_WIPE_SCOPE);
        assertThat(the(Evidence.ERASE_ACKNOWLEDGED).detail()).contains("acknowledged NOKXFP \"Data\"");
        assertThat(the(Evidence.BOOTED_OS).detail()).contains("booted its OS after the wipe");
        assertThat(p.userDataErased()).isTrue();
    }

    @Test
    void aResetThatNeverFinishesFailsTheResetCheck() {
        bus.factoryResetTime(Duration.ofMinutes(4));
        HardResetFlow.Bounds tight = new HardResetFlow.Bounds(Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofMinutes(15),
                Duration.ofSeconds(30));
        Outcome o = hardReset(phone(L950, Mode.NORMAL, Set.of(SimFault.RESET_NEVER_FINISHES)), HardResetFlow.Method.SETTINGS,
                HardResetFlow.FfuSource.none(), tight);
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.RESET_NEVER_FINISHED);
        assertThat(said()).containsExactly("ERASURE settings-reset ok", "CHECK reset-observed FAILED");
        assertThat(the(Evidence.RESET_OBSERVED).detail()).contains("not back in normal mode within 15 min")
                .containsPattern("[1-9]\\d* restarts? into other modes seen");
    }

    @Test
    void aHardResetByReflashReportsTheReflashsEvidence() throws Exception {
        Outcome o = hardReset(phone(L950, Mode.NORMAL, Set.of()), HardResetFlow.Method.REFLASH, info -> Optional.of(ffu950),
                HardResetFlow.Bounds.standard());
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(said()).containsExactly("CHECK ffu-verified ok", "ERASURE reflash ok", "CHECK flash-app-accepted ok",
                "CHECK booted-os ok", "CHECK same-phone ok");
    }

    // ---- emergency ----

    /**
     * The SHA-256 of what the phone's eMMC holds where the FFU writes (the places FfuFile's own rebuild writes, each
     * once), in disk order.
     */
    private static String storedDigest(SimPhone p) throws Exception {
        java.util.TreeMap<Long, Integer> places = new java.util.TreeMap<>();
        try (FfuFile f = FfuFile.open(ffu640)) {
            f.reconstruct(p.disk().blockCount(), (offset, data) -> {
                places.put(offset, data.remaining());
                data.position(data.limit());
            }, true, (a, b) -> { });
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        places.forEach((offset, length) -> md.update(p.disk().read(offset, length)));
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void anEmergencyWriteIsReadBackAndItsDigestIsThatOfWhatTheStorageHolds() throws Exception {
        SimPhone p = phone(L640, Mode.EDL_PBL, Set.of());
        Outcome o = emergency(p);
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(said()).containsExactly("ERASURE emergency-reflash ok", "CHECK readback-digest ok", "CHECK booted-os ok");
        String stored = storedDigest(p);
        assertThat(the(Evidence.EMERGENCY_REFLASH).detail()).contains("RM-1073.ede").contains("rm1073.ffu")
                .contains("FFU SHA-256 " + sha256(ffu640)).containsPattern("\\d+\\.\\d MiB \\(\\d+ bytes\\) in \\d+ ranges? \\(sectors \\d+-\\d+");
        assertThat(the(Evidence.READBACK_DIGEST).detail()).startsWith("read back ").contains("SHA-256 " + stored)
                .contains("equals the written image's");
        assertThat(p.mode()).isEqualTo(Mode.NORMAL);
    }

    @Test
    void anEmergencyWriteThatReadsBackDifferentlyEndsReadbackMismatchAndThePhoneIsNotRestarted() throws Exception {
        SimPhone p = phone(L640, Mode.EDL_PBL, Set.of(SimFault.BAD_EMMC_BLOCK));
        Outcome o = emergency(p);
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.READBACK_MISMATCH);
        assertThat(o.nextStep()).contains("run the emergency flash again").contains("eMMC");
        assertThat(said()).containsExactly("ERASURE emergency-reflash ok", "CHECK readback-digest FAILED");
        String stored = storedDigest(p);
        assertThat(the(Evidence.READBACK_DIGEST).detail()).contains("SHA-256 " + stored).contains("is not the written image's")
                .containsPattern("[1-9]\\d* of the \\d+ pieces written read back differently, the first at sectors \\d+-\\d+: SHA-256 "
                        + "[0-9a-f]{64} read, [0-9a-f]{64} written");
        assertThat(o.summary()).contains(stored);
        assertThat(p.mode()).as("no power reset after a mismatch").isEqualTo(Mode.EDL_PBL);
    }

    @Test
    void aRawprogramSetIsReadBackWithoutThePatchedSectors() throws Exception {
        SimPhone p = phone(L640, Mode.EDL_PBL, Set.of());
        Path images = Files.createDirectories(dir.resolve("images"));
        byte[] gpt = new byte[34 * 512 - 100]; // the last sector padded with zeros by the session
        for (int i = 0; i < gpt.length; i++) {
            gpt[i] = (byte) (i * 7 + 1);
        }
        Files.write(images.resolve("gpt_main0.bin"), gpt);
        Path raw = Files.writeString(dir.resolve("rawprogram0.xml"), "<?xml version=\"1.0\" ?>\n<data>\n"
                + "  <program SECTOR_SIZE_IN_BYTES=\"512\" file_sector_offset=\"0\" filename=\"gpt_main0.bin\" label=\"PrimaryGPT\""
                + " num_partition_sectors=\"34\" physical_partition_number=\"0\" sparse=\"false\" start_sector=\"0\"/>\n</data>\n");
        Path patch = Files.writeString(dir.resolve("patch0.xml"), "<?xml version=\"1.0\" ?>\n<data>\n"
                + "  <patch SECTOR_SIZE_IN_BYTES=\"512\" byte_offset=\"168\" filename=\"DISK\" physical_partition_number=\"0\""
                + " size_in_bytes=\"8\" start_sector=\"2\" value=\"NUM_DISK_SECTORS-34.\" what=\"last usable LBA\"/>\n</data>\n");
        var set = dev.lumiaagent.protocol.firehose.RawProgramSet.read(List.of(raw), List.of(patch));
        Outcome o = FlowRunner.run(new EmergencyFlow(bus.attach(PORT, p), programmer640, set, images, "rawprogram0.xml",
                Consent.given("test"), EmergencyFlow.Bounds.standard()), ctx());
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(said()).containsExactly("ERASURE emergency-reflash ok", "CHECK readback-digest ok", "CHECK booted-os ok");
        // What the storage holds in sectors 0-33, sector 2 (patched after the write) left out.
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int s = 0; s < 34; s++) {
            if (s != 2) {
                md.update(p.disk().read(s * 512L, 512));
            }
        }
        String stored = HexFormat.of().formatHex(md.digest());
        assertThat(the(Evidence.EMERGENCY_REFLASH).detail()).contains("rawprogram set rawprogram0.xml (1 file: gpt_main0.bin): 17 KiB "
                + "(17408 bytes)")
                .contains("in 1 range (sectors 0-33)").contains("1 patch changed 1 of the written sectors");
        assertThat(the(Evidence.READBACK_DIGEST).detail()).contains("SHA-256 " + stored + " equals the written image's")
                .contains("the piece written compared").contains("1 sector the set's patches changed after the write left out");
        assertThat(ByteBuffer.wrap(p.disk().read(2 * 512 + 168, 8)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong())
                .as("the patch was applied").isEqualTo(L640.emmcSectors() - 34);
    }
}
