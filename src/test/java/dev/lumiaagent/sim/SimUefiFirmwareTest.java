package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.protocol.flashapp.NokApp;
import dev.lumiaagent.protocol.flashapp.NokCodec;
import dev.lumiaagent.protocol.flashapp.NokParamReply;
import dev.lumiaagent.protocol.flashapp.NokRequest;
import dev.lumiaagent.protocol.flashapp.NokStatusReply;
import dev.lumiaagent.protocol.flashapp.NokSwitchTarget;
import dev.lumiaagent.protocol.flashapp.NokUnknown;
import dev.lumiaagent.protocol.flashapp.NokvBlock;
import dev.lumiaagent.protocol.flashapp.NokvReply;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The UEFI firmware alone, message in → bytes out, without a bus. */
class SimUefiFirmwareTest {
    /** The real Lumia 520 traces (lumia-protocols.md §3.3). */
    private static final byte[] BOOTMGR_TRACE = Bytes.fromHex("4E4F4B56 00 01 0101 0110 02 01 0004 00241000 04 0004 010F011C");
    private static final byte[] FLASHAPP_TRACE = Bytes.fromHex("4E4F4B56 00 02 010F 011C 08 01 0004 00241000 02 0004 00240000"
            + "03 0004 00E74000 04 0004 003B5000 05 0018 4E6F6B69612E4D534D383232372E50363033362E312E3200"
            + "0D 0002 0001 0F 0009 03 01 01 01 00 00 01 01 FF 10 0005 01 0013 0000");

    private final List<byte[]> replies = new ArrayList<>();

    private SimPhone phone(String model, SimUefiApp app) {
        SimPhone p = new SimPhone(SimModels.standard().require(model), "356938035643809", "SER1", Mode.UEFI, 64,
                LinkKind.PACKET, EnumSet.noneOf(SimFault.class));
        p.uefiApp(app);
        return p;
    }

    private List<byte[]> send(SimUefiFirmware fw, byte[] message) {
        replies.clear();
        fw.onHostMessage(message, replies::add);
        return List.copyOf(replies);
    }

    private List<byte[]> send(SimUefiFirmware fw, NokRequest request) {
        return send(fw, NokCodec.encode(request));
    }

    @Test
    void lumia520AnswersNokvWithTheRealTracesBytes() {
        SimPhone boot = phone("RM-914", SimUefiApp.BOOT_MANAGER);
        assertThat(send(new SimUefiFirmware(new SimUefiControlDouble(boot)), new NokRequest.NokInfoQuery()))
                .containsExactly(BOOTMGR_TRACE);
        SimPhone flash = phone("RM-914", SimUefiApp.FLASH_APP);
        assertThat(send(new SimUefiFirmware(new SimUefiControlDouble(flash)), new NokRequest.NokInfoQuery()))
                .containsExactly(FLASHAPP_TRACE);
    }

    @Test
    void specBFlashAppReportsProtocolTwoAndItsOwnModelData() {
        SimPhone p = phone("Lumia 950", SimUefiApp.FLASH_APP);
        NokvReply r = (NokvReply) NokCodec.decodeReply(send(new SimUefiFirmware(new SimUefiControlDouble(p)),
                new NokRequest.NokInfoQuery()).get(0));
        assertThat(r.app()).isEqualTo(NokApp.FLASH_APP);
        assertThat(r.protocolMajor()).isEqualTo(2);
        assertThat(r.platformId()).contains("Microsoft.MSM8992.P6218.1.0");
        assertThat(r.emmcSectors()).hasValue(61071360);
        assertThat(r.secureFfuProtocols().orElseThrow().supports(NokvBlock.FfuProtocol.SYNC_V2)).isTrue();
        assertThat(r.blocks()).noneMatch(b -> b instanceof NokvBlock.Raw);

        p.uefiApp(SimUefiApp.BOOT_MANAGER);
        NokvReply boot = (NokvReply) NokCodec.decodeReply(send(new SimUefiFirmware(new SimUefiControlDouble(p)),
                new NokRequest.NokInfoQuery()).get(0));
        assertThat(boot.flashAppProtocolMajor()).hasValue(2);
        assertThat(NokCodec.encode(boot)).hasSize(25);
    }

