package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.lumiaagent.job.JobLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The agent's own log lines go to the job they belong to; the console stays as quiet as before. */
class JobLogAppenderTest {
    private static final Logger PROTOCOL = LoggerFactory.getLogger("dev.lumiaagent.protocol.test.TestSession");
    private static final Logger DEVICE = LoggerFactory.getLogger("dev.lumiaagent.device.TestReader");

    @TempDir
    Path dir;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private PrintStream realErr;

    @BeforeEach
    void captureTheConsole() {
        realErr = System.err;
        System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8)); // logback's console writes to System.err as it is now
    }

    @AfterEach
    void restore() {
        MDC.clear();
        JobLogAppender.uninstall();
        JobLogAppender.consoleLevel(Level.WARN);
        System.setErr(realErr);
    }

    private String console() {
        return console.toString(StandardCharsets.UTF_8);
    }

    private static CliRunner.Result infoOnASimulatedBench(String... before) {
        String[] args = new String[before.length + 3];
        System.arraycopy(before, 0, args, 0, before.length);
        args[before.length] = "info";
        args[before.length + 1] = "--simulate";
        args[before.length + 2] = "2";
        return CliRunner.run(args);
    }

    @Test
    void anEventLandsInTheLogOfItsJobAndNoOther() throws IOException {
        JobLogAppender.install(Level.INFO);
        Path x = dir.resolve("x.log");
        Path y = dir.resolve("y.log");
        try (JobLog logX = JobLog.open(x, Clock.systemUTC()).register("job-x");
             JobLog logY = JobLog.open(y, Clock.systemUTC()).register("job-y")) {
            assertThat(JobLog.registered("job-x")).containsSame(logX);
            assertThat(JobLog.registered("job-y")).containsSame(logY);
            MDC.put(JobLogAppender.MDC_KEY, "job-x");
            PROTOCOL.debug("packet for x {}", 1);
            DEVICE.info("info for x");
            DEVICE.debug("device debug for x"); // below the job level, not a protocol or flow logger
            MDC.put(JobLogAppender.MDC_KEY, "job-y");
            PROTOCOL.warn("warning for y", new IllegalStateException("boom"));
            MDC.put(JobLogAppender.MDC_KEY, "job-nobody");
            PROTOCOL.debug("packet of an unregistered job");
            MDC.remove(JobLogAppender.MDC_KEY);
            PROTOCOL.debug("packet of no job");
        }
        String textX = Files.readString(x);
        String textY = Files.readString(y);
        assertThat(textX).contains("DEBUG    protocol.test.TestSession: packet for x 1")
                .contains("INFO     device.TestReader: info for x")
                .doesNotContain("device debug for x").doesNotContain("for y").doesNotContain("no job");
        assertThat(textY).contains("WARN     protocol.test.TestSession: warning for y")
                .contains("java.lang.IllegalStateException: boom")
                .doesNotContain("for x").doesNotContain("unregistered");
        assertThat(console()).contains("warning for y").doesNotContain("packet"); // WARN reaches the console as before
    }

    @Test
    void theConsoleOfANormalCommandDoesNotGrowWhileItsJobLogGetsTheProtocol() throws IOException {
        CliRunner.Result before = infoOnASimulatedBench();
        String consoleBefore = console();
        console.reset();

        JobLogAppender.install(Level.INFO);
        Path log = dir.resolve("job.log");
        CliRunner.Result without;
        CliRunner.Result with;
        try (JobLog jobLog = JobLog.open(log, Clock.systemUTC()).register("job-cli")) {
            assertThat(JobLog.registered("job-cli")).containsSame(jobLog);
            without = infoOnASimulatedBench(); // no job on this thread
            String consoleWithout = console();
            console.reset();
            assertThat(consoleWithout).isEqualTo(consoleBefore);
            assertThat(Files.readString(log)).isEmpty();

            MDC.put(JobLogAppender.MDC_KEY, "job-cli");
            with = infoOnASimulatedBench();
            MDC.remove(JobLogAppender.MDC_KEY);
        }
        assertThat(console()).isEqualTo(consoleBefore).doesNotContain("DEBUG");
        assertThat(without.err()).isEqualTo(before.err());
        assertThat(with.out()).isEqualTo(before.out());
        assertThat(Files.readString(log)).contains("DEBUG").contains("ReadManufacturerModelName").contains("NOKV");
    }

    @Test
    void verboseStillShowsDebugOnTheConsoleAndOnlyForThatRun() {
        JobLogAppender.install(Level.INFO);
        infoOnASimulatedBench("-v");
        assertThat(console()).contains(" DEBUG ").contains("ReadManufacturerModelName");
        console.reset();

        infoOnASimulatedBench();
        assertThat(console()).doesNotContain("DEBUG");
    }

    @Test
    void withoutTheJobLogVerboseWorksAsBefore() {
        infoOnASimulatedBench("-v");
        assertThat(console()).contains(" DEBUG ");
        console.reset();
        infoOnASimulatedBench();
        assertThat(console()).doesNotContain("DEBUG");
    }
}
