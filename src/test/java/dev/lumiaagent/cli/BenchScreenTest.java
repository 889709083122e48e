package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.flow.Reason;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.testing.SteppedClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.view.BenchSnapshot;
import dev.lumiaagent.view.BenchView;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The bench as text for a terminal of any width: nothing wider than the terminal, no reason cut, a person's rows first. */
class BenchScreenTest {
    static final String NEXT = "Charge the phone to 25 % or more (about 40 minutes on a 1 A charger), then run the job again: "
            + "`lumia-agent reflash --ffu /srv/firmware/RM-1104_059X4K7.ffu --port 1-2.4`";
    static final String KEYS = "Hold Volume Down and Power together until the phone vibrates, then let go of Power and keep holding Volume Down until "
            + "a large exclamation mark (!) appears.";

    static JobRecord record(String port, String imei) {
        JobRecord r = new JobRecord();
        r.jobId = "20261203-120000-000-" + port.replace('.', 'x');
        r.command = "reflash";
        r.port = port;
        r.productType = "RM-1104";
        r.imei = imei;
        r.startMode = "NORMAL";
        r.deviceInfo.put("manufacturerModelName", "Lumia 550");
        r.attempts = 1;
        return r;
    }

    /** A bench of four phones: one writing, one waiting for its OS, one with a person's key sequence, one failed on its battery. */
    static BenchSnapshot bench() {
        SteppedClock clock = new SteppedClock();
        BenchView view = new BenchView(clock, "batch reflash");
        PortPath write = PortPath.parse("1-2.1");
        PortPath wait = PortPath.parse("1-2.2");
        PortPath keys = PortPath.parse("1-2.3");
        PortPath failed = PortPath.parse("1-2.4");
        view.jobStarted(write, record("1-2.1", "356938035643817"));
        view.planned(write, "reflash", List.of("VerifyFfu", "ReadInfo", "WriteChunks", "Reboot"));
        view.stepStarted(write, "WriteChunks", "write the FFU's payload through the flash app", Duration.ofHours(2));
        view.progress(write, "WriteChunks", 0.2, "13 of 64 MiB, 8.0 MB/s");
        clock.step(Duration.ofSeconds(10));
        view.progress(write, "WriteChunks", 0.4, "26 of 64 MiB, 8.0 MB/s");
        view.jobStarted(wait, record("1-2.2", "356938035643825"));
        view.stepStarted(wait, "AwaitReturn", "wait for the phone to start its OS", Duration.ofMinutes(10));
        view.waiting(wait, "AwaitReturn", Duration.ofSeconds(25), Duration.ofMinutes(10), "waiting for the OS (phone off the bus)");
        view.jobStarted(keys, record("1-2.3", "356938035643833"));
        view.stepStarted(keys, "GuidedKeys", "a person presses the keys", Duration.ZERO);
        view.actionRequired(keys, "GuidedKeys", List.of(KEYS));
        JobRecord f = record("1-2.4", "356938035643841");
        view.jobStarted(failed, f);
        f.outcome = Reason.BATTERY_LOW.name();
        f.summary = "Battery gate: the battery is at 4 %, below the 25 % a reflash needs.";
        f.nextStep = NEXT;
        view.jobFinished(failed, f);
        return view.snapshot();
    }

    @ParameterizedTest
    @ValueSource(ints = {40, 60, 80, 100, 160})
    void noLineIsWiderThanTheTerminalAndNothingAPersonMustReadIsCut(int width) {
        List<String> lines = BenchScreen.render(bench(), width, 60);
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).as(l).isLessThan(width));
        String joined = String.join(" ", lines).replaceAll("\\s+", " ");
        assertThat(joined).contains(NEXT).contains(KEYS).contains("Battery gate: the battery is at 4 %, below the 25 % a reflash needs.");
        // a person's rows first: the key sequence, then the failure; then the others by port
        assertThat(joined.indexOf("1-2.3")).isLessThan(joined.indexOf("1-2.4"));
        assertThat(joined.indexOf("1-2.4")).isLessThan(joined.indexOf("1-2.1"));
        assertThat(joined.indexOf("1-2.1")).isLessThan(joined.indexOf("1-2.2"));
        assertThat(joined).contains("ETA 0:30").contains("waited 0:25 of up to 10:00");
        assertThat(joined).doesNotContain("4%").as("a wait is not a bar");
        assertThat(joined).contains("Needs a person 2");
    }

    @Test
    void aWideTerminalShowsModelAndImeiAndANarrowOneAbbreviatesByRule() {
        String wide = String.join("\n", BenchScreen.render(bench(), 120, 60));
        assertThat(wide).contains("RM-1104, IMEI 356938035643817");
        String narrow = String.join("\n", BenchScreen.render(bench(), 30, 60));
        assertThat(narrow).contains("…643817");
    }

    @Test
    void aBenchTallerThanTheTerminalCollapsesFinishedRowsAndKeepsAPersonsRows() {
        SteppedClock clock = new SteppedClock();
        BenchView view = new BenchView(clock, "station reflash");
        for (int i = 1; i <= 40; i++) {
            PortPath p = PortPath.parse("1-" + i);
            JobRecord r = record("1-" + i, String.format("3569380356%05d", i));
            view.jobStarted(p, r);
            if (i % 2 == 0) {
                r.outcome = JobRecord.DONE;
                r.summary = "Reflashed.";
                view.jobFinished(p, r);
            } else {
                view.stepStarted(p, "WriteChunks", "write", Duration.ofHours(2));
            }
        }
        view.actionRequired(PortPath.parse("1-39"), "GuidedKeys", List.of(KEYS));
        List<String> lines = BenchScreen.render(view.snapshot(), 80, 24);
        assertThat(lines.size()).as(String.join("\n", lines)).isLessThanOrEqualTo(23);
        String joined = String.join(" ", lines).replaceAll("\\s+", " ");
        assertThat(joined).contains(KEYS).contains("done: 1-2 1-4").contains("more ports running or queued");
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThan(80));
    }

    @Test
    void wrapBreaksAWordLongerThanTheLineInsteadOfDroppingIt() {
        String path = "/srv/firmware/" + "x".repeat(70) + ".ffu";
        List<String> lines = BenchScreen.wrap("use " + path + " now", 40, 2, 4);
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(40));
        assertThat(String.join("", lines).replace(" ", "")).isEqualTo(("use" + path + "now"));
    }
}
