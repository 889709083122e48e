package dev.lumiaagent.bench;

import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.job.FirmwareFiles;
import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobListener;
import dev.lumiaagent.job.JobPlans;
import dev.lumiaagent.job.JobSettings;
import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.sim.RemoteSimBus;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimServer;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue "Step 4 of 7": a station taking N phones (default 1,000) plugged in and out over time, on a bench
 * served on loopback (the agent reaches it over {@code sim://}, as a station on a real bench reaches its
 * USB bus through one adapter) at a high clock speed. Each phone is a new phone (its own IMEI) plugged
 * into a free port; when its job has ended it is unplugged and the port takes the next. Every
 * {@code N/10} phones the heap after a GC, the live threads and the open file descriptors are sampled:
 * a station that leaks grows in one of them. Not a test: run it by hand,
 * {@code mvn -B -P bench test-compile exec:exec -Dbench.main=dev.lumiaagent.bench.StationSoakBench -Dbench.args="1000 8 soft-reset"}
 * (phones, ports, job: info or soft-reset).
 */
public final class StationSoakBench {
    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int ports = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        String job = args.length > 2 ? args[2] : "soft-reset";
        JobSpec spec = job.equals("info") ? new JobSpec.Info() : new JobSpec.SoftReset();
        Path work = Files.createTempDirectory("lumia-soak");
        SimBus served = new SimBus(AgentClock.scaled(2000));
        List<String> samples = new ArrayList<>();
        BlockingQueue<String> freed = new LinkedBlockingQueue<>();
        AtomicInteger ended = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long t0 = System.nanoTime();
        try (SimServer server = SimServer.start(served, 0);
             RemoteSimBus bus = RemoteSimBus.connect(server.uri());
             RecordStore store = RecordStores.open("jdbc:sqlite:" + work.resolve("records.db"))) {
            JobListener l = new JobListener() {
                @Override
                public void jobFinished(PortPath port, JobRecord record) {
                    if (!record.succeeded()) {
                        failed.incrementAndGet();
                        System.out.println("  " + port + " " + record.outcome + ": " + record.summary);
                    }
                    ended.incrementAndGet();
                    freed.add(port.toString());
                }
            };
            JobContext ctx = new JobContext(bus, served.clock(), new JobSettings(ports, 0, Duration.ofSeconds(30), "soak", "bench"),
                    new JobJournal(work.resolve("jobs")), store, "soak", l, JobContext.PerJob.NONE,
                    new JobPlans.Means(Consent.given("soak"), Optional.of(new FirmwareFiles(s -> { })), s -> { }));
            Station station = new Station(ctx, spec, false).start();
            sample(samples, 0, t0);
            int plugged = 0;
            for (int p = 1; p <= ports && plugged < total; p++) {
                plug(served, "1-" + p, ++plugged);
            }
            int lastSample = 0;
            while (ended.get() < total) {
                String port = freed.poll(120, TimeUnit.SECONDS);
                if (port == null) {
                    System.out.println("no job ended within 120 s: stuck at " + ended.get() + " of " + total);
                    break;
                }
                served.detach(PortPath.parse(port));
                if (plugged < total) {
                    plug(served, port, ++plugged);
                }
                if (ended.get() - lastSample >= Math.max(1, total / 10)) {
                    lastSample = ended.get();
                    sample(samples, lastSample, t0);
                }
            }
            station.stop(Duration.ofSeconds(30));
            sample(samples, ended.get(), t0);
        } finally {
            served.close();
        }
        System.out.printf("station soak: %d phones (%s) through %d ports, clock 2000x, java %s%n", total, spec.command(), ports,
                System.getProperty("java.version"));
        System.out.printf("ended %d, not DONE %d, wall %.1f s%n", ended.get(), failed.get(), (System.nanoTime() - t0) / 1e9);
        System.out.println("| phones ended | wall s | live heap after GC (MiB) | threads | open fds | RSS (MiB) |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        samples.forEach(System.out::println);
    }

    private static void plug(SimBus bus, String port, int n) {
        bus.attach(PortPath.parse(port), TestPhones.normal("RM-1104", String.format("35693803%07d", n)));
    }

    private static void sample(List<String> samples, int ended, long t0) {
        System.gc();
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        double heap = mem.getHeapMemoryUsage().getUsed() / 1048576.0;
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        long fds;
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            fds = s.count();
        } catch (java.io.IOException e) {
            fds = -1;
        }
        samples.add(String.format("| %d | %.1f | %.1f | %d | %d | %s |", ended, (System.nanoTime() - t0) / 1e9, heap, threads, fds,
                BenchScaleBench.procStatus("VmRSS").replace(" MiB", "")));
    }
}
