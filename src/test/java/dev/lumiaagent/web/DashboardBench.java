package dev.lumiaagent.web;

import dev.lumiaagent.bench.Bench;
import dev.lumiaagent.certificate.Tool;
import dev.lumiaagent.flow.HardResetFlow;
import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.job.Certifying;
import dev.lumiaagent.job.FirmwareFiles;
import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobPlans;
import dev.lumiaagent.job.JobSettings;
import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModel;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.sim.SimUefiApp;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import dev.lumiaagent.view.BenchView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A real bench of simulated phones for the dashboard's browser test, in several states at once: two reflashes that
 * move bytes (a bar, a rate, an ETA), a hung phone whose guided hard reset waits for a person's keys (the test
 * presses them when it has seen the instructions), a phone with a low battery that fails with a next step, and
 * quick info jobs that end DONE, one of them on a phone whose model name is markup (it must be shown as text).
 * Its {@link BenchView} is what the server shows; its record store and jobs directory are the history.
 */
final class DashboardBench implements AutoCloseable {
    static final String INJECTED = "<img src=x onerror=alert(1)>";
    static final PortPath REFLASH_1 = PortPath.parse("1-1");
    static final PortPath REFLASH_2 = PortPath.parse("1-2");
    static final PortPath HUNG = PortPath.parse("1-3");
    static final PortPath INFO = PortPath.parse("1-4");
    static final PortPath LOW_BATTERY = PortPath.parse("1-5");
    static final PortPath INJECTING = PortPath.parse("1-6");
    static final String INFO_IMEI = "356938035644004";
    static final String INJECTING_IMEI = "356938035644006";
    static final String REFLASH_IMEI = "356938035644001";
    static final String LOW_BATTERY_IMEI = "356938035644005";
    static final String OPERATOR = "Kim Lee";

    final SimBus bus;
    final BenchView view;
    final RecordStore store;
    final JobJournal journal;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dashboard-bench");
        t.setDaemon(true);
        return t;
    });
    private Future<?> run;

    /** @param speed the simulated clock's speed: slow enough that a browser sees the bars move and the person's wait */
    DashboardBench(Path dir, double speed, long ffuBytes) throws IOException {
        bus = new SimBus(AgentClock.scaled(speed));
        view = new BenchView(bus.clock(), "batch: reflash, hard-reset, info");
        store = RecordStores.open("jdbc:sqlite:" + dir.resolve("records.db"));
        journal = new JobJournal(Files.createDirectories(dir.resolve("jobs")));
        Path library = Files.createDirectories(dir.resolve("firmware"));
        TestPhones.libraryFfu(library, "RM-1104", ffuBytes);
        TestPhones.libraryFfu(library, "RM-1045", ffuBytes);
        TestPhones.libraryFfu(library, "RM-914", ffuBytes);
        JobSpec reflash = new JobSpec.Reflash(new JobSpec.Library(library), "--yes (browser test)");
        JobSpec keys = new JobSpec.HardReset(HardResetFlow.Method.KEYS, Optional.empty(), "--yes (browser test)");
        JobSpec info = new JobSpec.Info();

        List<Bench.Work> work = new ArrayList<>();
        // the reflashed phones write at 4 MiB/s (the phone's pace, bench JSON "writeRateKiBs"): their payload takes
        // seconds, so the page is sent many snapshots of the bar part of the way, also on a loaded machine
        SimPhone first = TestPhones.normal("RM-1104", REFLASH_IMEI);
        first.writeRateKiBs(4096);
        SimPhone second = TestPhones.normal("RM-1045", "356938035644002");
        second.writeRateKiBs(4096);
        add(work, REFLASH_1, first, reflash);
        add(work, REFLASH_2, second, reflash);
        add(work, HUNG, phone(SimModels.standard().require("RM-914"), "356938035644003", 80, EnumSet.of(SimFault.STALL)), keys);
        add(work, INFO, TestPhones.normal("RM-1104", INFO_IMEI), info);
        add(work, LOW_BATTERY, phone(SimModels.standard().require("RM-1045"), LOW_BATTERY_IMEI, 9, EnumSet.noneOf(SimFault.class)), reflash);
        add(work, INJECTING, phone(named(SimModels.standard().require("RM-1104"), INJECTED), INJECTING_IMEI, 80,
                EnumSet.noneOf(SimFault.class)), info);
        this.work = work;
        // an operator and a site named, and the station's key: the reflashed phones get erasure certificates
        ctx = new JobContext(bus, bus.clock(), new JobSettings(work.size(), 0, Duration.ofSeconds(30), "browser-test", "tester")
                .certifiedBy(OPERATOR, "Browser bench"), journal, store, "dashboard-run", view, JobContext.PerJob.NONE,
                new JobPlans.Means(Consent.given("test"), Optional.of(new FirmwareFiles(s -> { })), s -> { }),
                Certifying.open(dir.resolve("keys"), new Tool("lumia-agent", "browser-test")));
    }

    private final List<Bench.Work> work;
    private final JobContext ctx;

    private void add(List<Bench.Work> work, PortPath port, SimPhone phone, JobSpec spec) {
        UsbDevice d = bus.attach(port, phone);
        work.add(new Bench.Work(port, Optional.of(d), r -> Optional.of(r.run(spec, d))));
    }

    private static SimPhone phone(SimModel model, String imei, int battery, Set<SimFault> faults) {
        SimPhone p = new SimPhone(model, imei, "SN" + imei.substring(11), Mode.NORMAL, battery, LinkKind.PACKET, faults);
        p.uefiApp(SimUefiApp.FLASH_APP);
        return p;
    }

    /** The model, its phone telling {@code name} as its model name. */
    private static SimModel named(SimModel m, String name) {
        return new SimModel(m.productType(), m.name(), m.manufacturer(), m.soc(), m.platformId(), m.spec(), m.normal(), m.uefi(),
                m.label(), m.productCodes(), m.emmcSectors(), m.msmHwId(), m.writeLimitKiBs(), m.firmwareVersion(), m.osVersion(),
                m.swVersion(), name, m.hwVersion(), m.simlockActive(), m.flashApp(), m.bootManager(), m.securityFlags(),
                m.chargeCurrentMa(), m.transferSize(), m.writeBufferSize(), m.sources());
    }

    /** Starts every phone's job (in the background). */
    DashboardBench start() {
        run = runner.submit(() -> {
            new Bench(ctx).run(work);
            return null;
        });
        return this;
    }

    /** The person at the hung phone enters the key sequence. */
    void pressKeysOnHungPhone() {
        bus.keyHardReset(HUNG);
    }

    boolean finished() {
        return run != null && run.isDone();
    }

    /** Stops the jobs still running (they end INTERRUPTED, their last checkpoint written), then the bus and the store. */
    @Override
    public void close() {
        runner.shutdownNow();
        try {
            runner.awaitTermination(Bench.STOP_BOUND.toSeconds() + 10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        bus.close();
        store.close();
    }
}
