package dev.lumiaagent.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.sim.SimUefiApp;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Info from every personality, read by the real sessions from simulated phones. */
class InfoReaderTest {
    private static final PortPath PORT = PortPath.parse("1-1");
    private static final String IMEI = "356938035643809";
    private final SimBus bus = new SimBus(AgentClock.scaled(1000));

    @AfterEach
    void close() {
        bus.close();
    }

    private SimPhone attach(String model, Mode mode, SimUefiApp app, Set<SimFault> faults) {
        SimPhone p = new SimPhone(SimModels.standard().require(model), IMEI, "USB1", mode, 64, LinkKind.PACKET,
                faults.isEmpty() ? EnumSet.noneOf(SimFault.class) : EnumSet.copyOf(faults));
        p.uefiApp(app);
        bus.attach(PORT, p);
        return p;
    }

    private DeviceInfo read() {
        UsbDevice d = bus.devices().get(0);
        return InfoReader.read(bus, d);
    }

    @Test
    void normalModeTellsTheMost() {
        SimPhone p = attach("RM-914", Mode.NORMAL, SimUefiApp.BOOT_MANAGER, Set.of());
        DeviceInfo info = read();
        assertThat(info.text(InfoField.PRODUCT_TYPE)).contains("RM-914");
        assertThat(info.text(InfoField.PRODUCT_CODE)).contains("059S083");
        assertThat(info.text(InfoField.IMEI)).contains(IMEI);
        assertThat(info.text(InfoField.OS_VERSION)).contains("10.0.10586.1176");
        assertThat(info.get(InfoField.BATTERY_PERCENT)).contains(64);
        assertThat(info.text(InfoField.PUBLIC_ID)).hasValueSatisfying(id -> assertThat(id).hasSize(40));
        assertThat(info.text(InfoField.VID_PID)).contains("0421:0661");
        // Not answered by this phone: absent, not invented.
        assertThat(info.get(InfoField.ROOT_KEY_HASH)).isEmpty();
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void labelModeSpeaksTheSameProtocol() {
        attach("RM-1045", Mode.LABEL, SimUefiApp.BOOT_MANAGER, Set.of());
        DeviceInfo info = read();
        assertThat(info.text(InfoField.PRODUCT_TYPE)).contains("RM-1045");
        assertThat(info.text(InfoField.MODE)).contains("label / test mode");
    }

    @Test
    void aRejectedMethodLeavesOnlyItsFieldAbsent() {
        attach("RM-914", Mode.NORMAL, SimUefiApp.BOOT_MANAGER, Set.of(SimFault.NAK_NEXT));
        DeviceInfo info = read();
        assertThat(info.get(InfoField.MODEL_NAME)).isEmpty(); // the first call was refused
        assertThat(info.get(InfoField.PRODUCT_TYPE)).isEmpty();
        assertThat(info.text(InfoField.IMEI)).contains(IMEI);
    }

    @Test
    void theFlashAppTellsPlatformRootKeyAndBattery() {
        SimPhone p = attach("RM-1085", Mode.UEFI, SimUefiApp.FLASH_APP, Set.of());
        DeviceInfo info = read();
        assertThat(info.text(InfoField.UEFI_APP)).contains("flash app");
        assertThat(info.text(InfoField.PLATFORM_ID)).contains("Microsoft.MSM8994.P6211.1.0");
        assertThat(info.text(InfoField.ROOT_KEY_HASH)).contains(dev.lumiaagent.protocol.wire.Bytes.hex(p.rootKeyHash()));
        assertThat(info.text(InfoField.PUBLIC_ID)).contains(dev.lumiaagent.protocol.wire.Bytes.hex(p.publicId()));
        assertThat(info.get(InfoField.BATTERY_PERCENT)).contains(64L);
        assertThat(info.get(InfoField.FLASHING_INCOMPLETE)).contains(false);
        assertThat(info.get(InfoField.EMMC_SECTORS)).contains(61071360L);
        assertThat(info.get(InfoField.IMEI)).isEmpty();
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void theBootManagerTellsOnlyItsVersionsAndIsLeftToContinue() {
        SimPhone p = attach("RM-914", Mode.UEFI, SimUefiApp.BOOT_MANAGER, Set.of());
        DeviceInfo info = read();
        assertThat(info.text(InfoField.UEFI_APP)).contains("boot manager");
        assertThat(info.text(InfoField.APP_VERSION)).contains("1.16");
        assertThat(info.notes()).anyMatch(n -> n.contains("continues to its OS"));
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void thePhoneInfoAppTellsTypeCodeAndImei() {
        attach("RM-1073", Mode.UEFI, SimUefiApp.PHONE_INFO, Set.of());
        DeviceInfo info = read();
        assertThat(info.text(InfoField.PRODUCT_TYPE)).contains("RM-1073");
        assertThat(info.text(InfoField.IMEI)).contains(IMEI);
    }

    @Test
    void aDeadBatterySaysChargeIt() {
        attach("RM-914", Mode.NORMAL, SimUefiApp.BOOT_MANAGER, Set.of(SimFault.DEAD_BATTERY));
        DeviceInfo info = read();
        assertThat(info.notes()).singleElement().asString().contains("Battery dead").contains("20 minutes");
        assertThat(info.text(InfoField.VID_PID)).contains("05C6:F006");
    }

    @Test
    void emergencyDownloadIsReadOverSaharaCommandMode() {
        SimPhone p = attach("RM-1073", Mode.EDL_PBL, SimUefiApp.BOOT_MANAGER, Set.of());
        DeviceInfo info = read();
        assertThat(info.text(InfoField.ROOT_KEY_HASH)).contains(dev.lumiaagent.protocol.wire.Bytes.hex(p.rootKeyHash()));
        assertThat(info.text(InfoField.CHIP_SERIAL)).hasValueSatisfying(s -> assertThat(s).hasSize(8));
        assertThat(info.text(InfoField.MSM_HW_ID)).hasValueSatisfying(s -> assertThat(s).contains("008050E1")); // MSM8926, bkerler/edl qualcomm_config.py; traces/sahara/004
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void aPblWhoseHelloWasTakenIsStillRead() {
        attach("RM-1073", Mode.EDL_PBL, SimUefiApp.BOOT_MANAGER, Set.of(SimFault.HELLO_CONSUMED));
        DeviceInfo info = read();
        assertThat(info.get(InfoField.ROOT_KEY_HASH)).isPresent();
        assertThat(info.notes()).anyMatch(n -> n.contains("already been taken"));
    }

    @Test
    void modesWithoutAnInformationChannelSaySoPlainly() {
        attach("RM-914", Mode.MASS_STORAGE, SimUefiApp.BOOT_MANAGER, Set.of());
        assertThat(read().notes()).singleElement().asString().contains("Mass-storage mode");
    }

    @Test
    void identitiesCompareOnSharedKeysOnly() {
        PhoneIdentity a = new PhoneIdentity(IMEI, "AB");
        assertThat(a.compare(new PhoneIdentity(IMEI, null))).isEqualTo(PhoneIdentity.Match.SAME);
        assertThat(a.compare(new PhoneIdentity(null, "ab"))).isEqualTo(PhoneIdentity.Match.SAME);
        assertThat(a.compare(new PhoneIdentity("490154203237518", "AB"))).isEqualTo(PhoneIdentity.Match.DIFFERENT);
        assertThat(a.compare(new PhoneIdentity(null, null))).isEqualTo(PhoneIdentity.Match.UNKNOWN);
    }
}
