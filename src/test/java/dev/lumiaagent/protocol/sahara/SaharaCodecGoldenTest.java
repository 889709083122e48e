package dev.lumiaagent.protocol.sahara;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.protocol.sahara.SaharaPacket.CommandReady;
import dev.lumiaagent.protocol.sahara.SaharaPacket.DoneResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.EndOfImageTransfer;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ReadData64;
import dev.lumiaagent.protocol.sahara.SaharaPacket.ResetResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaHello;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaHelloResponse;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SaharaReset;
import dev.lumiaagent.protocol.sahara.SaharaPacket.SwitchMode;
import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every byte trace of edl-protocol.md §2.8 and the examples of §2.4, §2.5, §2.7. */
class SaharaCodecGoldenTest {
    private static final String ZERO24 = "00".repeat(24);

    private static byte[] hex(String s) {
        return Bytes.fromHex(s);
    }

    @Test
    void deviceHelloVersion2_issue97() {
        byte[] b = hex("01000000 30000000 02000000 01000000 00040000 00000000" + ZERO24);
        SaharaPacket p = SaharaCodec.decode(b);
        assertThat(p).isEqualTo(new SaharaHello(2, 1, 0x400, SaharaMode.IMAGE_TX_PENDING));
        assertThat(SaharaCodec.encode(p)).isEqualTo(b);
        assertThat(p.toString()).isEqualTo("SaharaHello v2 (min 1) maxPacket 0x400 mode IMAGE_TX_PENDING");
    }

    @Test
    void deviceHelloVersion3_issue813() {
        byte[] b = hex("01000000 30000000 03000000 01000000 00040000 00000000" + ZERO24);
        assertThat(SaharaCodec.decode(b)).isEqualTo(new SaharaHello(3, 1, 0x400, SaharaMode.IMAGE_TX_PENDING));
    }

    @Test
    void hostHelloResponseMode0_issue398() {
        byte[] b = hex("02000000 30000000 02000000 01000000 00000000 00000000" + ZERO24);
        assertThat(SaharaCodec.encode(SaharaHelloResponse.of(SaharaMode.IMAGE_TX_PENDING))).isEqualTo(b);
        SaharaHelloResponse r = (SaharaHelloResponse) SaharaCodec.decode(b);
        assertThat(r.status()).isEqualTo(SaharaStatus.SUCCESS);
    }

