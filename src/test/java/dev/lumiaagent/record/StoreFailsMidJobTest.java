package dev.lumiaagent.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import dev.lumiaagent.cli.Main;
import dev.lumiaagent.job.FirmwareFiles;
import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobListener;
import dev.lumiaagent.job.JobPlans;
import dev.lumiaagent.job.JobRunner;
import dev.lumiaagent.job.JobSettings;
import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.job.JobState;
import dev.lumiaagent.job.JobStep;
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
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.AdditionalAnswers;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A reflash on a simulated phone during which the record store fails at step N and comes back at step M (or
 * never): the job goes on with its job file, and the store ends with the job's record complete — every step
 * and gate once, every audit event once, the chain intact — or the job's outcome says what the store lacks and
 * {@code lumia-agent jobs sync} completes it.
 *
 * <p>Only the edge the project does not own is faked: the JDBC connection (a Mockito mock that delegates to the
 * real SQLite connection and fails its commit the way a dropped connection or a full disk does). A database
 * locked by another process is a real second SQLite connection holding {@code BEGIN EXCLUSIVE}.
 */
class StoreFailsMidJobTest {
    private static final PortPath PORT = PortPath.of(1, 1, 1);
    private static final int BUSY_MS = 150;

    @TempDir
    static Path library;
    @TempDir
    Path dir;

    private static SimModel model;
    private static Path ffu;

    private SimBus bus;
    private RecordStore store;
    private Path db;
    private final List<String> notes = new CopyOnWriteArrayList<>();

    /** How the connection fails its commits now. */
    enum Fault {
        NONE,
        /** The next audit append reaches the database, then the connection drops before its answer; down from then. */
        DROP_AT_NEXT_APPEND,
        /** Dropped: every commit fails (and is rolled back). */
        DOWN,
        /** SQLITE_FULL, an IOException (ENOSPC) underneath: every commit fails (and is rolled back). */
        DISK_FULL
    }

    private volatile Fault fault = Fault.NONE;
    private final AtomicInteger connectionsOpened = new AtomicInteger();
    private final AtomicInteger droppedAppends = new AtomicInteger();
    private final AtomicInteger failedCommits = new AtomicInteger();

    @BeforeAll
    static void firmware() throws Exception {
        model = SimModels.standard().all().get(0);
        ffu = TestPhones.libraryFfu(library, model.productType(), 4L << 20);
    }

    @BeforeEach
    void open() {
        db = dir.resolve("records.db");
        store = new JdbcRecordStore(new Database.Sqlite(db.toString(), BUSY_MS, this::failing), Clock.systemUTC());
        bus = SimBench.start(new BenchSpec(200, List.of(new BenchSpec.PhoneSpec(PORT, model, Mode.UEFI, SimUefiApp.FLASH_APP, 80,
                "356938035600001", "SN1", LinkKind.PACKET, EnumSet.noneOf(SimFault.class)))), AgentClock.scaled(200));
    }

    @AfterEach
    void close() {
        store.close();
        bus.close();
    }

