package dev.lumiaagent.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.flow.FlowContext;
import dev.lumiaagent.flow.FlowRunner;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.Reason;
import dev.lumiaagent.flow.SoftResetFlow;
import dev.lumiaagent.flow.gate.Gate;
import dev.lumiaagent.flow.gate.GateResult;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.testing.RequiredTool;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.discovery.Mode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobLogTest {
    private static final PortPath PORT = PortPath.parse("1-2");

    @TempDir
    Path dir;

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2024-05-02T09:14:03.120Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    @Test
    void eachFlowEventIsOneTimestampedLine() throws IOException {
        Path file = dir.resolve("job.log");
        TestClock clock = new TestClock();
        try (JobLog log = JobLog.open(file, clock)) {
            log.planned(PORT, "reflash", List.of("ReadInfo", "WriteChunks"));
            log.stepStarted(PORT, "ReadInfo", "read the phone", Duration.ofSeconds(60));
            log.gate(PORT, GateResult.failed(Gate.BATTERY, "battery at 12 %", "Charge the phone to 25 %."));
            log.actionRequired(PORT, "GuidedKeyReset", List.of("Hold Volume-Down.", "Keep holding it."));
            clock.advance(Duration.ofMillis(1500));
            log.stepFinished(PORT, "ReadInfo", true, "RM-914");
            log.stepFinished(PORT, "WriteChunks", false, "the phone left\nduring chunk 12");
            log.note("attempt 2 of 3 after PHONE_NOT_ANSWERING");
            log.finished(PORT, "reflash", new Outcome(Reason.PHONE_LEFT, "The phone left the bus.", "Reconnect it."));
        }
        assertThat(lines(file)).containsExactly(
                "2024-05-02T09:14:03.120Z 1-2   PLAN     reflash: ReadInfo, WriteChunks",
                "2024-05-02T09:14:03.120Z 1-2   START    ReadInfo: read the phone (bound 60 s)",
                "2024-05-02T09:14:03.120Z 1-2   GATE     BATTERY FAILED (blocks): battery at 12 % Next step: Charge the phone to 25 %.",
                "2024-05-02T09:14:03.120Z 1-2   ACTION   GuidedKeyReset: Hold Volume-Down. | Keep holding it.",
                "2024-05-02T09:14:04.620Z 1-2   OK       ReadInfo: RM-914",
                "2024-05-02T09:14:04.620Z 1-2   FAILED   WriteChunks: the phone left during chunk 12",
                "2024-05-02T09:14:04.620Z       NOTE     attempt 2 of 3 after PHONE_NOT_ANSWERING",
                "2024-05-02T09:14:04.620Z 1-2   OUTCOME  reflash PHONE_LEFT: The phone left the bus. Next step: Reconnect it.");
    }

    @Test
    void progressIsThrottledToATenthOrThirtySeconds() throws IOException {
        Path file = dir.resolve("job.log");
        TestClock clock = new TestClock();
        try (JobLog log = JobLog.open(file, clock)) {
            log.stepStarted(PORT, "WriteChunks", "write the image", Duration.ofMinutes(30));
            for (int i = 0; i <= 100; i++) { // one call a second, 1 % each
                log.progress(PORT, "WriteChunks", i / 100.0, i + " of 100 MiB");
                clock.advance(Duration.ofSeconds(1));
            }
            log.stepStarted(PORT, "AwaitReturn", "wait for the phone", Duration.ofMinutes(5));
            for (int s = 0; s <= 120; s += 5) { // fraction unknown: only time counts
                log.progress(PORT, "AwaitReturn", -1, "waiting: " + s + " s");
                clock.advance(Duration.ofSeconds(5));
            }
        }
        List<String> progress = lines(file).stream().filter(l -> l.contains(" PROGRESS ")).toList();
        assertThat(progress.stream().filter(l -> l.contains("WriteChunks"))).hasSize(11)
                .anyMatch(l -> l.endsWith("WriteChunks 0%: 0 of 100 MiB"))
                .anyMatch(l -> l.endsWith("WriteChunks 50%: 50 of 100 MiB"))
                .anyMatch(l -> l.endsWith("WriteChunks 100%: 100 of 100 MiB"));
        assertThat(progress.stream().filter(l -> l.contains("AwaitReturn")).map(l -> l.substring(l.indexOf("AwaitReturn"))))
                .containsExactly("AwaitReturn: waiting: 0 s", "AwaitReturn: waiting: 30 s", "AwaitReturn: waiting: 60 s",
                        "AwaitReturn: waiting: 90 s", "AwaitReturn: waiting: 120 s");
    }

    @Test
    void aRealSoftResetIsLoggedFromPlanToOutcome() throws IOException {
        Path file = dir.resolve("job.log");
        try (SimBus bus = new SimBus(AgentClock.scaled(200)); JobLog log = JobLog.open(file, Clock.systemUTC())) {
            SimPhone phone = new SimPhone(SimModels.standard().require("RM-914"), "356938035643809", "USB1", Mode.NORMAL, 60,
                    LinkKind.PACKET, EnumSet.noneOf(dev.lumiaagent.sim.SimFault.class));
            FlowContext ctx = new FlowContext(bus, bus.clock(), PORT, List.of(log));
            Outcome outcome = FlowRunner.run(new SoftResetFlow(Optional.of(bus.attach(PORT, phone)),
                    SoftResetFlow.Bounds.standard()), ctx);
            assertThat(outcome.succeeded()).isTrue();
        }
        String text = Files.readString(file);
        assertThat(text).contains(" PLAN ").contains(" START    " + SoftResetFlow.SEND_RESET)
                .contains(" OK       " + SoftResetFlow.SEND_RESET).contains(" OUTCOME  ").contains(" DONE: ");
    }

    @Test
    void aLogThatCannotBeOpenedIsSilentAndNeverThrows() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        try (JobLog log = JobLog.open(notADirectory.resolve("job.log"), Clock.systemUTC())) {
            assertThat(log.failed()).isTrue();
            log.planned(PORT, "info", List.of("ReadInfo"));
            log.finished(PORT, "info", Outcome.done("read"));
            log.note("still fine");
        }
        assertThat(notADirectory).hasContent("x");
    }

    @Test
    void aLogThatFailsWhileWritingGoesSilentAndNeverThrows() {
        Path full = Path.of("/dev/full"); // every write fails with ENOSPC
        RequiredTool.require("/dev/full", Files.isWritable(full), "a Linux device node every write to fails with ENOSPC");
        JobLog log = JobLog.open(full, Clock.systemUTC());
        assertThat(log.failed()).isFalse();
        log.planned(PORT, "info", List.of("ReadInfo"));
        log.finished(PORT, "info", Outcome.done("read")); // flushes: the error surfaces here
        assertThat(log.failed()).isTrue();
        log.note("after the failure");
        log.close();
    }

    @Test
    void aRegisteredLogIsFoundByItsJobIdUntilItCloses() {
        JobLog first = JobLog.open(dir.resolve("a.log"), Clock.systemUTC()).register("job-reg-1");
        assertThat(JobLog.registered("job-reg-1")).containsSame(first);
        assertThat(JobLog.registered("job-reg-other")).isEmpty();
        assertThat(JobLog.registered(null)).isEmpty();

        JobLog second = JobLog.open(dir.resolve("b.log"), Clock.systemUTC()).register("job-reg-1");
        first.close(); // the newer registration stays
        assertThat(JobLog.registered("job-reg-1")).containsSame(second);
        second.close();
        assertThat(JobLog.registered("job-reg-1")).isEmpty();
    }

    @Test
    void aLoggedEventKeepsItsLinesAndNamesItsException() throws IOException {
        Path file = dir.resolve("job.log");
        try (JobLog log = JobLog.open(file, new TestClock())) {
            log.logged("DEBUG", "dev.lumiaagent.protocol.ncsd.NcsdSession", "sim 1-2 → ReadProductCode", null);
            log.logged("WARN", "dev.lumiaagent.flow.FlowRunner", "two\nlines", new IllegalStateException("boom"));
        }
        List<String> lines = lines(file);
        assertThat(lines.get(0)).isEqualTo("2024-05-02T09:14:03.120Z       DEBUG    protocol.ncsd.NcsdSession: sim 1-2 → ReadProductCode");
        assertThat(lines.get(1)).endsWith("WARN     flow.FlowRunner: two");
        assertThat(lines.get(2)).isEqualTo("    lines");
        assertThat(lines.get(3)).isEqualTo("    java.lang.IllegalStateException: boom");
        assertThat(lines.get(4)).startsWith("        at dev.lumiaagent.job.JobLogTest");
    }
}
