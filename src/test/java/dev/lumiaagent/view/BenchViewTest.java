package dev.lumiaagent.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.Reason;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.testing.SteppedClock;
import dev.lumiaagent.transport.PortPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one view model of a bench, fed by the bench's events, on a clock the test moves. */
class BenchViewTest {
    private final SteppedClock clock = new SteppedClock();
    private final BenchView view = new BenchView(clock, "batch reflash");

    static JobRecord record(String port, String imei) {
        JobRecord r = new JobRecord();
        r.jobId = "job-" + port;
        r.command = "reflash";
        r.port = port;
        r.productType = "RM-1104";
        r.imei = imei;
        r.startMode = "NORMAL";
        r.deviceInfo.put("manufacturerModelName", "Lumia 550");
        r.deviceInfo.put("batteryPercent", "64");
        r.attempts = 1;
        return r;
    }

    /** Ends a record: {@code reason} null is a skip. */
    static JobRecord ended(JobRecord r, Reason reason, String summary, String next) {
        r.outcome = reason == null ? JobRecord.SKIPPED : reason.name();
        r.summary = summary;
        r.nextStep = next;
        r.ended = "2026-12-03T12:00:00Z";
        return r;
    }

    @Test
    void timeLeftComesFromTheMeasuredRateOfTheStep() {
        PortPath p = PortPath.parse("1-2");
        view.jobStarted(p, record("1-2", "356938035643817"));
        view.planned(p, "reflash", List.of("VerifyFfu", "WriteChunks", "Reboot"));
        view.stepStarted(p, "WriteChunks", "write the payload", Duration.ofHours(2));
        view.progress(p, "WriteChunks", 0.10, "6 of 64 MiB");
        assertThat(port("1-2").etaSeconds()).as("no rate measured yet").isEqualTo(-1);
        clock.step(Duration.ofSeconds(10));
        view.progress(p, "WriteChunks", 0.30, "19 of 64 MiB");
        // 20 % in 10 s: the 70 % left take 35 s
        PortView v = port("1-2");
        assertThat(v.etaSeconds()).isEqualTo(35);
        assertThat(v.stepIndex()).isEqualTo(2);
        assertThat(v.steps()).isEqualTo(3);
        assertThat(v.fraction()).isEqualTo(0.30);
        assertThat(v.battery()).isEqualTo(64);
        assertThat(v.model()).isEqualTo("RM-1104 Lumia 550");
        assertThat(v.state()).isEqualTo(PortState.RUNNING);
        clock.step(Duration.ofSeconds(30));
        view.progress(p, "WriteChunks", 0.90, "58 of 64 MiB");
        assertThat(port("1-2").etaSeconds()).as("80 %% in 40 s: 10 %% left is 5 s").isEqualTo(5);
    }

    @Test
    void aWaitShowsTimeWaitedAndItsBoundNotAFraction() {
        PortPath p = PortPath.parse("1-3");
        view.jobStarted(p, record("1-3", "356938035643825"));
        view.stepStarted(p, "AwaitReturn", "wait for the phone to start its OS", Duration.ofMinutes(10));
        view.waiting(p, "AwaitReturn", Duration.ofSeconds(25), Duration.ofMinutes(10), "waiting for the OS (phone off the bus): 25 s of 10 min");
        PortView v = port("1-3");
        assertThat(v.state()).isEqualTo(PortState.WAITING);
        assertThat(v.fraction()).isEqualTo(-1);
        assertThat(v.waitedSeconds()).isEqualTo(25);
        assertThat(v.boundSeconds()).isEqualTo(600);
        assertThat(view.snapshot().totals().waiting()).isEqualTo(1);
    }

