package dev.lumiaagent.protocol.flashapp;

import dev.lumiaagent.testing.ScriptedLink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.protocol.wire.Bytes;
import dev.lumiaagent.protocol.wire.ProtocolException;
import dev.lumiaagent.transport.TransferTimeout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Session edge cases the simulator never produces, over a scripted link. */
class NokSessionTest {
    private static final Duration SHORT = Duration.ofMillis(150);

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aRefusedParamReadIsAValueInBothShapes() {
        ScriptedLink link = new ScriptedLink(true, 0, Bytes.fromHex("4E4F4B584652 0008"),
                Bytes.fromHex("4E4F4B584652 000B 00 41545250 00000000"));
        NokSession s = new NokSession(link, SHORT, SHORT);
        NokResult<NokParamReply> r = s.readParam("SFPI");
        assertThat(r).isEqualTo(new NokResult.Refused<NokParamReply>("NOKXFR SFPI", NokStatus.of(8)));
        assertThat(r.ok()).isEmpty();
        assertThat(s.readParam("ATRP")).isEqualTo(new NokResult.Refused<NokParamReply>("NOKXFR ATRP", NokStatus.of(0x0B)));
        assertThat(link.written.get(0)).isEqualTo(Bytes.fromHex("4E4F4B584652 00 53465049"));
    }

    @Test
    void anAnswerForAnotherParameterIsADesync() {
        ScriptedLink link = new ScriptedLink(true, 0, NokCodec.encode(new NokParamReply(0, "FS", new byte[4])));
        assertThatThrownBy(() -> new NokSession(link, SHORT, SHORT).readParam("CS"))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("answered for parameter FS");
    }

    @Test
    void zeroLengthPacketsAndALateRebootEchoAreSkipped() {
        byte[] nokv = NokCodec.encode(new NokvReply(0, NokApp.BOOT_MANAGER, 1, 1, 1, 16, List.of()));
        ScriptedLink link = new ScriptedLink(true, 0, new byte[0], ascii("NOKR"), new byte[0], nokv);
        NokSession s = new NokSession(link, SHORT, SHORT);
        s.reboot();
        assertThat(s.readInfo(SHORT).app()).isEqualTo(NokApp.BOOT_MANAGER);
        assertThat(link.written).extracting(b -> new String(b, StandardCharsets.US_ASCII)).containsExactly("NOKR", "NOKV");
    }

    @Test
    void anEchoWithoutAWriteOnlyCommandIsNotSkipped() {
        ScriptedLink link = new ScriptedLink(true, 0, ascii("NOKR"));
        assertThatThrownBy(() -> new NokSession(link, SHORT, SHORT).readInfo(SHORT))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("unexpected reply NOKR");
    }

    @Test
    void silenceIsBoundedAndTimesOut() {
        ScriptedLink link = new ScriptedLink(false, 1, ascii("NOK"));
        long start = System.nanoTime();
        assertThatThrownBy(() -> new NokSession(link, SHORT, SHORT).readInfo(SHORT))
                .isInstanceOfSatisfying(TransferTimeout.class, e -> assertThat(e.bytesMoved()).isEqualTo(3));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void streamBytesThatAreNotAReplyAreADesync() {
        ScriptedLink link = new ScriptedLink(false, 3, ascii("XYZW"));
        assertThatThrownBy(() -> new NokSession(link, SHORT, SHORT).keepAlive()).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("not a NOK reply");
    }

    @Test
    void twoRepliesInOneStreamReadAreBothKept() {
        byte[] both = Bytes.fromHex("4E4F4B44" + "4E4F4B584650 0000");
        ScriptedLink link = new ScriptedLink(false, 64, both);
        NokSession s = new NokSession(link, SHORT, SHORT);
        s.keepAlive();
        assertThat(s.erasePartition("Data").isOk()).isTrue();
    }

    @Test
    void massStorageIsSuccessOnSilenceAndAValueOnARefusal() {
        assertThat(new NokSession(new ScriptedLink(true, 0), SHORT, SHORT).toMassStorage().isOk()).isTrue();
        assertThat(new NokSession(new ScriptedLink(true, 0, ascii("NOKU")), SHORT, SHORT).toMassStorage())
                .isEqualTo(new NokResult.Unsupported<NokAck>("NOKM"));
        NokResult<NokAck> refused = new NokSession(new ScriptedLink(false, 1, Bytes.fromHex("4E4F4B4D 0000 000B")), SHORT, SHORT)
                .toMassStorage();
        assertThat(refused).isEqualTo(new NokResult.Refused<NokAck>("NOKM", NokStatus.of(0x0B)));
    }

    @Test
    void aStatusForTheWrongCommandIsADesync() {
        ScriptedLink link = new ScriptedLink(true, 0, Bytes.fromHex("4E4F4B584657 0000"));
        assertThatThrownBy(() -> new NokSession(link, SHORT, SHORT).switchTo(NokSwitchTarget.FLASH_APP))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("NOKXCBF");
    }
}
