package dev.lumiaagent.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** Under CI=true a test never skips for a missing tool: it fails with the tool's name (issue #12). */
class RequiredToolTest {

    @Test
    void aMissingToolFailsUnderCiNamingTheTool() {
        assertThatThrownBy(() -> RequiredTool.require("socat", false, "apt-get install socat", true))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("socat is missing: apt-get install socat")
                .hasMessageContaining("CI=true");
    }

    @Test
    void aMissingToolSkipsOnADevelopersMachineWithTheReason() {
        assertThatThrownBy(() -> RequiredTool.require("socat", false, "apt-get install socat", false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("socat is missing: apt-get install socat");
    }

    @Test
    void aToolThatIsThereLetsTheTestRun() {
        assertThatCode(() -> RequiredTool.require("socat", true, "", true)).doesNotThrowAnyException();
    }

    /**
     * No test skips any other way: an assumption, {@code @Disabled} or {@code @EnabledIf…} outside
     * RequiredTool would let CI pass by skipping. The one exception is the hardware check of a test
     * that must not run while a real phone may be attached (CI never names one).
     */
    @Test
    void noTestSkipsOutsideRequiredTool() throws IOException {
        Pattern skip = Pattern.compile("Assumptions\\.|assumeTrue\\(|assumeFalse\\(|assumingThat\\(|@Disabled|@EnabledIf|@DisabledIf|@EnabledOn|@DisabledOn");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.getFileName().toString().startsWith("RequiredTool"))
                    .flatMap(p -> lines(p).stream().filter(l -> skip.matcher(l).find())
                            .filter(l -> !l.contains("LUMIA_AGENT_HARDWARE") && !l.trim().startsWith("import "))
                            .map(l -> p + ": " + l.trim()))
                    .collect(Collectors.toList());
        }
        assertThat(offenders).isEmpty();
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
