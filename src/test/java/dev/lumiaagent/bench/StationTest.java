package dev.lumiaagent.bench;

import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.job.JobPlans;
import dev.lumiaagent.job.FirmwareFiles;
import dev.lumiaagent.flow.gate.Consent;
import java.util.Optional;
import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.job.JobSettings;
import dev.lumiaagent.job.JobListener;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Station mode on the simulated bus: phones attached over time get the job; the same phone again is left alone. */
class StationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @TempDir
    Path dir;

    private final SimBus bus = new SimBus(AgentClock.scaled(200));
    private final List<String> leftAlone = new CopyOnWriteArrayList<>();
    /** What the station did with each phone it queued: "finished PORT" or "left alone PORT" (notifies on leftAlone). */
    private final List<String> ended = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    private RecordStore store;
    private Station station;

    @AfterEach
    void close() {
        if (station != null) {
            station.close();
        }
        if (store != null) {
            store.close();
        }
        bus.close();
    }

    private static SimPhone phone(String model, String imei, Mode mode) {
        SimPhone p = new SimPhone(SimModels.standard().require(model), imei, "SN" + imei.substring(10), mode, 80, LinkKind.PACKET,
                EnumSet.noneOf(SimFault.class));
        p.uefiApp(dev.lumiaagent.sim.SimUefiApp.FLASH_APP); // a phone in UEFI sits in its flash app until the host talks to it
        return p;
    }

    /** Called with each job's end, before the station's worker has let go of the port (a technician's quick hand). */
    private volatile java.util.function.Consumer<PortPath> onJobFinished = p -> { };

    private Station start(JobSpec job, boolean rerun) {
        store = RecordStores.open("jdbc:sqlite:" + dir.resolve("records.db"));
        JobListener l = new JobListener() {
            @Override
            public void leftAlone(UsbDevice device, String why) {
                synchronized (leftAlone) { // awaitLeftAlone and awaitEnded wait on this event
                    leftAlone.add(device.port() + ": " + why);
                    ended.add("left alone " + device.port());
                    leftAlone.notifyAll();
                }
            }

            @Override
            public void queued(UsbDevice device) {
                queued.incrementAndGet();
            }

            @Override
            public void jobFinished(PortPath port, JobRecord record) {
                onJobFinished.accept(port);
                synchronized (leftAlone) {
                    ended.add("finished " + port);
                    leftAlone.notifyAll();
                }
            }
        };
        JobContext ctx = new JobContext(bus, bus.clock(), new JobSettings(4, 0, Duration.ofSeconds(30), "station-test", "tester"),
                new JobJournal(dir.resolve("jobs")), store, "station-run", l, JobContext.PerJob.NONE, new JobPlans.Means(Consent.given("test"), Optional.of(new FirmwareFiles(s -> { })), s -> { }));
        station = new Station(ctx, job, rerun).start();
        return station;
    }

    /**
     * Found by the station soak (StationSoakBench): a phone swapped in at the moment the previous job on its port
     * ended arrived while the port was still busy, was taken for the old phone's re-enumeration, and never got a job.
     */
    @Test
    void aPhoneSwappedInAsThePortsJobEndsGetsItsJob() throws Exception {
        PortPath p1 = PortPath.of(1, 1);
        bus.attach(p1, phone("RM-1104", "356938035640021", Mode.NORMAL));
        java.util.concurrent.atomic.AtomicBoolean swapped = new java.util.concurrent.atomic.AtomicBoolean();
        onJobFinished = port -> {
            if (swapped.compareAndSet(false, true)) {
                bus.detach(port);
                bus.attach(port, phone("RM-914", "356938035640022", Mode.NORMAL));
            }
        };
        start(new JobSpec.Info(), false);
        assertThat(station.awaitFinished(2, WAIT)).as("the second phone's job ended").isTrue();
        List<JobRecord> jobs = store.jobs(null);
        assertThat(jobs).extracting(r -> r.imei).containsExactlyInAnyOrder("356938035640021", "356938035640022");
        assertThat(jobs).allMatch(JobRecord::succeeded);
    }

    @Test
    void phonesAttachedOverTimeGetTheJobAndTheSamePhoneAgainIsLeftAlone() throws Exception {
        PortPath p1 = PortPath.of(1, 1);
        PortPath p2 = PortPath.of(1, 2);
        bus.attach(p1, phone("RM-914", "356938035640001", Mode.NORMAL));
        start(new JobSpec.Info(), false);
        assertThat(station.awaitFinished(1, WAIT)).isTrue();

        bus.attach(p2, phone("RM-1104", "356938035640002", Mode.UEFI));
        assertThat(station.awaitFinished(2, WAIT)).isTrue();

        // The first phone is unplugged and plugged in again: already done, left alone.
        SimPhone first = bus.detach(p1).orElseThrow();
        bus.attach(p1, first);
        awaitLeftAlone(1);
        assertThat(leftAlone.get(0)).startsWith("1-1: the same phone").contains("--rerun-on-reconnect");
        assertThat(station.finishedJobs()).isEqualTo(2);

        // Another phone on the port that just finished is a new job.
        bus.detach(p1);
        bus.attach(p1, phone("RM-1045", "356938035640003", Mode.NORMAL));
        assertThat(station.awaitFinished(3, WAIT)).isTrue();

        station.stop(WAIT);
        assertThat(station.tally().succeeded()).isEqualTo(3);
        // The flash app does not tell the IMEI: that phone is known by its platform ID and USB serial.
        assertThat(store.jobs(null)).extracting(r -> r.imei != null ? r.imei : r.platformId + "/" + r.usbSerial)
                .containsExactlyInAnyOrder("356938035640001", "Microsoft.MSM8992.P6218.1.0/SN40002", "356938035640003");
        assertThat(store.audit().verify().ok()).isTrue();
    }

    /**
     * A phone with a dead battery re-enumerates as 05C6:F006 every ~8.3 s while it charges (traces/nok/116):
     * the station tells its person once ("charge it") and does not start a new job at every arrival.
     */
    @Test
    void aDeadBatteryPhoneReEnumeratingWhileItChargesHasOneJob() throws Exception {
        PortPath p1 = PortPath.of(1, 1);
        java.util.concurrent.atomic.AtomicInteger arrivals = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch fourMore = new java.util.concurrent.CountDownLatch(5);
        bus.watch(e -> {
            if (e instanceof dev.lumiaagent.transport.BusEvent.Attached && e.device().port().equals(p1)) {
                arrivals.incrementAndGet();
                fourMore.countDown();
            }
        });
        bus.attach(p1, new SimPhone(SimModels.standard().require("RM-914"), "356938035640009", "SN40009", Mode.NORMAL, 0,
                LinkKind.PACKET, EnumSet.of(SimFault.DEAD_BATTERY)));
        start(new JobSpec.Info(), false);
        assertThat(station.awaitFinished(1, WAIT)).isTrue();
        assertThat(fourMore.await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).as("it re-enumerated").isTrue();
        station.stop(WAIT);
        assertThat(arrivals.get()).isGreaterThanOrEqualTo(5);
        assertThat(station.finishedJobs()).isEqualTo(1);
        assertThat(store.jobs(null)).hasSize(1);
    }

    @Test
    void withRerunOnReconnectTheSamePhoneRunsAgain() throws Exception {
        PortPath p1 = PortPath.of(1, 1);
        bus.attach(p1, phone("RM-914", "356938035640001", Mode.NORMAL));
        start(new JobSpec.Info(), true);
        assertThat(station.awaitFinished(1, WAIT)).isTrue();
        SimPhone first = bus.detach(p1).orElseThrow();
        bus.attach(p1, first);
        assertThat(station.awaitFinished(2, WAIT)).isTrue();
        assertThat(leftAlone).isEmpty();
    }

    @Test
    void aSoftResetsOwnRebootsArePartOfTheJobNotNewJobs() throws Exception {
        PortPath p1 = PortPath.of(1, 1);
        bus.attach(p1, phone("RM-1104", "356938035640009", Mode.NORMAL));
        start(new JobSpec.SoftReset(), false);
        assertThat(station.awaitFinished(1, WAIT)).isTrue();
        // The phone left and came back during its job (the reset); after it, nothing runs again. The station
        // heard each of those arrivals before the job did (it subscribed first, and the bus tells its listeners
        // in that order), so once what it heard is decided, every job it queued is known: wait for each to end.
        assertThat(station.awaitDecided(WAIT)).isTrue();
        awaitEnded(queued.get());
        station.stop(WAIT);
        assertThat(ended).as("one job; any other arrival is part of it or left alone").containsOnlyOnce("finished 1-1")
                .allMatch(e -> e.equals("finished 1-1") || e.equals("left alone 1-1"));
        List<JobRecord> jobs = store.jobs(null);
        assertThat(jobs).hasSize(1);
        assertThat(jobs.get(0).outcome).as(jobs.get(0).summary).isEqualTo("DONE");
    }

    @Test
    void aPhoneInAModeTheJobCannotStartFromIsLeftAloneWithTheReason() throws Exception {
        bus.attach(PortPath.of(1, 4), phone("RM-1104", "356938035640004", Mode.EDL_PBL));
        start(new JobSpec.Reflash(new JobSpec.OneFfu(dir.resolve("none.ffu")), "--yes"), false);
        awaitLeftAlone(1);
        assertThat(leftAlone.get(0)).contains("9008");
        assertThat(station.finishedJobs()).isZero();
    }

    private void awaitLeftAlone(int n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (leftAlone) {
            while (leftAlone.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(leftAlone, left);
            }
        }
        assertThat(leftAlone).hasSizeGreaterThanOrEqualTo(n);
    }

    /** Waits until {@code n} queued phones have ended (their job finished, or they were left alone). */
    private void awaitEnded(int n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (leftAlone) {
            while (ended.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(leftAlone, left);
            }
        }
        assertThat(ended).as("every queued phone ended").hasSizeGreaterThanOrEqualTo(n);
    }

    @Test
    void stoppingTheStationInterruptsRunningJobsAndLeavesThemResumable() throws Exception {
        PortPath p1 = PortPath.of(1, 1);
        SimPhone hung = new SimPhone(SimModels.standard().require("RM-1104"), "356938035640007", "SN40007", Mode.NORMAL, 80,
                LinkKind.PACKET, EnumSet.of(SimFault.STALL));
        bus.attach(p1, hung);
        java.util.concurrent.BlockingQueue<String> actions = new java.util.concurrent.LinkedBlockingQueue<>();
        store = RecordStores.open("jdbc:sqlite:" + dir.resolve("records.db"));
        JobListener l = new JobListener() {
            @Override
            public void actionRequired(PortPath port, String step, List<String> instructions) {
                actions.add(step); // nobody is at the bench to press the keys
            }
        };
        JobJournal journal = new JobJournal(dir.resolve("jobs"));
        station = new Station(new JobContext(bus, bus.clock(),
                new JobSettings(2, 0, Duration.ofSeconds(30), "station-test", "tester"), journal, store, "run", l,
                JobContext.PerJob.NONE, new JobPlans.Means(Consent.given("test"), Optional.of(new FirmwareFiles(s -> { })), s -> { })), new JobSpec.SoftReset(), false).start();
        assertThat(actions.poll(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).as("the job waits for a person")
                .isNotNull();

        station.stop(Duration.ZERO);
        assertThat(station.finishedJobs()).isEqualTo(1);
        JobRecord r = store.jobs(null).get(0);
        assertThat(r.outcome).isEqualTo("INTERRUPTED");
        assertThat(journal.running()).hasSize(1); // `lumia-agent resume` finds it
        assertThat(journal.running().get(0).nextStep).isEqualTo("lumia-agent resume");
    }
}
