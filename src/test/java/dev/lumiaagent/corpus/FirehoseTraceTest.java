package dev.lumiaagent.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.protocol.firehose.FirehoseCodec;
import dev.lumiaagent.protocol.firehose.FirehoseCommand;
import dev.lumiaagent.protocol.firehose.FirehoseDeviceMessage;
import dev.lumiaagent.testing.Trace;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Firehose capture through our codec, both directions: each device document the programmers sent
 * decodes into logs and responses (what our host reads), and each host document the hosts sent (qdl,
 * bkerler/edl, QFIL) decodes into a command (what our simulated programmer reads) that our encoder writes
 * back into a document that decodes to the same command. Excerpts that are not whole documents are named
 * in the capture ("partial") and skipped one by one, never silently.
 */
class FirehoseTraceTest {

    static Stream<Trace> captures() {
        return Trace.of("firehose").stream().filter(t -> t.transfers().stream().anyMatch(Trace.Entry::text));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void everyWholeDocumentDecodesBothWays(Trace trace) {
        List<String> checked = new ArrayList<>();
        for (Trace.Entry e : trace.transfers()) {
            if (!e.text()) {
                continue;
            }
            String text = e.asText().strip();
            byte[] doc = e.bytes();
            if (!(text.startsWith("<?xml") && text.endsWith("</data>"))) {
                // The quoter left out the document's wrapper (the capture says so): the element is checked
                // inside the wrapper the same programmer family uses (firehose/001).
                String why = trace.kind() + " " + trace.header().getOrDefault("note", "") + " " + trace.header().getOrDefault("shows", "");
                assertThat(why).as("%s line %d is not a whole document: the capture must say why", trace.name(), e.line())
                        .containsPattern("(?i)partial|omitted|wrapper");
                String element = text.replace("</data>", "").strip();
                if (!element.endsWith("/>")) {
                    continue; // an unclosed element as quoted (e.g. firehose/015's <power value="reset">): no document to check
                }
                doc = ("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<data>\n" + element + "</data>").getBytes(StandardCharsets.UTF_8);
            }
            if (e.fromDevice()) {
                List<FirehoseDeviceMessage> m = FirehoseCodec.decodeDevice(doc);
                assertThat(m).as("%s line %d", trace.name(), e.line()).isNotEmpty();
                checked.add(m.toString());
            } else {
                FirehoseCommand c = FirehoseCodec.decodeCommand(doc);
                FirehoseCommand again = FirehoseCodec.decodeCommand(FirehoseCodec.encode(c));
                assertThat(again).as("%s line %d: %s survives our encoder", trace.name(), e.line(), c).isEqualTo(c);
                checked.add(c.toString());
            }
        }
        assertThat(checked).as(trace.name()).isNotEmpty();
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
