package dev.lumiaagent.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.image.ede.EdeBuilder;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.protocol.firehose.FirehoseStorageInfo;
import dev.lumiaagent.protocol.flashapp.NokAck;
import dev.lumiaagent.protocol.flashapp.NokApp;
import dev.lumiaagent.protocol.flashapp.NokResult;
import dev.lumiaagent.protocol.sahara.SaharaDetect;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.sim.SimUefiApp;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The device facade opens a simulated phone in each of its modes as the right kind, and reads who it is. */
class PhonesTest {
    private static final PortPath PORT = PortPath.parse("1-3");
    private static final String IMEI = "356938035643809";
    private final SimBus bus = new SimBus(AgentClock.scaled(1000));

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        bus.close();
    }

    private SimPhone attach(String model, Mode mode, SimUefiApp app, LinkKind link) {
        SimPhone p = new SimPhone(SimModels.standard().require(model), IMEI, "USB1", mode, 64, link, EnumSet.noneOf(SimFault.class));
        p.uefiApp(app);
        bus.attach(PORT, p);
        return p;
    }

    private UsbDevice device() {
        return bus.devices().get(0);
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void aPhoneInNormalModeIsANormalPhoneThatTellsImeiAndPublicId(LinkKind link) {
        SimPhone p = attach("RM-914", Mode.NORMAL, SimUefiApp.BOOT_MANAGER, link);
        try (Phone phone = Phones.open(bus, device())) {
            assertThat(phone).isInstanceOf(NormalPhone.class);
            assertThat(phone.port()).isEqualTo(PORT);
            assertThat(phone.device()).isEqualTo(device());
            assertThat(phone.personality()).isEqualTo(device().personality());
            assertThat(phone.mode()).isEqualTo(Mode.NORMAL);
            PhoneIdentity id = phone.identity();
            assertThat(id.imei()).isEqualTo(IMEI);
            assertThat(id.publicId()).isEqualTo(Bytes.hex(p.publicId()).toUpperCase(java.util.Locale.ROOT));
            DeviceInfo info = phone.readInfo();
            assertThat(info.text(InfoField.PRODUCT_TYPE)).contains("RM-914");
            assertThat(info.text(InfoField.PORT)).contains(PORT.toString()); // the bus's fields are merged in
            assertThat(info.identity().compare(id)).isEqualTo(PhoneIdentity.Match.SAME);
        }
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void labelModeIsANormalPhoneToo() {
        attach("RM-1045", Mode.LABEL, SimUefiApp.BOOT_MANAGER, LinkKind.PACKET);
        try (NormalPhone phone = Phones.openNormal(bus, device())) {
            assertThat(phone.identity().imei()).isEqualTo(IMEI);
        }
    }

    @Test
    void theFlashAppIsAUefiPhoneThatTellsItsPublicId() {
        SimPhone p = attach("RM-1085", Mode.UEFI, SimUefiApp.FLASH_APP, LinkKind.PACKET);
        try (Phone phone = Phones.open(bus, device())) {
            assertThat(phone).isInstanceOf(UefiPhone.class);
            assertThat(((UefiPhone) phone).app()).isEqualTo(NokApp.FLASH_APP);
            PhoneIdentity id = phone.identity();
            assertThat(id.imei()).isNull();
            assertThat(id.publicId()).isEqualToIgnoringCase(Bytes.hex(p.publicId()));
            assertThat(phone.readInfo().text(InfoField.PLATFORM_ID)).contains("Microsoft.MSM8994.P6211.1.0");
        }
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void thePhoneInfoAppTellsTheImei() {
        SimPhone p = attach("RM-1073", Mode.UEFI, SimUefiApp.PHONE_INFO, LinkKind.PACKET);
        try (UefiPhone phone = Phones.openUefi(bus, device())) {
            assertThat(phone.app()).isEqualTo(NokApp.PHONE_INFO);
            assertThat(phone.identity().imei()).isEqualTo(IMEI);
        }
        assertThat(p.violations()).isEmpty();
    }

    /**
     * The FFU writer talks on the phone's own NOK session, one session per link: what the phone's session still
     * expects (here the answer to a write-only command) is not read by a second session as the answer to the headers.
     */
    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void theFfuWriterSharesThePhonesSession_AnAnswerOwedToAnEarlierCommandIsNotTakenForTheHeaders(LinkKind link) throws Exception {
        Path ffu = TestPhones.libraryFfu(dir, "RM-1104", 4L << 20);
        SimPhone p = attach("RM-1104", Mode.UEFI, SimUefiApp.FLASH_APP, link);
        try (UefiPhone phone = Phones.openUefi(bus, device()); FfuFile f = FfuFile.open(ffu)) {
            assertThat(phone.app()).isEqualTo(NokApp.FLASH_APP);
            p.inject(SimFault.NAK_NEXT);
            phone.reboot(); // write-only NOKR: the phone answers NOKU and stays in the flash app

            NokResult<NokAck> header = phone.ffuWriter(Duration.ofSeconds(60)).header(f.combinedHeader());

            assertThat(header.isOk()).as("%s", header).isTrue();
        }
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void theBootManagerTellsNoIdentity() {
        attach("RM-914", Mode.UEFI, SimUefiApp.BOOT_MANAGER, LinkKind.PACKET);
        try (UefiPhone phone = Phones.openUefi(bus, device())) {
            assertThat(phone.identity().isKnown()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void aPhoneIn9008IsAnEdlPhone_ItsChipIsReadThenItsProgrammerAnswersFirehose(LinkKind link) throws Exception {
        SimPhone p = attach("RM-1073", Mode.EDL_PBL, SimUefiApp.BOOT_MANAGER, link);
        Path programmer = dir.resolve("RM-1073.ede");
        Files.write(programmer, EdeBuilder.forPlatform(p.model().platformId()).build());
        try (Phone opened = Phones.open(bus, device())) {
            assertThat(opened).isInstanceOf(EdlPhone.class);
            EdlPhone phone = (EdlPhone) opened;
            assertThat(phone.identity().isKnown()).isFalse(); // 9008 tells no IMEI or public ID, and nothing was sent
            assertThat(phone.detect()).isInstanceOf(SaharaDetect.SaharaHelloSeen.class);
            phone.enterCommandMode();
            assertThat(phone.oemPkHash()).isEqualTo(p.rootKeyHash());
            assertThat(String.format("%08X", phone.serialNumber())).hasSize(8);
            phone.leaveCommandMode();
            try (FileChannel ch = FileChannel.open(programmer, StandardOpenOption.READ)) {
                phone.uploadProgrammer(ch);
            }
            Firehose firehose = phone.firehose();
            assertThat(firehose.configure("emmc", 1 << 20).isOk()).isTrue();
            FirehoseStorageInfo storage = firehose.getStorageInfo(0).ok().orElseThrow();
            assertThat(storage.totalBlocks()).isPositive();
            assertThat(firehose.powerReset().isOk()).isTrue();
        }
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void readingA9008PhoneGivesItsChip() {
        SimPhone p = attach("RM-1073", Mode.EDL_PBL, SimUefiApp.BOOT_MANAGER, LinkKind.PACKET);
        try (Phone phone = Phones.open(bus, device())) {
            DeviceInfo info = phone.readInfo();
            assertThat(info.text(InfoField.ROOT_KEY_HASH)).contains(Bytes.hex(p.rootKeyHash()));
            assertThat(info.text(InfoField.CHIP_SERIAL)).isPresent();
        }
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void massStorageAndADeadBatteryArePassivePhones() {
        attach("RM-914", Mode.MASS_STORAGE, SimUefiApp.BOOT_MANAGER, LinkKind.PACKET);
        try (Phone phone = Phones.open(bus, device())) {
            assertThat(phone).isInstanceOf(PassivePhone.class);
            assertThat(phone.identity().isKnown()).isFalse();
            assertThat(phone.readInfo().notes()).singleElement().asString().contains("Mass-storage mode");
            assertThat(((PassivePhone) phone).batteryDead()).isFalse();
        }
        bus.close();
        SimBus second = new SimBus(AgentClock.scaled(1000));
        try {
            second.attach(PORT, new SimPhone(SimModels.standard().require("RM-914"), IMEI, "USB1", Mode.EMERGENCY_CHARGING, 0,
                    LinkKind.PACKET, EnumSet.noneOf(SimFault.class)));
            try (Phone phone = Phones.open(second, second.devices().get(0))) {
                assertThat(phone).isInstanceOf(PassivePhone.class);
                assertThat(((PassivePhone) phone).batteryDead()).isTrue();
                assertThat(phone.readInfo().get(InfoField.BATTERY_PERCENT)).contains(0);
            }
        } finally {
            second.close();
        }
    }

    @Test
    void aTypedOpenerRefusesAPhoneInAnotherMode() {
        attach("RM-914", Mode.NORMAL, SimUefiApp.BOOT_MANAGER, LinkKind.PACKET);
        assertThatThrownBy(() -> Phones.openUefi(bus, device())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("normal OS").hasMessageContaining("not in UEFI");
        assertThatThrownBy(() -> Phones.openEdl(bus, device(), java.time.Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
