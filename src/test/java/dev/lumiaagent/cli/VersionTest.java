package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code --version} says the version the build made and when, from target/classes as from the jar. */
class VersionTest {
    @Test
    void theVersionIsThePomsWithTheBuildTime() throws Exception {
        Matcher pom = Pattern.compile("<artifactId>lumia-agent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(pom.find()).isTrue();

        CliRunner.Result r = CliRunner.run("--version");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().strip()).matches(Pattern.quote("lumia-agent " + pom.group(1))
                + " \\(built \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC\\)");
        assertThat(r.out()).doesNotContain("development build");
        assertThat(r.err()).isEmpty();
    }
}