    /** The real connection, its commit failing as {@link #fault} says (everything else is the real connection's). */
    private Connection failing(Connection real) {
        connectionsOpened.incrementAndGet();
        Connection c = mock(Connection.class, withSettings().defaultAnswer(AdditionalAnswers.delegatesTo(real)));
        AtomicBoolean appending = new AtomicBoolean();
        try {
            doAnswer(inv -> {
                String sql = inv.getArgument(0);
                if (sql.startsWith("INSERT INTO audit ")) {
                    appending.set(true);
                }
                return real.prepareStatement(sql);
            }).when(c).prepareStatement(anyString());
            doAnswer(inv -> {
                boolean append = appending.getAndSet(false);
                switch (fault) {
                    case DROP_AT_NEXT_APPEND -> {
                        if (append) {
                            real.commit(); // it reached the database; the answer did not come back
                            droppedAppends.incrementAndGet();
                            fault = Fault.DOWN;
                            throw new SQLException("An I/O error occurred while sending to the backend: connection reset", "08006");
                        }
                        real.commit();
                    }
                    case DOWN -> {
                        failedCommits.incrementAndGet();
                        throw new SQLException("This connection has been closed: connection reset", "08003");
                    }
                    case DISK_FULL -> {
                        failedCommits.incrementAndGet();
                        SQLiteException full = new SQLiteException("[SQLITE_FULL] Insertion failed because database is full "
                                + "(database or disk is full)", SQLiteErrorCode.SQLITE_FULL);
                        full.initCause(new IOException("No space left on device"));
                        throw full;
                    }
                    default -> real.commit();
                }
                return null;
            }).when(c).commit();
            doAnswer(inv -> {
                appending.set(false);
                real.rollback();
                return null;
            }).when(c).rollback();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return c;
    }

    /** Runs the reflash; {@code atStep.run(n)} is called after the n-th finished step (its record saved or not). */
    private dev.lumiaagent.record.JobRecord run(java.util.function.IntConsumer atStep) {
        AtomicInteger steps = new AtomicInteger();
        JobListener listener = new JobListener() {
            @Override
            public void stepFinished(PortPath port, String step, boolean ok, String detail) {
                atStep.accept(steps.incrementAndGet());
            }

            @Override
            public void note(String line) {
                notes.add(line);
            }
        };
        JobContext ctx = new JobContext(bus, bus.clock(), new JobSettings(1, 0, Duration.ofSeconds(30), "store-test", "tester"),
                new JobJournal(dir), store, "run-1", listener, JobContext.PerJob.NONE,
                new JobPlans.Means(Consent.given("test"), Optional.of(new FirmwareFiles(s -> { })), s -> { }));
        UsbDevice phone = bus.devices().stream().filter(d -> d.port().equals(PORT)).findFirst().orElseThrow();
        return new JobRunner(ctx).run(new JobSpec.Reflash(new JobSpec.OneFfu(ffu), "--yes"), phone);
    }

    @Test
    void aConnectionThatDropsMidCommitAtStep2AndIsBackAtStep5LeavesTheRecordCompleteAndEachAuditEntryOnce() {
        dev.lumiaagent.record.JobRecord r = run(n -> {
            if (n == 2) {
                fault = Fault.DROP_AT_NEXT_APPEND;
            } else if (n == 5) {
                fault = Fault.NONE;
            }
        });

        assertThat(r.outcome).as(r.summary).isEqualTo("DONE");
        assertThat(droppedAppends).as("an append reached the store and its answer was lost").hasValue(1);
        assertThat(failedCommits).as("the store stayed down for a while").hasPositiveValue();
        assertThat(connectionsOpened.get()).as("the dropped connection was replaced").isGreaterThan(1);
        assertCompleteOnce(r);
        assertThat(notes).anyMatch(l -> l.startsWith("could not record job " + r.jobId) && l.contains("connection reset"));
        assertThat(notes).anyMatch(l -> l.contains("works again"));
    }

    @Test
    void aDiskThatFillsAtStep1AndHasRoomAgainAtStep4LeavesTheRecordCompleteAndEachAuditEntryOnce() {
        dev.lumiaagent.record.JobRecord r = run(n -> {
            if (n == 1) {
                fault = Fault.DISK_FULL;
            } else if (n == 4) {
                fault = Fault.NONE;
            }
        });

        assertThat(r.outcome).as(r.summary).isEqualTo("DONE");
        assertThat(failedCommits).hasPositiveValue();
        assertCompleteOnce(r);
        assertThat(notes).anyMatch(l -> l.contains("SQLITE_FULL"));
    }

    @Test
    void aDatabaseLockedByAnotherProgramFromStep2ToStep4LeavesTheRecordCompleteAndEachAuditEntryOnce() throws Exception {
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            AtomicBoolean locked = new AtomicBoolean();
            dev.lumiaagent.record.JobRecord r = run(n -> {
                try (Statement st = other.createStatement()) {
                    if (n == 2) {
                        st.execute("BEGIN EXCLUSIVE"); // another program holds the database from here
                        locked.set(true);
                    } else if (n == 4) {
                        st.execute("COMMIT");
                    }
                } catch (SQLException e) {
                    throw new AssertionError(e);
                }
            });

            assertThat(locked).isTrue();
            assertThat(r.outcome).as(r.summary).isEqualTo("DONE");
            assertCompleteOnce(r);
            assertThat(notes).anyMatch(l -> l.startsWith("could not record job " + r.jobId) && l.contains("SQLITE_BUSY"));
        }
    }