    @Test
    void rowsThatNeedAPersonComeFirstAndTheirInstructionsAreWhole() {
        PortPath a = PortPath.parse("1-1");
        PortPath b = PortPath.parse("1-10");
        PortPath c = PortPath.parse("1-2");
        view.jobStarted(a, record("1-1", "356938035643817"));
        view.jobStarted(b, record("1-10", "356938035643825"));
        view.jobStarted(c, record("1-2", "356938035643833"));
        view.actionRequired(b, "GuidedKeys", List.of("Hold Volume Down and Power until the phone vibrates,", "then release Power."));
        view.jobFinished(c, ended(record("1-2", "356938035643833"), Reason.BATTERY_LOW, "Battery gate: 4 % is below 25 %.",
                "Charge the phone to 25 % or more, then run the job again."));
        BenchSnapshot s = view.snapshot();
        assertThat(s.ports()).extracting(PortView::port).containsExactly("1-10", "1-2", "1-1");
        assertThat(s.ports().get(0).instructions()).containsExactly("Hold Volume Down and Power until the phone vibrates,", "then release Power.");
        assertThat(s.ports().get(1).nextStep()).isEqualTo("Charge the phone to 25 % or more, then run the job again.");
        assertThat(s.totals().needsPerson()).isEqualTo(2);
        assertThat(s.totals().failed()).isEqualTo(1);
        // the asking step returns at once; the next one waits for the person's act: the instructions stay up
        view.stepFinished(b, "GuidedKeys", true, "");
        view.stepStarted(b, "AwaitLeave", "wait for the phone to restart", Duration.ofMinutes(5));
        view.waiting(b, "AwaitLeave", Duration.ofSeconds(25), Duration.ofMinutes(5), "the phone to restart");
        PortView asked = view.snapshot().ports().get(0);
        assertThat(asked.port()).isEqualTo("1-10");
        assertThat(asked.state()).isEqualTo(PortState.ATTENTION);
        assertThat(asked.instructions()).containsExactly("Hold Volume Down and Power until the phone vibrates,", "then release Power.");
        assertThat(asked.waitedSeconds()).isEqualTo(25);
        // the person acted (the phone left to restart): the step moves on and the row is no longer first
        view.stepFinished(b, "AwaitLeave", true, "");
        view.stepStarted(b, "AwaitReset", "wait for the reset to finish", Duration.ofHours(3));
        assertThat(view.snapshot().ports()).extracting(PortView::port).containsExactly("1-2", "1-1", "1-10");
        assertThat(view.snapshot().ports().get(2).instructions()).isEmpty();
    }

    @Test
    void aPhoneWithoutImeiIsNamedByWhatItTells() {
        JobRecord edl = new JobRecord();
        edl.jobId = "j";
        edl.command = "reflash";
        edl.port = "1-5";
        edl.startMode = "EDL_PBL";
        edl.deviceInfo.put("chipSerial", "1A2B3C4D");
        edl.deviceInfo.put("msmHwId", "0x009600E1");
        view.jobStarted(PortPath.parse("1-5"), edl);
        ended(edl, null, "A phone in 9008 mode is not reflashed by the flash app.", "Run `lumia-agent emergency` for it.");
        view.jobFinished(PortPath.parse("1-5"), edl);
        PortView v = port("1-5");
        assertThat(v.phone()).contains("emergency download").contains("chip serial 1A2B3C4D").contains("MSM HW ID 0x009600E1").doesNotContain("unknown");
        assertThat(v.serial()).isEqualTo("1A2B3C4D");
        assertThat(v.state()).isEqualTo(PortState.SKIPPED);
    }

    @Test
    void aPhoneThatWasNotOpenedIsNamedByItsModeAndUsbIdentity() {
        JobRecord skipped = new JobRecord();
        skipped.jobId = "j2";
        skipped.command = "reflash";
        skipped.port = "1-6";
        skipped.startMode = "MASS_STORAGE";
        skipped.deviceInfo.put("vidPid", "045E:0A00");
        ended(skipped, null, "Skipped: a phone in mass storage is not reflashed.", null);
        view.jobFinished(PortPath.parse("1-6"), skipped);
        assertThat(port("1-6").phone()).isEqualTo("phone in mass storage, USB 045E:0A00");
    }

    @Test
    void observersHearEachEventInOrderAndAReconnectCatchesUp() {
        List<BenchEvent> heard = new ArrayList<>();
        List<Long> versions = new ArrayList<>();
        view.addObserver(new BenchView.Observer() {
            @Override
            public void changed(long version) {
                versions.add(version);
            }

            @Override
            public void event(BenchEvent event) {
                heard.add(event);
            }
        });
        PortPath p = PortPath.parse("2-1");
        view.note("checking the FFU");
        view.jobStarted(p, record("2-1", "356938035643817"));
        view.retrying(p, 1, 3, new Outcome(Reason.PHONE_NOT_ANSWERING, "It stopped answering.", "Replug it."));
        assertThat(heard).extracting(BenchEvent::kind).containsExactly(BenchEvent.Kind.NOTE, BenchEvent.Kind.STARTED, BenchEvent.Kind.RETRY);
        assertThat(heard).extracting(BenchEvent::seq).containsExactly(1L, 2L, 3L);
        assertThat(versions).isSorted().hasSize(3);
        assertThat(view.eventsAfter(1)).extracting(BenchEvent::seq).containsExactly(2L, 3L);
        assertThat(port("2-1").state()).isEqualTo(PortState.RETRYING);
        assertThat(port("2-1").attempt()).isEqualTo(2);
    }

    @Test
    void portsSortAsPeopleCountThem() {
        List<String> ports = new ArrayList<>(List.of("1-10", "1-2.3", "1-2", "2-1", "1-9"));
        ports.sort(PortOrder.COMPARATOR);
        assertThat(ports).containsExactly("1-2", "1-2.3", "1-9", "1-10", "2-1");
    }

    private PortView port(String port) {
        return view.snapshot().ports().stream().filter(p -> p.port().equals(port)).findFirst().orElseThrow();
    }
}
