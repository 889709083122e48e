package dev.lumiaagent.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.job.FirmwareFiles;
import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobListener;
import dev.lumiaagent.job.JobPlans;
import dev.lumiaagent.job.JobRunner;
import dev.lumiaagent.job.JobSettings;
import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.job.UnrecordedJob;
import dev.lumiaagent.sim.BenchSpec;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBench;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModel;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimUefiApp;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet's case, with nothing faked: a reflash whose PostgreSQL store loses its connections at step 2 (the
 * server terminates them) and refuses new ones until step 4; the record ends complete, each audit entry once.
 */
class StoreFailsOnPostgresTest {
    private static final PortPath PORT = PortPath.of(1, 1, 1);
    static EmbeddedPostgres postgres;

    @TempDir
    static Path library;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static String url(String db) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + db + "?user=postgres";
    }

    private static void admin(String... statements) {
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void connectionsDroppedAtStep2AndRefusedUntilStep4LeaveTheRecordCompleteAndEachAuditEntryOnce() throws Exception {
        SimModel model = SimModels.standard().all().get(0);
        Path ffu = TestPhones.libraryFfu(library, model.productType(), 4L << 20);
        admin("CREATE DATABASE store_fails");
        List<String> notes = new CopyOnWriteArrayList<>();
        AtomicInteger steps = new AtomicInteger();
        JobListener listener = new JobListener() {
            @Override
            public void stepFinished(PortPath port, String step, boolean ok, String detail) {
                int n = steps.incrementAndGet();
                if (n == 2) {
                    admin("ALTER DATABASE store_fails ALLOW_CONNECTIONS false",
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'store_fails'");
                } else if (n == 4) {
                    admin("ALTER DATABASE store_fails ALLOW_CONNECTIONS true");
                }
            }

            @Override
            public void note(String line) {
                notes.add(line);
            }
        };
        try (RecordStore store = RecordStores.open(url("store_fails"));
             SimBus bus = SimBench.start(new BenchSpec(200, List.of(new BenchSpec.PhoneSpec(PORT, model, Mode.UEFI, SimUefiApp.FLASH_APP,
                     80, "356938035600002", "SN2", LinkKind.PACKET, EnumSet.noneOf(SimFault.class)))), AgentClock.scaled(200))) {
            JobContext ctx = new JobContext(bus, bus.clock(), new JobSettings(1, 0, Duration.ofSeconds(30), "pg-test", "tester"),
                    new JobJournal(dir), store, "run-1", listener, JobContext.PerJob.NONE,
                    new JobPlans.Means(Consent.given("test"), Optional.of(new FirmwareFiles(s -> { })), s -> { }));
            UsbDevice phone = bus.devices().stream().filter(d -> d.port().equals(PORT)).findFirst().orElseThrow();

            JobRecord r = new JobRunner(ctx).run(new JobSpec.Reflash(new JobSpec.OneFfu(ffu), "--yes"), phone);

            assertThat(r.outcome).as(r.summary).isEqualTo("DONE");
            assertThat(notes).anyMatch(l -> l.startsWith("could not record job " + r.jobId));
            assertThat(notes).anyMatch(l -> l.contains("works again"));
            assertThat(r.notRecorded).isNull();
            assertThat(UnrecordedJob.files(dir)).isEmpty();
            JobRecord stored = store.job(r.jobId).orElseThrow();
            assertThat(stored.steps).isEqualTo(r.steps);
            assertThat(stored.gates).isEqualTo(r.gates);
            assertThat(stored.outcome).isEqualTo("DONE");
            List<String> expected = new ArrayList<>();
            expected.add("started");
            r.gates.forEach(g -> expected.add("gate " + g.gate() + " " + g.verdict() + ": " + g.detail()));
            expected.add("finished DONE: " + r.summary);
            assertThat(store.audit().entriesOf(r.jobId, 0)).extracting(e -> e.event() + (e.event().equals("started") ? "" : " " + e.detail()))
                    .isEqualTo(expected);
            assertThat(store.audit().verify().ok()).isTrue();
        }
    }
}
