package dev.lumiaagent.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.protocol.sahara.MsmHwId;
import dev.lumiaagent.protocol.sahara.SaharaClientCommand;
import dev.lumiaagent.protocol.sahara.SaharaRefused;
import dev.lumiaagent.protocol.sahara.SaharaSession;
import dev.lumiaagent.testing.ScriptedLink;
import dev.lumiaagent.testing.Trace;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Client defects that real PBLs showed (issue #13), each driven by the capture that shows it: the
 * captured device bytes are played into our SaharaSession over a scripted link, and what the session
 * sends back is compared with the host bytes of the same capture where our host does the same thing.
 */
class SaharaCaptureGoldenTest {

    private static List<byte[]> device(Trace t) {
        return t.transfers().stream().filter(Trace.Entry::fromDevice).map(Trace.Entry::bytes).collect(Collectors.toList());
    }

    private static List<byte[]> host(Trace t) {
        return t.transfers().stream().filter(Trace.Entry::fromHost).map(Trace.Entry::bytes).collect(Collectors.toList());
    }

    /**
     * A real PBL answers MSM HW ID with data_length 0x18 (traces/sahara/003, SDM845, bkerler/edl#398)
     * and 24 bytes, the HWID three times (traces/sahara/004, Nokia XL RM-1061 / MSM8926, bkerler/edl#635).
     * Before the fix MsmHwId demanded 8 bytes and `emergency` ended PROTOCOL_DESYNC here.
     */
    @ParameterizedTest(name = "packet link: {0}")
    @ValueSource(booleans = {true, false})
    void theMsmHwIdTripleOfARealPblIsRead(boolean packet) {
        Trace resp = Trace.load("sahara/003");
        Trace data = Trace.load("sahara/004");
        ScriptedLink l = new ScriptedLink(packet, packet ? 1 : 3);
        l.device(device(resp).get(0)); // EXECUTE_RESP(0x02, 0x18)
        l.device(device(data).get(0)); // the 24 bytes
        MsmHwId id = new SaharaSession(l, Duration.ofSeconds(1)).msmHwId();
        assertThat(id.raw()).isEqualTo(0x008050e10017bf01L); // as bkerler printed it for the Nokia XL
        assertThat(id.msmId()).isEqualTo(0x008050e1L);
        assertThat(id.oemId()).isEqualTo(0x0017);
        assertThat(id.modelId()).isEqualTo(0xbf01);
        // what our host sent: EXECUTE 0x02, then EXECUTE_DATA 0x02, byte for byte as the captures' hosts did
        assertThat(l.written.get(0)).isEqualTo(dev.lumiaagent.protocol.sahara.SaharaCodec.encode(
                new dev.lumiaagent.protocol.sahara.SaharaPacket.Execute(0x02))); // EXECUTE 0x02 (not in the excerpts)
        assertThat(l.written.get(1)).isEqualTo(host(resp).get(0));
        assertThat(l.written.get(1)).isEqualTo(host(data).get(0));
    }

    @ParameterizedTest(name = "packet link: {0}")
    @ValueSource(booleans = {true, false})
    void theMsmHwIdTripleOfTheSecondCaptureIsRead(boolean packet) {
        Trace t = Trace.load("sahara/005");
        ScriptedLink l = new ScriptedLink(packet, packet ? 1 : 5);
        l.device(dev.lumiaagent.protocol.wire.Bytes.fromHex("0e000000 10000000 02000000 18000000"));
        l.device(device(t).get(0));
        assertThat(new SaharaSession(l, Duration.ofSeconds(1)).msmHwId().raw()).isEqualTo(0x0006_60e1_0142_0700L);
    }

    /** A v3 PBL announces an 8-byte serial number (traces/sahara/017, qualcomm/qdlrs#13). */
    @ParameterizedTest(name = "packet link: {0}")
    @ValueSource(booleans = {true, false})
    void aV3PblsEightByteSerialIsRead(boolean packet) {
        Trace t = Trace.load("sahara/017");
        ScriptedLink l = new ScriptedLink(packet, packet ? 1 : 7);
        l.device(device(t).get(2)); // EXECUTE_RESP(0x01, 8)
        l.device(dev.lumiaagent.protocol.wire.Bytes.fromHex("1e093a76 00000000")); // redacted in the source: a value of ours
        assertThat(new SaharaSession(l, Duration.ofSeconds(1)).serialNumber()).isEqualTo(0x763a091eL);
    }

    /**
     * A PBL that refuses client commands answers every EXECUTE with END_OF_IMAGE_TRANSFER status 0x01
     * (traces/sahara/008, MSM8909, openpst/sahara#6): a named refusal, not a desync.
     */
    @ParameterizedTest(name = "packet link: {0}")
    @ValueSource(booleans = {true, false})
    void aPblThatRefusesClientCommandsGivesANamedRefusal(boolean packet) {
        Trace t = Trace.load("sahara/008");
        ScriptedLink l = new ScriptedLink(packet, packet ? 1 : 4);
        device(t).forEach(l::device);
        SaharaSession s = new SaharaSession(l, Duration.ofSeconds(1));
        assertThatThrownBy(s::msmHwId).isInstanceOfSatisfying(SaharaRefused.class,
                e -> assertThat(e.status().code()).isEqualTo(0x01));
        assertThat(l.written.get(0)).isEqualTo(host(t).get(0));
        assertThatThrownBy(() -> s.execute(SaharaClientCommand.GET_SOFTWARE_VERSION_SBL)).isInstanceOf(SaharaRefused.class);
        assertThat(l.written.get(1)).isEqualTo(host(t).get(1));
    }
}
