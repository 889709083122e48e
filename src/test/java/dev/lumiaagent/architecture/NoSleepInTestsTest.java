package dev.lumiaagent.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * "Tests wait on events, not on time: no sleep in tests except where time is the subject." Every sleep
 * left in src/test/java says why with a {@code // time is the subject: …} comment on its line or the
 * line above; any other sleep fails this test.
 */
class NoSleepInTestsTest {
    private static final Path TESTS = Path.of("src", "test", "java");
    /** Thread.sleep, and TimeUnit's sleep with or without the class name (a static import). */
    private static final Pattern SLEEP = Pattern.compile(
            "\\bThread\\s*\\.\\s*sleep\\s*\\(|\\b(?:NANOSECONDS|MICROSECONDS|MILLISECONDS|SECONDS|MINUTES|HOURS|DAYS)\\s*\\.\\s*sleep\\s*\\(");
    private static final String REASON = "time is the subject";
    private static final Pattern STRING_LITERAL = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"");

    @Test
    void everySleepInTheTestsSaysWhyTimeIsTheSubject() throws IOException {
        assertThat(TESTS).as("run from the project directory").isDirectory();
        List<String> unexplained = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(TESTS)) {
            for (Path f : (Iterable<Path>) all.filter(p -> p.toString().endsWith(".java")).sorted()::iterator) {
                files++;
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                for (int i : unexplainedSleeps(lines)) {
                    unexplained.add(TESTS.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).trim());
                }
            }
        }
        assertThat(files).as("test sources scanned").isGreaterThan(100);
        assertThat(unexplained).as("sleeps in tests: wait on the event instead (a latch, a listener, a bus watch), or say "
                + "'// " + REASON + ": …' on the line or the line above").isEmpty();
    }

    @Test
    void theCheckFindsSleepsAndAcceptsOnlyTheReasonOnTheLineOrTheLineAbove() {
        assertThat(unexplainedSleeps(List.of("        Thread.sleep(300);"))).containsExactly(0);
        assertThat(unexplainedSleeps(List.of("x();", "TimeUnit.MILLISECONDS.sleep(5);"))).containsExactly(1);
        assertThat(unexplainedSleeps(List.of("SECONDS.sleep(1); // let it settle"))).containsExactly(0);
        assertThat(unexplainedSleeps(List.of("// time is the subject: a slow peer", "Thread.sleep(80);"))).isEmpty();
        assertThat(unexplainedSleeps(List.of("Thread.sleep(80); // time is the subject: a negative check"))).isEmpty();
        assertThat(unexplainedSleeps(List.of("// time is the subject: one", "", "Thread.sleep(80);")))
                .as("two lines above is not the line above").containsExactly(2);
        assertThat(unexplainedSleeps(List.of(" * no Thread.sleep( in tests", "// Thread.sleep(1) was here")))
                .as("comments are not code").isEmpty();
        assertThat(unexplainedSleeps(List.of("clock.sleep(Duration.ofSeconds(1));"))).as("a virtual clock's sleep is not a sleep").isEmpty();
        assertThat(unexplainedSleeps(List.of("String s = \"Thread.sleep(1) \\\" SECONDS.sleep(2)\";"))).as("text is not code").isEmpty();
        assertThat(unexplainedSleeps(List.of("log(\"a\"); Thread.sleep(1); log(\"b\");"))).containsExactly(0);
    }

    /** Indexes of the lines that sleep without the reason on the same line or the one above. */
    static List<Integer> unexplainedSleeps(List<String> lines) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String code = STRING_LITERAL.matcher(lines.get(i).trim()).replaceAll("\"\"");
            if (code.startsWith("//") || code.startsWith("*") || code.startsWith("/*")) {
                continue;
            }
            if (SLEEP.matcher(code).find() && !code.contains(REASON) && !(i > 0 && lines.get(i - 1).contains(REASON))) {
                out.add(i);
            }
        }
        return out;
    }
}
