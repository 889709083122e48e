package dev.lumiaagent.protocol.flashapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.protocol.flashapp.NokRequest.NokContextSwitch;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokErasePartition;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokPhoneInfoQuery;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokReadParam;
import dev.lumiaagent.protocol.flashapp.NokRequest.NokWriteParam;
import dev.lumiaagent.protocol.flashapp.NokvBlock.FfuProtocol;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real traces from lumia-protocols.md §3.3 / §3.4, decoded field by field and re-encoded byte for byte. */
class NokCodecGoldenTest {

    /** Lumia 520 boot manager, 25 bytes (lpx PROTOCOL.md via §3.3). */
    static final byte[] BOOTMGR_NOKV = Bytes.fromHex("4E4F4B56 00 01 0101 0110 02  01 0004 00241000  04 0004 010F011C");

    /** Lumia 520 flash app, 91 bytes (fg README.md via §3.3). */
    static final byte[] FLASHAPP_NOKV = Bytes.fromHex(
            "4E4F4B56 00 02 010F 011C 08"
            + "01 0004 00241000"
            + "02 0004 00240000"
            + "03 0004 00E74000"
            + "04 0004 003B5000"
            + "05 0018" + Bytes.hex("Nokia.MSM8227.P6036.1.2".getBytes(StandardCharsets.US_ASCII)) + "00"
            + "0D 0002 0001"
            + "0F 0009 03 01 01 01 00 00 01 01 FF"
            + "10 0005 01 0013 0000");

    /** NOKXFR CID reply, 25 bytes (fg README.md via §3.4). */
    static final byte[] CID_REPLY = Bytes.fromHex("4E4F4B584652 0000 00 43494400 000000 08 0090004A00E392E5");

    @Test
    void bootManagerTraceDecodesToTheStatedFields() {
        assertThat(BOOTMGR_NOKV).hasSize(25);
        NokvReply r = (NokvReply) NokCodec.decodeReply(BOOTMGR_NOKV);
        assertThat(r.app()).isEqualTo(NokApp.BOOT_MANAGER);
        assertThat(r.reserved()).isZero();
        assertThat(List.of(r.protocolMajor(), r.protocolMinor(), r.appMajor(), r.appMinor())).containsExactly(1, 1, 1, 16);
        assertThat(r.blocks()).containsExactly(new NokvBlock.TransferSize(0x241000),
                new NokvBlock.FlashAppVersion(1, 15, 1, 28));
        assertThat(r.transferSize()).hasValue(0x241000);
        assertThat(r.flashAppVersion()).contains(new NokvBlock.FlashAppVersion(1, 15, 1, 28));
        assertThat(r.flashAppProtocolMajor()).hasValue(1);
        assertThat(r.sdCardSectors()).isEmpty();
        assertThat(r.platformId()).isEmpty();
        assertThat(NokCodec.encode(r)).isEqualTo(BOOTMGR_NOKV);
        assertThat(r.toString()).startsWith("NOKV BootMgr protocol 1.1 app 1.16").contains("transferSize=0x241000")
                .contains("flashApp=protocol 1.15 app 1.28");
    }

