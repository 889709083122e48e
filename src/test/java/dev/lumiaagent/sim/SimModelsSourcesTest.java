package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every value of every simulated model names its source (a capture of src/test/resources/traces or a
 * URL) or says "assumed" — the simulator must behave like real phones, so a value nobody can trace back
 * is a defect. docs/personalities.md lists the assumed ones.
 */
class SimModelsSourcesTest {
    @Test
    void everyValueOfEveryModelIsSourcedOrMarkedAssumed() throws Exception {
        JsonNode root;
        try (InputStream in = SimModels.class.getResourceAsStream("models.json")) {
            root = new ObjectMapper().readTree(in);
        }
        List<String> unsourced = new ArrayList<>();
        for (JsonNode m : root.path("models")) {
            JsonNode sources = m.path("sources");
            m.fieldNames().forEachRemaining(f -> {
                if (f.equals("sources")) {
                    return;
                }
                String s = sources.path(f).asText("");
                boolean cited = s.startsWith("assumed") || s.contains("https://") || s.matches("(?s).*\\b(nok|ncsd|sahara)/\\d{3}.*");
                if (!cited) {
                    unsourced.add(m.path("productType").asText() + "." + f);
                }
                // a capture named by file must be in the corpus
                java.util.regex.Matcher t = java.util.regex.Pattern.compile("\\b(nok|ncsd|sahara|firehose)/(\\d{3})").matcher(s);
                while (t.find()) {
                    String dir = t.group(1);
                    String num = t.group(2);
                    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(
                            java.nio.file.Path.of("src/test/resources/traces", dir))) {
                        if (files.noneMatch(x -> x.getFileName().toString().startsWith(num + "-"))) {
                            unsourced.add(m.path("productType").asText() + "." + f + " cites " + t.group() + ", which is not in the corpus");
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
        }
        assertThat(unsourced).isEmpty();
        assertThat(SimModels.standard().all()).hasSize(8);
    }

    @Test
    void theMsmIdsAreTheQualcommChipIds() {
        // msmids of https://github.com/bkerler/edl/blob/1702fa909eb65a42c4fffcdd8c804511049247b2/edlclient/Config/qualcomm_config.py:
        // MSM8212 0x8140E1, MSM8926 0x8050E1 (also the real PBL of traces/sahara/004), MSM8974 0x7B00E1,
        // MSM8992 0x9690E1, MSM8994 0x9400E1. Before: 0x9400E1 (an 8994 id) on the 535, 0x8B00E1 on the 8926 phones,
        // 0x9500E1 (MDM9x40) on the 950, 0x9600E1 (MSM8909) on the 950 XL, 0x7B80E1 (MSM8974Pro) on the 520.
        assertThat(msm("RM-1090")).isEqualTo(0x008140e1L);
        assertThat(msm("RM-1073")).isEqualTo(0x008050e1L);
        assertThat(msm("RM-1062")).isEqualTo(0x008050e1L);
        assertThat(msm("RM-1038")).isEqualTo(0x008050e1L);
        assertThat(msm("RM-1045")).isEqualTo(0x007b00e1L);
        assertThat(msm("RM-1104")).isEqualTo(0x009690e1L);
        assertThat(msm("RM-1085")).isEqualTo(0x009400e1L);
    }

    private static long msm(String productType) {
        return Long.parseUnsignedLong(SimModels.standard().require(productType).msmHwId().substring(2), 16) >>> 32;
    }
}