    @Test
    void bkerlerHelloResponseWithReservedOneToSix() {
        byte[] b = hex("02000000 30000000 02000000 01000000 00000000 03000000"
                + "01000000 02000000 03000000 04000000 05000000 06000000");
        SaharaHelloResponse r = (SaharaHelloResponse) SaharaCodec.decode(b);
        assertThat(r.mode()).isEqualTo(SaharaMode.COMMAND);
        assertThat(r.reserved()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(SaharaCodec.encode(r)).isEqualTo(b);
    }

    @Test
    void readData64_issue398() {
        byte[] b = hex("12000000 20000000 0d000000 00000000 00000000 00000000 40000000 00000000");
        SaharaPacket p = SaharaCodec.decode(b);
        assertThat(p).isEqualTo(new ReadData64(13, 0, 0x40));
        assertThat(SaharaCodec.encode(p)).isEqualTo(b);
        assertThat(p.toString()).isEqualTo("ReadData64 image 13 offset 0x0 length 0x40");
    }

    @Test
    void switchModeCommand_issue342() {
        byte[] b = hex("0c000000 0c000000 03000000");
        assertThat(SaharaCodec.decode(b)).isEqualTo(new SwitchMode(SaharaMode.COMMAND));
        assertThat(SaharaCodec.encode(new SwitchMode(SaharaMode.COMMAND))).isEqualTo(b);
    }

    @Test
    void resetAndResetResponse_sahara7() {
        assertThat(SaharaCodec.encode(new SaharaReset())).isEqualTo(hex("07000000 08000000"));
        assertThat(SaharaCodec.decode(hex("08000000 08000000"))).isEqualTo(new ResetResponse());
    }

    @Test
    void endOfImageTransferStatusesAreNamed() {
        EndOfImageTransfer e = (EndOfImageTransfer) SaharaCodec.decode(hex("04000000 10000000 0d000000 21000000"));
        assertThat(e.status().name()).isEqualTo("HASH_TABLE_AUTH_FAILURE");
        assertThat(e.status().isAuthenticationFailure()).isTrue();
        assertThat(e.status().nextStep()).contains("signed for another root key").contains("product type");
        assertThat(e.toString()).isEqualTo("EndOfImageTransfer image 13 status 0x21 HASH_TABLE_AUTH_FAILURE");
        assertThat(SaharaStatus.of(0x01).name()).isEqualTo("INVALID_CMD"); // not bkerler's shifted string
        assertThat(SaharaStatus.of(0x99).name()).isEqualTo("UNKNOWN_0x99");
        for (long c = 0x21; c <= 0x26; c++) {
            assertThat(SaharaStatus.of(c).isAuthenticationFailure()).isTrue();
        }
        assertThat(SaharaStatus.of(0x27).isAuthenticationFailure()).isFalse();
    }

    @Test
    void doneRespAndCmdReadyVariants() {
        assertThat(SaharaCodec.decode(hex("06000000 0c000000 01000000"))).isEqualTo(new DoneResponse(1));
        assertThat(SaharaCodec.decode(hex("06000000 0c000000 00000000")).toString()).isEqualTo("DoneResponse pending");
        assertThat(SaharaCodec.decode(hex("0b000000 08000000"))).isEqualTo(new CommandReady());
        // libopenpst's CMD_READY with an image_tx_status word (§2.2 conflict)
        assertThat(SaharaCodec.decode(hex("0b000000 0c000000 00000000"))).isEqualTo(new CommandReady());
    }

    @Test
    void msmHwIdExample_issue387() {
        MsmHwId id = MsmHwId.parse(hex("2900 4200 e100 9600"));
        assertThat(id.raw()).isEqualTo(0x009600e100420029L);
        assertThat(id.msmId()).isEqualTo(0x009600e1L);
        assertThat(id.oemId()).isEqualTo(0x0042);
        assertThat(id.modelId()).isEqualTo(0x0029);
    }

    @Test
    void chipIdV3Offsets() {
        byte[] b = new byte[48];
        Bytes.putLe32(b, 36, 0x009600E1L);
        b[42] = 0x29;
        b[44] = 0x42; // oem at 40 is zero: the alternate at 44 counts
        assertThat(ChipIdV3.parse(b)).isEqualTo(new ChipIdV3(0x009600E1L, 0x42, 0x29));
        assertThatThrownBy(() -> ChipIdV3.parse(new byte[43])).isInstanceOf(ProtocolException.class);
    }

    @Test
    void oemPkHashTrimming() {
        byte[] d = new byte[32];
        for (int i = 0; i < 32; i++) {
            d[i] = (byte) (i + 1);
        }
        byte[] three = new byte[96];
        for (int k = 0; k < 3; k++) {
            System.arraycopy(d, 0, three, 32 * k, 32);
        }
        assertThat(OemPkHash.trim(three)).isEqualTo(d);
        byte[] padded = java.util.Arrays.copyOf(d, 64);
        assertThat(OemPkHash.trim(padded)).isEqualTo(d);
        byte[] endsInZero = d.clone();
        endsInZero[31] = 0;
        assertThat(OemPkHash.trim(java.util.Arrays.copyOf(endsInZero, 80))).isEqualTo(endsInZero);
        byte[] sha384 = new byte[96];
        for (int i = 0; i < 48; i++) {
            sha384[i] = (byte) (0x80 + i);
            sha384[48 + i] = (byte) (0x80 + i);
        }
        assertThat(OemPkHash.trim(sha384)).hasSize(48);
        assertThat(OemPkHash.trim(new byte[64])).isEqualTo(new byte[32]);
        byte[] noise = new byte[70];
        java.util.Arrays.fill(noise, (byte) 7);
        noise[33] = 1;
        assertThatThrownBy(() -> OemPkHash.trim(noise)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void memoryTableEntries() {
        byte[] t = new byte[52];
        Bytes.putLe32(t, 0, 1);
        Bytes.putLe32(t, 4, 0x80000000L);
        Bytes.putLe32(t, 8, 0x1000);
        System.arraycopy("DDR CS0".getBytes(), 0, t, 12, 7);
        System.arraycopy("DDRCS0.BIN".getBytes(), 0, t, 32, 10);
        assertThat(SaharaMemoryRegion.parseTable(t, false))
                .containsExactly(new SaharaMemoryRegion(1, 0x80000000L, 0x1000, "DDR CS0", "DDRCS0.BIN"));
        System.arraycopy("../x".getBytes(), 0, t, 32, 4);
        assertThatThrownBy(() -> SaharaMemoryRegion.parseTable(t, false)).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> SaharaMemoryRegion.parseTable(new byte[53], false)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void strictFraming() {
        assertThatThrownBy(() -> SaharaCodec.decode(hex("01000000 30000000"))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("received 0x8");
        assertThatThrownBy(() -> SaharaCodec.decode(hex("14000000 08000000"))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("WRITE_DATA");
        assertThatThrownBy(() -> SaharaCodec.decode(hex("07000000 0c000000 00000000"))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("RESET");
        assertThatThrownBy(() -> SaharaCodec.decode(hex("0c000000 0c000000 04000000"))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("mode 4");
        assertThat(SaharaCodec.packetLength(hex("01000000 30"), 5)).isEqualTo(-1);
        assertThat(List.of(SaharaCommand.values())).hasSize(19);
    }
}
