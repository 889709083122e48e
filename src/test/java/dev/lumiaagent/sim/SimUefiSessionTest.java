package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.protocol.flashapp.NokAck;
import dev.lumiaagent.protocol.flashapp.NokApp;
import dev.lumiaagent.protocol.flashapp.NokParam;
import dev.lumiaagent.protocol.flashapp.NokParamReply;
import dev.lumiaagent.protocol.flashapp.NokResult;
import dev.lumiaagent.protocol.flashapp.NokSession;
import dev.lumiaagent.protocol.flashapp.NokSwitchTarget;
import dev.lumiaagent.protocol.flashapp.NokvReply;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link NokSession} against {@link SimUefiFirmware} over a real {@link SimBus}: packet links, and
 * stream links that hand the host one byte per read.
 */
class SimUefiSessionTest {
    private static final Duration IO = Duration.ofSeconds(5);
    private SimBus bus;
    private Link link;
    private SimPhone phone;
    private SimUefiControlDouble control;

    @AfterEach
    void close() {
        if (link != null) {
            link.close();
        }
        if (bus != null) {
            bus.close();
        }
        if (phone != null) {
            assertThat(phone.violations()).as("protocol violations").isEmpty();
        }
    }

    private NokSession open(String model, SimUefiApp app, LinkKind kind) {
        phone = new SimPhone(SimModels.standard().require(model), "356938035643809", "SER1", Mode.UEFI, 73, kind,
                EnumSet.noneOf(SimFault.class));
        phone.uefiApp(app);
        control = new SimUefiControlDouble(phone);
        bus = new SimBus(AgentClock.scaled(1000), (p, b, port) -> new SimUefiFirmware(control));
        if (kind == LinkKind.STREAM) {
            bus.streamChunk(1);
        }
        UsbDevice device = bus.attach(PortPath.parse("1-3"), phone);
        link = bus.open(device, LinkOptions.defaults());
        assertThat(link.keepsBoundaries()).isEqualTo(kind == LinkKind.PACKET);
        return new NokSession(link, IO, Duration.ofMillis(200));
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void bootManager(LinkKind kind) {
        NokSession s = open("RM-914", SimUefiApp.BOOT_MANAGER, kind);
        NokvReply info = s.readInfo(IO);
        assertThat(info.app()).isEqualTo(NokApp.BOOT_MANAGER);
        assertThat(info.transferSize()).hasValue(0x241000);
        assertThat(info.flashAppProtocolMajor()).hasValue(1);

        s.keepAlive();
        s.hello();
        assertThat(control.calls()).containsExactly("disableWatchdog");

        // The boot manager has no NOKXFR: NOKU is a value.
        assertThat(s.readParam("CS")).isEqualTo(new NokResult.Unsupported<NokParamReply>("NOKXFR CS"));

        s.rebootToFlash();
        s.reboot();
        assertThat(s.powerOff()).isEqualTo(new NokResult.Ok<>("NOKZ", new NokAck("no reply within 200 ms")));
        assertThat(s.toMassStorage().isOk()).isTrue();
        // The double records reboots without performing them, so the same boot manager still answers.
        assertThat(s.readInfo(IO).app()).isEqualTo(NokApp.BOOT_MANAGER);
        assertThat(control.calls()).containsExactly("disableWatchdog", "reboot FLASH_APP", "reboot OS", "reboot OFF",
                "reboot MASS_STORAGE");

        assertThat(s.switchTo(NokSwitchTarget.FLASH_APP).isOk()).isTrue();
        assertThat(s.readInfo(IO).app()).isEqualTo(NokApp.FLASH_APP);
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void flashAppAnswersEveryParameterFromThePhone(LinkKind kind) {
        NokSession s = open("RM-1038", SimUefiApp.FLASH_APP, kind);
        phone.flashingIncomplete(true);
        NokvReply info = s.readInfo(IO);
        assertThat(info.app()).isEqualTo(NokApp.FLASH_APP);
        assertThat(info.protocolMajor()).isEqualTo(2);
        assertThat(info.platformId()).contains("Nokia.MSM8926.P6164.1.1");
        assertThat(info.emmcSectors()).hasValue(15269888);
        s.keepAlive();

        assertThat(param(s, NokParam.FVER).firmwareVersion()).isEqualTo("02177.00000.15184.36000"); // FVER of a real 735, traces/nok/106
        assertThat(param(s, NokParam.DPI).platformId()).isEqualTo("Nokia.MSM8926.P6164.1.1");
        assertThat(param(s, NokParam.RRKH).rootKeyHash()).isEqualTo(phone.rootKeyHash());
        assertThat(param(s, NokParam.SS).securityStatus().platformSecureBoot()).isEqualTo(1);
        assertThat(param(s, NokParam.FCS).fuseFlags().bits()).isEqualTo(0x7BFF);
        assertThat(param(s, NokParam.CS).chargeState().levelPercent()).isEqualTo(73);
        assertThat(param(s, NokParam.FAI).flashAppInfo().protocolMajor()).isEqualTo(2);
        assertThat(param(s, NokParam.PID).publicId().id()).isEqualTo(phone.publicId());
        assertThat(param(s, NokParam.CID).emmcCid().manufacturerId()).isEqualTo(0x0090);
        assertThat(param(s, NokParam.EMS).emmcSectors()).isEqualTo(15269888);
        assertThat(param(s, NokParam.SDS).sdSectors()).isEqualTo(0x3B5000);
        assertThat(param(s, NokParam.FS).flashingStatus().flashingIncomplete()).isTrue();
        phone.flashingIncomplete(false);
        assertThat(param(s, NokParam.FS).flashingStatus().flashingIncomplete()).isFalse();

        // Reset-protection support on Lumia flash apps is unknown (§6.2): the simulator answers NOKU.
        assertThat(s.readParam(NokParam.ATRP)).isInstanceOf(NokResult.Unsupported.class);
        assertThat(s.phoneInfo("IMEI")).isInstanceOf(NokResult.Unsupported.class);
    }

    private static NokParamReply param(NokSession s, NokParam p) {
        NokResult<NokParamReply> r = s.readParam(p);
        assertThat(r.isOk()).as("%s", r).isTrue();
        return r.ok().orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void flashAppErasesOnlyDataWithoutAuthentication(LinkKind kind) {
        NokSession s = open("RM-914", SimUefiApp.FLASH_APP, kind);
        assertThat(s.erasePartition("Data")).isEqualTo(new NokResult.Ok<>("NOKXFP Data", new NokAck("status 0")));
        NokResult<NokAck> refused = s.erasePartition("EFIESP");
        assertThat(refused).isInstanceOf(NokResult.Refused.class);
        assertThat(((NokResult.Refused<NokAck>) refused).status().name()).isEqualTo("AUTHENTICATION_REQUIRED");
        assertThat(refused.toString()).contains("NOKXFP EFIESP refused: 0x0012");
        assertThat(s.writeParam("UBF", new byte[] {'M'}).isOk()).isTrue();
        s.reboot();
        assertThat(s.toMassStorage().isOk()).isTrue();
        assertThat(control.calls()).containsExactly("reboot MASS_STORAGE", "reboot MASS_STORAGE");
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void aWriteOnlyCommandTheAppDoesNotKnowIsSkippedBeforeTheNextReply(LinkKind kind) {
        NokSession s = open("RM-914", SimUefiApp.FLASH_APP, kind);
        s.continueBoot(); // NOKA is not a flash-app command: the phone answers NOKU, which the session skips.
        s.rebootToFlash(); // NOKS likewise.
        assertThat(s.readInfo(IO).app()).isEqualTo(NokApp.FLASH_APP);
        assertThat(control.calls()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void phoneInfoApp(LinkKind kind) {
        NokSession s = open("RM-1104", SimUefiApp.PHONE_INFO, kind);
        assertThat(s.readInfo(IO).app()).isEqualTo(NokApp.PHONE_INFO);
        s.keepAlive();
        assertThat(s.phoneInfo("TYPE").ok()).contains("RM-1104");
        assertThat(s.phoneInfo("CTR").ok()).contains(phone.productCode());
        assertThat(s.phoneInfo("IMEI").ok()).contains("356938035643809");
        assertThat(s.phoneInfo("HWID")).isInstanceOf(NokResult.Unsupported.class);
        assertThat(s.readParam("CS")).isInstanceOf(NokResult.Unsupported.class);
        assertThatThrownBy(s::reboot).isInstanceOf(IllegalStateException.class).hasMessageContaining("NOKA");
        assertThat(s.switchTo(NokSwitchTarget.BOOT_MANAGER).isOk()).isTrue();
        assertThat(s.readInfo(IO).app()).isEqualTo(NokApp.BOOT_MANAGER);
        assertThat(control.calls()).containsExactly("disableWatchdog", "switchApp BOOT_MANAGER");
    }

    @ParameterizedTest
    @EnumSource(LinkKind.class)
    void switchesLeavingUefiAnswerAStatusFirst(LinkKind kind) {
        NokSession s = open("RM-1085", SimUefiApp.FLASH_APP, kind);
        assertThat(s.switchTo(NokSwitchTarget.EDL).isOk()).isTrue();
        assertThat(s.switchTo(NokSwitchTarget.WINDOWS).isOk()).isTrue();
        assertThat(s.switchTo(NokSwitchTarget.MMOS)).isInstanceOf(NokResult.Unsupported.class);
        assertThat(control.calls()).containsExactly("reboot EDL", "reboot OS");
    }
}
