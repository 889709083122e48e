package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code --help} of every command prints its usage and nothing else: no "[picocli WARN] Could not format"
 * from a description with a bare {@code %} (picocli formats descriptions with {@link String#format}).
 */
class HelpOfEveryCommandTest {
    private final ByteArrayOutputStream traced = new ByteArrayOutputStream();
    private PrintStream systemErr;

    /** picocli's warnings go to System.err as it is at the time (its tracer's stream), not to the command's err. */
    @BeforeEach
    void watchPicocliWarnings() {
        systemErr = System.err;
        System.setErr(new PrintStream(traced, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(systemErr);
    }

    static List<List<String>> everyCommand() {
        List<List<String>> all = new ArrayList<>();
        walk(new CommandLine(new Main()), new ArrayList<>(), all);
        return all;
    }

    private static void walk(CommandLine cl, List<String> path, List<List<String>> all) {
        all.add(List.copyOf(path));
        cl.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().name().equals(name)) { // not an alias twice
                List<String> p = new ArrayList<>(path);
                p.add(name);
                walk(sub, p, all);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> helpOfEveryCommandPrintsNoWarning() {
        return everyCommand().stream().map(path -> DynamicTest.dynamicTest(
                "lumia-agent " + String.join(" ", path) + " --help", () -> {
                    traced.reset();
                    List<String> args = new ArrayList<>(path);
                    args.add(path.equals(List.of("help")) ? "devices" : "--help");
                    CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));

                    String said = r.err() + traced.toString(StandardCharsets.UTF_8);
                    assertThat(r.exitCode()).as(said).isZero();
                    assertThat(r.out()).startsWith("Usage: lumia-agent").doesNotContain("Could not format");
                    assertThat(said).doesNotContainIgnoringCase("warn").doesNotContain("Could not format");
                }));
    }

    /** Every description picocli formats must format: the same check without relying on its tracer. */
    @TestFactory
    Stream<DynamicTest> everyDescriptionFormats() {
        return everyCommand().stream().map(path -> DynamicTest.dynamicTest(
                "lumia-agent " + String.join(" ", path), () -> {
                    CommandLine cl = new CommandLine(new Main());
                    for (String name : path) {
                        cl = cl.getSubcommands().get(name);
                    }
                    CommandSpec spec = cl.getCommandSpec();
                    List<String> texts = new ArrayList<>();
                    texts.addAll(List.of(spec.usageMessage().description()));
                    texts.addAll(List.of(spec.usageMessage().header()));
                    texts.addAll(List.of(spec.usageMessage().footer()));
                    for (ArgSpec a : spec.args()) {
                        texts.addAll(List.of(a.description()));
                    }
                    for (String t : texts) {
                        assertThat(formats(t)).as("picocli cannot format: %s", t).isTrue();
                    }
                }));
    }

    private static boolean formats(String text) {
        try {
            String.format(text.replace("${DEFAULT-VALUE}", "d").replace("${COMPLETION-CANDIDATES}", "c"));
            return true;
        } catch (java.util.IllegalFormatException e) {
            return false;
        }
    }
}
