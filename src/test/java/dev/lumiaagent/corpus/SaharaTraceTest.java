package dev.lumiaagent.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.protocol.sahara.SaharaCodec;
import dev.lumiaagent.protocol.sahara.SaharaPacket;
import dev.lumiaagent.testing.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Sahara capture, both directions, through our codec: each packet decodes and encodes back to the
 * captured bytes. Raw data (the image bytes a host sends after READ_DATA, the reply bytes after
 * EXECUTE_DATA) is told apart by the protocol's state, as a real peer does.
 */
class SaharaTraceTest {

    static Stream<Trace> captures() {
        return Trace.of("sahara").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void everyPacketDecodesAndEncodesBackToTheCapturedBytes(Trace trace) {
        boolean deviceSendsRaw = false;
        boolean hostSendsRaw = false;
        List<String> checked = new ArrayList<>();
        for (Trace.Entry e : trace.transfers()) {
            if (e.text()) {
                continue; // a host that sent XML to a PBL (sahara/020, 021): not a Sahara packet
            }
            if (e.raw() || e.fromDevice() && deviceSendsRaw || e.fromHost() && hostSendsRaw) {
                deviceSendsRaw = false;
                hostSendsRaw = false;
                continue;
            }
            byte[] b = e.bytes();
            int at = 0;
            while (at < b.length) {
                byte[] rest = Arrays.copyOfRange(b, at, b.length);
                int len = SaharaCodec.packetLength(rest, rest.length);
                if (len < 0 || len > rest.length) {
                    // a capture cut short by its source (the file says so): decode what is whole only
                    assertThat(trace.header().toString() + trace.text()).as("%s line %d: a partial packet must be marked as such", trace.name(), e.line())
                            .containsIgnoringCase("partial");
                    break;
                }
                byte[] one = Arrays.copyOf(rest, len);
                SaharaPacket p = SaharaCodec.decode(one);
                assertThat(SaharaCodec.encode(p)).as("%s line %d: %s encodes back to the captured bytes", trace.name(), e.line(), p)
                        .isEqualTo(one);
                checked.add(p.toString());
                deviceSendsRaw = p instanceof SaharaPacket.ExecuteData;
                hostSendsRaw = p instanceof SaharaPacket.ReadData || p instanceof SaharaPacket.ReadData64;
                at += len;
            }
        }
        boolean onlyRawOrText = trace.transfers().stream().allMatch(e -> e.raw() || e.text());
        assertThat(checked.isEmpty()).as(trace.name() + ": no Sahara packet checked").isEqualTo(onlyRawOrText);
    }
}
