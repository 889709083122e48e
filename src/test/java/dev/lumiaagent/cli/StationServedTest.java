package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimServer;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `station` on a served bench that starts empty: phones plugged in over time get the job, one after another. */
class StationServedTest {
    @TempDir
    Path dir;

    private final SimBus bus = new SimBus(AgentClock.scaled(200));
    private SimServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        bus.close();
    }


    @Test
    @Timeout(120)
    void phonesPluggedInOverTimeEachGetTheJob() throws Exception {
        server = SimServer.start(bus, 0);
        CompletableFuture<CliRunner.Result> station = CompletableFuture.supplyAsync(() -> CliRunner.run("station", "info",
                "--bus", server.uri(), "--stop-after", "2", "--store", "jdbc:sqlite:" + dir.resolve("r.db"),
                "--jobs-dir", dir.resolve("jobs").toString()));
        Thread.sleep(500); // the station is waiting on an empty bench
        assertThat(station).isNotDone();
        bus.attach(PortPath.parse("1-1"), TestPhones.normal("RM-914", "356938035642001"));
        Thread.sleep(500);
        bus.attach(PortPath.parse("1-2"), TestPhones.normal("RM-1045", "356938035642002"));
        CliRunner.Result r = station.get(90, TimeUnit.SECONDS);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("<1-1> DONE", "<1-2> DONE", "IMEI 356938035642001", "IMEI 356938035642002",
                "Station info: 2 phones — Succeeded 2 · Failed 0 · Skipped 0");
    }
}