    @Test
    void flashAppTraceDecodesToTheStatedFields() {
        assertThat(FLASHAPP_NOKV).hasSize(91);
        NokvReply r = (NokvReply) NokCodec.decodeReply(FLASHAPP_NOKV);
        assertThat(r.app()).isEqualTo(NokApp.FLASH_APP);
        assertThat(List.of(r.protocolMajor(), r.protocolMinor(), r.appMajor(), r.appMinor())).containsExactly(1, 15, 1, 28);
        assertThat(r.transferSize()).hasValue(2_363_392);
        assertThat(r.writeBufferSize()).hasValue(2_359_296);
        assertThat(r.emmcSectors()).hasValue(0xE74000);
        assertThat(r.sdCardSectors()).hasValue(0x3B5000);
        assertThat(r.flashAppVersion()).isEmpty();
        assertThat(r.platformId()).contains("Nokia.MSM8227.P6036.1.2");
        assertThat(r.block(NokvBlock.PLATFORM_ID)).contains(new NokvBlock.PlatformId("Nokia.MSM8227.P6036.1.2", 0x18));
        assertThat(r.asyncSupport()).hasValueSatisfying(a -> assertThat(a.supported()).isTrue());

        NokvBlock.Security s = r.security().orElseThrow();
        assertThat(List.of(s.version(), s.platformSecureBoot(), s.secureFfu(), s.jtagDisabled(), s.rdcPresent(),
                s.authenticated(), s.uefiSecureBoot(), s.secondaryHwKey())).containsExactly(3, 1, 1, 1, 0, 0, 1, 1);
        assertThat(s.trailing()).containsExactly(0xFF);
        assertThat(s.bootloaderSecure()).isTrue();

        NokvBlock.SecureFfuProtocols p = r.secureFfuProtocols().orElseThrow();
        assertThat(p.version()).isEqualTo(1);
        assertThat(p.mask()).isEqualTo(0x13);
        assertThat(p.protocols()).containsExactlyInAnyOrder(FfuProtocol.SYNC_V1, FfuProtocol.ASYNC_V1, FfuProtocol.ASYNC_V3);
        assertThat(p.supports(FfuProtocol.SYNC_V2)).isFalse();
        assertThat(p.trailing()).containsExactly(0, 0);
        assertThat(r.mmosOverUsb()).isEmpty();
        assertThat(r.flashAppProtocolMajor()).hasValue(1);
        assertThat(r.blocks()).noneMatch(b -> b instanceof NokvBlock.Raw);

        assertThat(NokCodec.encode(r)).isEqualTo(FLASHAPP_NOKV);
    }

    @Test
    void bothNokvTracesFrameFromTheirOwnLengthFields() {
        for (byte[] trace : List.of(BOOTMGR_NOKV, FLASHAPP_NOKV)) {
            assertThat(NokCodec.replyLength(trace, trace.length)).isEqualTo(trace.length);
            for (int cut = 0; cut < trace.length; cut++) {
                int n = NokCodec.replyLength(trace, cut);
                assertThat(n).as("prefix of %d bytes", cut).isIn(-1, trace.length);
            }
        }
    }

    @Test
    void unknownAndOddSubBlocksStayRawAndReEncodeExactly() {
        // 0x20 is known by name only; a 0x01 with 2 bytes does not fit the BE32 layout; a space-padded platform ID.
        byte[] odd = Bytes.fromHex("4E4F4B56 00 02 0200 0100 03  20 0003 AABBCC  01 0002 1234  05 0006 4142432020 20");
        NokvReply r = (NokvReply) NokCodec.decodeReply(odd);
        assertThat(r.blocks()).containsExactly(new NokvBlock.Raw(0x20, Bytes.fromHex("AABBCC")),
                new NokvBlock.Raw(0x01, Bytes.fromHex("1234")), new NokvBlock.Raw(0x05, Bytes.fromHex("414243202020")));
        assertThat(r.transferSize()).isEmpty();
        assertThat(r.platformId()).contains("ABC");
        assertThat(NokCodec.encode(r)).isEqualTo(odd);
    }

    @Test
    void cidTraceDecodesAndReEncodes() {
        assertThat(CID_REPLY).hasSize(25);
        NokParamReply r = (NokParamReply) NokCodec.decodeReply(CID_REPLY);
        assertThat(r.status()).isZero();
        assertThat(r.name()).isEqualTo("CID");
        assertThat(r.value()).isEqualTo(Bytes.fromHex("0090004A00E392E5"));
        assertThat(r.emmcCid().manufacturerId()).isEqualTo(0x0090);
        assertThat(r.emmcCid().manufacturer()).contains("Hynix");
        assertThat(NokCodec.encode(r)).isEqualTo(CID_REPLY);
        assertThat(NokCodec.replyLength(CID_REPLY, CID_REPLY.length)).isEqualTo(25);
        assertThat(NokCodec.replyLength(CID_REPLY, 16)).isEqualTo(-1);
        assertThat(r.toString()).isEqualTo("NOKXFR CID = CID 0090004A00E392E5 (manufacturer 0x0090 Hynix)");
    }

