package dev.lumiaagent.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.testing.Trace;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The corpus of real device captures (src/test/resources/traces): each file names its public source and
 * whether it is a real capture or derived from one; the replays that check our codecs and the simulator
 * against them are in this package (one test class per protocol).
 */
class TraceCorpusTest {

    @Test
    void everyCaptureNamesItsSourceItsKindAndItsProtocol() {
        List<Trace> all = Trace.all();
        for (Trace t : all) {
            assertThat(t.source()).as(t.name()).startsWith("https://");
            assertThat(t.kind()).as(t.name()).matches("(?s)(real capture|derived from a real capture).*");
            assertThat(t.protocol()).as(t.name()).isIn("sahara", "firehose", "nok", "ncsd");
            assertThat(t.header()).as(t.name()).containsKey("shows");
            assertThat(t.entries().isEmpty() && t.fileContent().isEmpty()).as(t.name() + " holds a transfer, a log line or a file").isFalse();
            assertThat(t.file().getParent().getFileName().toString()).as(t.name()).isEqualTo(t.protocol());
        }
    }

    @Test
    void theCorpusHoldsAtLeastFortyCapturesOverTheFourProtocols() {
        Map<String, Long> perProtocol = Trace.all().stream().collect(Collectors.groupingBy(Trace::protocol, Collectors.counting()));
        assertThat(perProtocol.values().stream().mapToLong(Long::longValue).sum()).isGreaterThanOrEqualTo(40);
        assertThat(perProtocol).containsKeys("sahara", "firehose", "nok", "ncsd");
    }
}