    @Test
    void phoneInfoAppReportsAppTypeThree() {
        SimPhone p = phone("RM-914", SimUefiApp.PHONE_INFO);
        NokvReply r = (NokvReply) NokCodec.decodeReply(send(new SimUefiFirmware(new SimUefiControlDouble(p)),
                new NokRequest.NokInfoQuery()).get(0));
        assertThat(r.app()).isEqualTo(NokApp.PHONE_INFO);
        assertThat(r.blocks()).isEmpty();
    }

    @Test
    void unknownCommandsGetTheBareNoku() {
        SimUefiFirmware fw = new SimUefiFirmware(new SimUefiControlDouble(phone("RM-914", SimUefiApp.FLASH_APP)));
        byte[] noku = "NOKU".getBytes(StandardCharsets.US_ASCII);
        assertThat(send(fw, "NOKQ".getBytes(StandardCharsets.US_ASCII))).containsExactly(noku);
        assertThat(send(fw, "NOKXZZ".getBytes(StandardCharsets.US_ASCII))).containsExactly(noku);
        assertThat(send(fw, new NokRequest.NokReadParam("ATRP"))).containsExactly(noku);
        assertThat(send(fw, new NokRequest.NokReadParam("ZZZZ"))).containsExactly(noku);
    }

    @Test
    void commandsOfAnotherAppGetNokuAndChangeNothing() {
        SimPhone p = phone("RM-914", SimUefiApp.BOOT_MANAGER);
        SimUefiControlDouble control = new SimUefiControlDouble(p);
        SimUefiFirmware fw = new SimUefiFirmware(control);
        assertThat(NokCodec.decodeReply(send(fw, new NokRequest.NokReadParam("CS")).get(0))).isEqualTo(new NokUnknown());
        assertThat(NokCodec.decodeReply(send(fw, new NokRequest.NokErasePartition("Data")).get(0))).isEqualTo(new NokUnknown());
        assertThat(NokCodec.decodeReply(send(fw, new NokRequest.NokFactoryReset()).get(0))).isEqualTo(new NokUnknown());

        p.uefiApp(SimUefiApp.FLASH_APP);
        assertThat(NokCodec.decodeReply(send(fw, new NokRequest.NokRebootToFlash()).get(0))).isEqualTo(new NokUnknown());

        p.uefiApp(SimUefiApp.PHONE_INFO);
        // The phone-info app rejects NOKR (lumia-protocols.md §3.7).
        assertThat(NokCodec.decodeReply(send(fw, new NokRequest.NokReboot()).get(0))).isEqualTo(new NokUnknown());
        assertThat(control.calls()).isEmpty();
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void writeOnlyCommandsAreSilentAndRebootTheirWay() {
        SimPhone p = phone("RM-914", SimUefiApp.BOOT_MANAGER);
        SimUefiControlDouble control = new SimUefiControlDouble(p);
        SimUefiFirmware fw = new SimUefiFirmware(control);
        assertThat(send(fw, new NokRequest.NokRebootToFlash())).isEmpty();
        assertThat(send(fw, new NokRequest.NokReboot())).isEmpty();
        assertThat(send(fw, new NokRequest.NokShutdown())).isEmpty();
        p.uefiApp(SimUefiApp.FLASH_APP);
        assertThat(send(fw, new NokRequest.NokMassStorage())).isEmpty();
        assertThat(control.calls()).containsExactly("reboot FLASH_APP", "reboot OS", "reboot OFF", "reboot MASS_STORAGE");
    }

    @Test
    void contextSwitchAnswersAStatusThenActs() {
        SimPhone p = phone("RM-1045", SimUefiApp.BOOT_MANAGER);
        SimUefiControlDouble control = new SimUefiControlDouble(p);
        SimUefiFirmware fw = new SimUefiFirmware(control);
        for (NokSwitchTarget t : List.of(NokSwitchTarget.FLASH_APP, NokSwitchTarget.PHONE_INFO, NokSwitchTarget.BOOT_MANAGER,
                NokSwitchTarget.WINDOWS, NokSwitchTarget.EDL)) {
            assertThat(NokCodec.decodeReply(send(fw, new NokRequest.NokContextSwitch(t)).get(0)))
                    .isEqualTo(new NokStatusReply("NOKXCB", 0));
        }
        assertThat(control.calls()).containsExactly("switchApp FLASH_APP", "switchApp PHONE_INFO", "switchApp BOOT_MANAGER",
                "reboot OS", "reboot EDL");
        assertThat(NokCodec.decodeReply(send(fw, new NokRequest.NokContextSwitch(NokSwitchTarget.UFP_OFF)).get(0)))
                .isEqualTo(new NokUnknown());
    }

    @Test
    void ubfThenRebootGoesToMassStorage() {
        SimPhone p = phone("RM-914", SimUefiApp.FLASH_APP);
        SimUefiControlDouble control = new SimUefiControlDouble(p);
        SimUefiFirmware fw = new SimUefiFirmware(control);
        assertThat(NokCodec.decodeReply(send(fw, new NokRequest.NokWriteParam("UBF", new byte[] {'M'})).get(0)))
                .isEqualTo(new NokStatusReply("NOKXFW", 0));
        send(fw, new NokRequest.NokReboot());
        send(fw, new NokRequest.NokReboot());
        assertThat(control.calls()).containsExactly("reboot MASS_STORAGE", "reboot OS");
    }

    @Test
    void flashAppParamsComeFromThePhonesData() {
        SimPhone p = phone("RM-914", SimUefiApp.FLASH_APP);
        p.flashingIncomplete(true);
        SimUefiFirmware fw = new SimUefiFirmware(new SimUefiControlDouble(p));
        NokParamReply cs = (NokParamReply) NokCodec.decodeReply(send(fw, new NokRequest.NokReadParam("CS")).get(0));
        assertThat(cs.chargeState().levelPercent()).isEqualTo(64);
        NokParamReply fs = (NokParamReply) NokCodec.decodeReply(send(fw, new NokRequest.NokReadParam("FS")).get(0));
        assertThat(fs.flashingStatus().flashingIncomplete()).isTrue();
        NokParamReply rrkh = (NokParamReply) NokCodec.decodeReply(send(fw, new NokRequest.NokReadParam("RRKH")).get(0));
        assertThat(rrkh.rootKeyHash()).isEqualTo(p.rootKeyHash());
        byte[] cid = send(fw, new NokRequest.NokReadParam("CID")).get(0);
        assertThat(cid).hasSize(25);
        assertThat(((NokParamReply) NokCodec.decodeReply(cid)).emmcCid().manufacturer()).contains("Hynix");
    }

    @Test
    void bytesThatAreNotNokAreAViolationAndGetNoAnswer() {
        SimPhone p = phone("RM-914", SimUefiApp.FLASH_APP);
        SimUefiFirmware fw = new SimUefiFirmware(new SimUefiControlDouble(p));
        assertThat(send(fw, "HELLO".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(send(fw, new byte[] {'N', 'O'})).isEmpty();
        assertThat(p.violations()).hasSize(2).allMatch(v -> v.contains("not a NOK message"));
    }

    @Test
    void aMalformedKnownCommandIsAViolationAnsweredNoku() {
        SimPhone p = phone("RM-914", SimUefiApp.FLASH_APP);
        SimUefiFirmware fw = new SimUefiFirmware(new SimUefiControlDouble(p));
        assertThat(send(fw, "NOKVX".getBytes(StandardCharsets.US_ASCII))).containsExactly("NOKU".getBytes(StandardCharsets.US_ASCII));
        assertThat(p.violations()).singleElement().asString().contains("malformed NOKV");
    }
}