    @Test
    void rrkhReplyBuiltFromTheDocumentedLayoutRoundTrips() {
        // The reference abbreviates the RRKH trace to "F771E62A…C868FD (32 B)": only the first four and the
        // last three bytes are real. The 25 bytes in between are our filler; the layout (49 bytes, length 0x20
        // at [13..16]) is what this test pins down.
        byte[] hash = new byte[32];
        System.arraycopy(Bytes.fromHex("F771E62A"), 0, hash, 0, 4);
        for (int i = 4; i < 29; i++) {
            hash[i] = (byte) (0x40 + i);
        }
        System.arraycopy(Bytes.fromHex("C868FD"), 0, hash, 29, 3);
        byte[] wire = Bytes.fromHex("4E4F4B584652 0000 00 52524B48 00000020" + Bytes.hex(hash));
        assertThat(wire).hasSize(49);

        NokParamReply r = (NokParamReply) NokCodec.decodeReply(wire);
        assertThat(r.name()).isEqualTo("RRKH");
        assertThat(r.rootKeyHash()).isEqualTo(hash);
        assertThat(NokCodec.encode(r)).isEqualTo(wire);
        assertThat(NokCodec.encode(new NokParamReply(0, "RRKH", hash))).isEqualTo(wire);
        assertThat(NokCodec.replyLength(wire, wire.length)).isEqualTo(49);
    }

    @Test
    void requestsHaveTheDocumentedLayouts() {
        assertThat(NokCodec.encode(new NokRequest.NokInfoQuery())).isEqualTo("NOKV".getBytes(StandardCharsets.US_ASCII));
        assertThat(NokCodec.encode(new NokContextSwitch(NokSwitchTarget.FLASH_APP)))
                .isEqualTo("NOKXCBF".getBytes(StandardCharsets.US_ASCII));
        assertThat(NokCodec.encode(new NokReadParam("CID"))).isEqualTo(Bytes.fromHex("4E4F4B584652 00 43494400"));
        assertThat(NokCodec.encode(new NokReadParam("RRKH"))).isEqualTo(Bytes.fromHex("4E4F4B584652 00 52524B48"));
        assertThat(NokCodec.encode(new NokWriteParam("UBF", new byte[] {'M'})))
                .isEqualTo(Bytes.fromHex("4E4F4B584657 00 55424600 00000001 4D"));
        assertThat(NokCodec.encode(new NokPhoneInfoQuery("IMEI")))
                .isEqualTo(Bytes.fromHex("4E4F4B585048 494D4549 000000000000"));

        byte[] erase = NokCodec.encode(new NokErasePartition("Data"));
        assertThat(erase).hasSize(0x50);
        assertThat(Arrays.copyOf(erase, 16)).isEqualTo(Bytes.fromHex("4E4F4B584650 01 00 4400 6100 7400 6100"));
        assertThat(Arrays.copyOfRange(erase, 16, 0x50)).containsOnly(0);
    }

