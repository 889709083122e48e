package dev.lumiaagent.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.protocol.flashapp.NokApp;
import dev.lumiaagent.protocol.flashapp.NokCodec;
import dev.lumiaagent.protocol.flashapp.NokRequest;
import dev.lumiaagent.protocol.flashapp.NokvBlock;
import dev.lumiaagent.protocol.flashapp.NokvReply;
import dev.lumiaagent.testing.Trace;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The only two public raw NOKV exchanges of a real Lumia replay through our NOK codec both ways:
 * the request decodes to the info query and encodes back to its 4 bytes; the reply decodes to the
 * fields the source printed and encodes back to the same bytes.
 * <ul>
 *   <li>traces/nok/101: Lumia 520 FlashApp, 91 bytes, https://github.com/fredericGette/wpi/blob/master/README.md</li>
 *   <li>traces/nok/103: Lumia 520 BootMgr, 25 bytes, https://github.com/samcday/lp-externals/blob/main/PROTOCOL.md</li>
 * </ul>
 * The simulated RM-914's replies are compared with these bytes in sim.SimNokvCaptureTest.
 */
class NokTraceTest {
    @Test
    void flashAppNokvOfARealLumia520RoundTrips() {
        NokvReply r = replayed("nok/101");
        assertThat(r.app()).isEqualTo(NokApp.FLASH_APP);
        // "protocol: 1.15 / version: 1.28" as the source printed
        assertThat(List.of(r.protocolMajor(), r.protocolMinor(), r.appMajor(), r.appMinor())).containsExactly(1, 15, 1, 28);
        assertThat(r.blocks()).extracting(NokvBlock::id).containsExactly(0x01, 0x02, 0x03, 0x04, 0x05, 0x0D, 0x0F, 0x10);
        assertThat(r.transferSize()).hasValue(0x241000);
        assertThat(r.writeBufferSize()).hasValue(0x240000);
        assertThat(r.emmcSectors()).hasValue(0xE74000);
        assertThat(r.platformId()).contains("Nokia.MSM8227.P6036.1.2");
    }

    @Test
    void bootManagerNokvOfARealLumia520RoundTrips() {
        NokvReply r = replayed("nok/103");
        assertThat(r.app()).isEqualTo(NokApp.BOOT_MANAGER);
        assertThat(List.of(r.protocolMajor(), r.protocolMinor(), r.appMajor(), r.appMinor())).containsExactly(1, 1, 1, 16);
        assertThat(r.flashAppVersion()).contains(new NokvBlock.FlashAppVersion(1, 15, 1, 28));
        assertThat(r.transferSize()).hasValue(0x241000);
    }

    /** Decodes the capture's request and reply and checks both encode back to the captured bytes. */
    static NokvReply replayed(String capture) {
        List<Trace.Entry> transfers = Trace.load(capture).transfers();
        assertThat(transfers).hasSize(2);
        byte[] request = transfers.get(0).bytes();
        byte[] reply = transfers.get(1).bytes();
        assertThat(transfers.get(0).fromHost()).isTrue();
        NokRequest q = NokCodec.decodeRequest(request);
        assertThat(q).isInstanceOf(NokRequest.NokInfoQuery.class);
        assertThat(NokCodec.encode(q)).isEqualTo(request);
        NokvReply r = (NokvReply) NokCodec.decodeReply(reply);
        assertThat(NokCodec.encode(r)).isEqualTo(reply);
        return r;
    }

    /** The captured reply bytes, for comparison with the simulator's. */
    public static byte[] capturedReply(String capture) {
        return Trace.load(capture).transfers().get(1).bytes();
    }
}