    @Test
    void aStoreThatNeverComesBackIsSaidInTheOutcomeAndJobsSyncCompletesTheRecordOnceItIsBack() throws Exception {
        dev.lumiaagent.record.JobRecord r = run(n -> {
            if (n == 3) {
                fault = Fault.DISK_FULL;
            }
        });

        // The job went on and ended with its job file complete.
        assertThat(r.outcome).as(r.summary).isEqualTo("DONE");
        Job file = new JobJournal(dir).load(r.jobId).orElseThrow();
        assertThat(file.state).isEqualTo(JobState.DONE);
        assertThat(file.runs.get(0).steps.stream().map(JobStep::name).toList())
                .isEqualTo(r.steps.stream().map(JobRecord.StepRecord::name).toList());
        // The outcome says what the store lacks and how to finish it.
        assertThat(r.notRecorded).contains(store.describe()).contains("SQLITE_FULL").contains("the job's last state (DONE")
                .contains("finished").contains(UnrecordedJob.SYNC_COMMAND);
        assertThat(notes).anyMatch(l -> l.contains("its record is not complete") && l.contains(UnrecordedJob.SYNC_COMMAND));
        dev.lumiaagent.bench.Tally tally = new dev.lumiaagent.bench.Tally();
        tally.add(r);
        assertThat(tally.line()).isEqualTo("Succeeded 1 · Failed 0 · Skipped 0 · Not recorded 1");
        assertThat(tally.notRecorded()).containsExactly(r);
        Path waiting = UnrecordedJob.file(dir, r.jobId);
        assertThat(waiting).exists();
        // The store lacks the end: the record it holds stops before the outage.
        fault = Fault.NONE;
        JobRecord stored = store.job(r.jobId).orElseThrow();
        assertThat(stored.outcome).isNull();
        assertThat(stored.steps).hasSizeLessThan(r.steps.size());

        // A sync while the disk is still full says so and keeps the file.
        fault = Fault.DISK_FULL;
        List<UnrecordedJob.Synced> still = UnrecordedJob.sync(dir, store);
        assertThat(still).singleElement().satisfies(s -> {
            assertThat(s.done()).isFalse();
            assertThat(s.what()).startsWith("still lacks the job's last state").contains("SQLITE_FULL");
        });
        assertThat(waiting).exists();
        store.close();
        String url = "jdbc:sqlite:" + db;

        // Back: jobs sync completes the record, once.
        fault = Fault.NONE;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"jobs", "sync", "--jobs-dir", dir.toString(), "--store", url},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("job " + r.jobId + ": recorded").contains("1 job record(s) completed");
        assertThat(waiting).doesNotExist();
        store = new JdbcRecordStore(new Database.Sqlite(db.toString(), BUSY_MS, this::failing), Clock.systemUTC());
        assertCompleteOnce(r);
        // Again: nothing waits, nothing is doubled.
        out = new StringWriter();
        assertThat(Main.run(new String[] {"jobs", "sync", "--jobs-dir", dir.toString(), "--store", url},
                new PrintWriter(out, true), new PrintWriter(err, true))).isZero();
        assertThat(out.toString()).contains("nothing waits");
        assertCompleteOnce(r);
    }

    /** The store holds the job as it ended — every step and gate once — and its audit events once each, in order, chain intact. */
    private void assertCompleteOnce(dev.lumiaagent.record.JobRecord r) {
        fault = Fault.NONE;
        JobRecord stored = store.job(r.jobId).orElseThrow();
        assertThat(stored.outcome).isEqualTo(r.outcome);
        assertThat(stored.summary).isEqualTo(r.summary);
        assertThat(stored.ended).isEqualTo(r.ended);
        assertThat(stored.steps).isEqualTo(r.steps);
        assertThat(stored.gates).isEqualTo(r.gates);
        assertThat(r.steps).hasSizeGreaterThan(5);
        Job file = new JobJournal(dir).load(r.jobId).orElseThrow();
        assertThat(stored.steps.stream().map(JobRecord.StepRecord::name).toList())
                .isEqualTo(file.runs.stream().flatMap(run -> run.steps.stream()).map(JobStep::name).toList());

        List<String> expected = new ArrayList<>();
        expected.add("started");
        r.gates.forEach(g -> expected.add("gate " + g.gate() + " " + g.verdict() + ": " + g.detail()));
        expected.add("finished " + r.outcome + ": " + r.summary);
        List<String> audited = store.audit().entriesOf(r.jobId, 0).stream()
                .map(e -> e.event() + (e.event().equals("started") ? "" : " " + e.detail())).toList();
        assertThat(audited).isEqualTo(expected);
        AuditLog.AuditVerification v = store.audit().verify();
        assertThat(v.ok()).as(v.problem()).isTrue();
    }
}
