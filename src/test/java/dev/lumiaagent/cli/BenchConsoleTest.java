package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.bench.Tally;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.testing.WatchedWriter;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.view.BenchView;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench view on a terminal: a block of port lines redrawn in place, events above it, then the tally. */
class BenchConsoleTest {

    private static JobRecord record(String port, String outcome) {
        JobRecord r = new JobRecord();
        r.jobId = "20261125-120000-000-abcdef";
        r.command = "reflash";
        r.port = port;
        r.productType = "RM-914";
        r.imei = "356938035643809";
        r.startMode = "NORMAL";
        r.outcome = outcome;
        r.summary = outcome == null ? null : "it ended " + outcome + ".";
        r.nextStep = "DONE".equals(outcome) ? null : "Charge it.";
        return r;
    }

    @Test
    void onATerminalTheBlockIsRedrawnInPlaceWithOneLinePerPort() throws Exception {
        WatchedWriter text = new WatchedWriter();
        BenchConsole c = new BenchConsole(new PrintWriter(text, true), true, new BenchView(AgentClock.system(), "batch reflash"),
                ScreenSize.fixed(100, 40));
        PortPath a = PortPath.parse("1-1.1");
        PortPath b = PortPath.parse("1-1.2");
        c.jobStarted(a, record("1-1.1", null));
        c.jobStarted(b, record("1-1.2", null));
        c.planned(a, "reflash", List.of("VerifyFfu", "WriteChunks"));
        c.stepStarted(a, "WriteChunks", "write", Duration.ofHours(2));
        c.progress(a, "WriteChunks", 0.5, "12 of 24 MiB, 7.9 MB/s");
        // The block is redrawn on the console's own timer: wait for a redraw that shows the progress.
        text.awaitText("12 of 24 MiB, 7.9 MB/s", Duration.ofSeconds(10));
        c.jobFinished(b, record("1-1.2", "BATTERY_DEAD"));
        Tally tally = new Tally();
        tally.add(record("1-1.2", "BATTERY_DEAD"));
        c.printTally("Batch reflash", tally, "SQLite x.db");
        String out = text.toString();
        assertThat(out).contains("\033[K");
        // redrawn in place: the last drawing goes back up over the block drawn before (totals and two ports)
        assertThat(out).containsPattern("\033\\[\\d+F");
        assertThat(out).containsPattern("1-1\\.1\\s+running\\s+RM-914, IMEI 356938035643809");
        assertThat(out).containsPattern("reflash \\[2/2\\] WriteChunks — write").containsPattern("\\[#+-+\\] +50% · 12 of 24 MiB, 7.9 MB/s");
        assertThat(out).contains("<1-1.2> FAILED: it ended BATTERY_DEAD. Next step: Charge it.");
        assertThat(out).contains("Succeeded 0 · Failed 1 · Skipped 0 · Running 1 · Queued 0 · Needs a person 1");
        // every line of the drawing fits the 100 columns it was given
        assertThat(out.split("\n")).allSatisfy(l -> assertThat(l.replaceAll("\033\\[[0-9;]*[A-Za-z]", "").length()).isLessThan(100));
        assertThat(out).contains("Batch reflash: 1 phone — Succeeded 0 · Failed 1 · Skipped 0").contains("next step: Charge it.");
    }
}