    @Test
    void readParamDecoderAcceptsLsuPaddingToSixteenBytes() {
        byte[] lsu = Bytes.fromHex("4E4F4B584652 00 46564552 0000000000");
        assertThat(lsu).hasSize(16);
        assertThat(NokCodec.decodeRequest(lsu)).isEqualTo(new NokReadParam("FVER"));
        assertThat(NokCodec.decodeRequest(Bytes.fromHex("4E4F4B584652 00 46564552"))).isEqualTo(new NokReadParam("FVER"));
        assertThatThrownBy(() -> NokCodec.decodeRequest(Bytes.fromHex("4E4F4B584652 00 46564552 0000000001")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("padding");
        assertThatThrownBy(() -> NokCodec.decodeRequest(Bytes.fromHex("4E4F4B584652 00 4656455200")))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("11 bytes");
    }

    @Test
    void statusEchoAndNokuRepliesHaveTheirSizes() {
        assertThat(NokCodec.decodeReply("NOKU".getBytes(StandardCharsets.US_ASCII))).isEqualTo(new NokUnknown());
        assertThat(NokCodec.decodeReply("NOKD".getBytes(StandardCharsets.US_ASCII))).isEqualTo(new NokEcho("NOKD"));
        assertThat(NokCodec.decodeReply("NOKG".getBytes(StandardCharsets.US_ASCII))).isEqualTo(new NokEcho("NOKG"));
        byte[] refused = Bytes.fromHex("4E4F4B584650 0012");
        NokStatusReply s = (NokStatusReply) NokCodec.decodeReply(refused);
        assertThat(s.signature()).isEqualTo("NOKXFP");
        assertThat(s.status().name()).isEqualTo("AUTHENTICATION_REQUIRED");
        assertThat(NokCodec.encode(s)).isEqualTo(refused);
        assertThat(s.toString()).isEqualTo("NOKXFP status 0x0012 AUTHENTICATION_REQUIRED");
        // A read-param refused with an 8-byte status reply.
        assertThat(NokCodec.decodeReply(Bytes.fromHex("4E4F4B584652 0008"))).isEqualTo(new NokStatusReply("NOKXFR", 8));
        assertThatThrownBy(() -> NokCodec.decodeReply("NOKUX".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> NokCodec.decodeReply("HELLO".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("not a NOK reply");
    }

    @Test
    void paramValuesFollowTheReferenceFormulas() {
        // CS: level = BE32 + 1; current = −(int32) BE32; 0xFFFFFE0C = −500 → +500 mA, charging.
        NokParamValue.ChargeState cs = NokParamValue.ChargeState.decode(Bytes.fromHex("0000004F FFFFFE0C"));
        assertThat(cs.levelPercent()).isEqualTo(80);
        assertThat(cs.currentMilliAmps()).isEqualTo(500);
        assertThat(cs.charging()).isTrue();
        assertThat(NokParamValue.ChargeState.of(80, 500).toBytes()).isEqualTo(Bytes.fromHex("0000004F FFFFFE0C"));
        NokParamValue.ChargeState draining = NokParamValue.ChargeState.decode(Bytes.fromHex("00000000 00000064"));
        assertThat(draining.levelPercent()).isEqualTo(1);
        assertThat(draining.currentMilliAmps()).isEqualTo(-100);
        assertThat(draining.charging()).isFalse();

        NokParamValue.FuseFlags f = NokParamValue.FuseFlags.decode(Bytes.fromHex("00007BFF"));
        assertThat(f.blown(NokParamValue.Fuse.SECURE_BOOT)).isTrue();
        assertThat(f.blown(NokParamValue.Fuse.OEM_ID)).isFalse();
        assertThat(f.fuses()).hasSize(14);

        assertThat(NokParamValue.FlashingStatus.decode(Bytes.fromHex("00000001")).flashingIncomplete()).isTrue();
        assertThat(NokParamValue.FlashingStatus.decode(Bytes.fromHex("01000000")).flashingIncomplete()).isFalse();

        NokParamValue.ResetProtection rp = NokParamValue.ResetProtection.decode(Bytes.fromHex("01 00000002 00000003"));
        assertThat(rp.isEnabled()).isTrue();
        assertThat(rp.major()).isEqualTo(2);
        assertThat(rp.minor()).isEqualTo(3);

        NokParamReply fver = (NokParamReply) NokCodec.decodeReply(NokCodec.encode(
                NokParamReply.ofText(NokParam.FVER, "02177.00000.15184.36000")));
        assertThat(fver.firmwareVersion()).isEqualTo("02177.00000.15184.36000");
        assertThatThrownBy(fver::chargeState).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new NokParamReply(0, "CS", new byte[7]).chargeState())
                .isInstanceOf(ProtocolException.class).hasMessageContaining("8 bytes");
    }

    @Test
    void statusTableNamesEveryCodeAndGivesNextSteps() {
        NokStatus p = NokStatus.of(0x1304);
        assertThat(p.name()).isEqualTo("PLATFORM_ID_MISMATCH");
        assertThat(p.text()).contains("platform ID mismatch").contains("another model");
        assertThat(p.nextStep()).contains("product type");
        assertThat(NokStatus.of(0x1106).name()).isEqualTo("SIGNATURE_VALIDATION_FAILED");
        assertThat(NokStatus.of(0).isOk()).isTrue();
        assertThat(NokStatus.of(0x7777).name()).isEqualTo("UNKNOWN_0x7777");
        assertThat(NokStatus.of(0x7777).nextStep()).isNotBlank();
        int[] documented = {0x0001, 0x0015, 0x1000, 0x100B, 0x1100, 0x1106, 0x1201, 0x1206, 0x1301, 0x1307, 0x1401, 0x1404};
        for (int code : documented) {
            assertThat(NokStatus.of(code).name()).as("0x%04X", code).doesNotStartWith("UNKNOWN");
        }
        for (int code = 0x0001; code <= 0x0015; code++) {
            assertThat(NokStatus.of(code).name()).doesNotStartWith("UNKNOWN");
        }
    }
}
