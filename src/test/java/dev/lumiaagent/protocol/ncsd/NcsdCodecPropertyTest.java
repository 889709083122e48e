package dev.lumiaagent.protocol.ncsd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.protocol.wire.ProtocolException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

class NcsdCodecPropertyTest {

    @Property(tries = 2000)
    void randomBytesIntoTheRequestDecoderOnlyEverThrowProtocolException(@ForAll @Size(max = 300) byte[] bytes) {
        try {
            NcsdCodec.decodeRequest(bytes);
        } catch (ProtocolException expected) {
            // the only failure allowed
        }
    }

    @Property(tries = 2000)
    void jsonLikeNoiseIntoBothDecodersOnlyEverThrowsProtocolException(@ForAll("jsonish") String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            NcsdCodec.decodeRequest(bytes);
        } catch (ProtocolException expected) {
            // allowed
        }
        try {
            NcsdCodec.decodeResponse(bytes);
        } catch (ProtocolException expected) {
            // allowed
        }
    }

    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> prefix = Arbitraries.of("", "{\"id\":1,", "{\"method\":\"",
                "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":");
        Arbitrary<String> noise = Arbitraries.strings().withChars("{}[]\":,0123456789.-eE \\tnulrsfaiodjcmpNOK\0")
                .ofMaxLength(80);
        return Combinators.combine(prefix, noise).as((p, s) -> p + s);
    }

    @Property(tries = 500)
    void anyRequestSurvivesEncodeThenDecodeInBothFramings(@ForAll @IntRange(min = 0, max = 1_000_000) int id,
                                                          @ForAll @StringLength(min = 1, max = 20) String method,
                                                          @ForAll @StringLength(max = 30) String value,
                                                          @ForAll boolean nul) {
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("Value", value);
        NcsdRequest request = NcsdRequest.of(id, method, params);
        byte[] wire = NcsdCodec.encodeRequest(request, nul ? NcsdCodec.Framing.WDRT_NUL : NcsdCodec.Framing.WPINTERNALS);
        assertThat(NcsdCodec.decodeRequest(wire)).isEqualTo(request);
    }
}
