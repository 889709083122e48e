package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.testing.ServedBench;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.testing.WatchedWriter;
import dev.lumiaagent.transport.PortPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `station` on a served bench that starts empty: phones plugged in over time get the job, one after another. */
class StationServedTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final ServedBench served = new ServedBench();
    private final SimBus bus = served.bus();


    @Test
    @Timeout(120)
    void phonesPluggedInOverTimeEachGetTheJob() throws Exception {
        WatchedWriter shown = new WatchedWriter();
        CompletableFuture<CliRunner.Result> station = CompletableFuture.supplyAsync(() -> CliRunner.run(shown, "station", "info",
                "--bus", served.uri(), "--stop-after", "2", "--store", "jdbc:sqlite:" + dir.resolve("r.db"),
                "--jobs-dir", dir.resolve("jobs").toString()));
        // The station is waiting on an empty bench: it watches the served bus (nothing else does).
        assertThat(bus.awaitWatchers(1, Duration.ofSeconds(60))).as("the station watches the bench").isTrue();
        assertThat(station).isNotDone();
        bus.attach(PortPath.parse("1-1"), TestPhones.normal("RM-914", "356938035642001"));
        // The next phone comes once the station has taken the first.
        shown.awaitText("<1-1> info started", Duration.ofSeconds(60));
        bus.attach(PortPath.parse("1-2"), TestPhones.normal("RM-1045", "356938035642002"));
        CliRunner.Result r = station.get(90, TimeUnit.SECONDS);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("<1-1> DONE", "<1-2> DONE", "IMEI 356938035642001", "IMEI 356938035642002",
                "Station info: 2 phones — Succeeded 2 · Failed 0 · Skipped 0");
    }
}
