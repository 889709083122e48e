package dev.lumiaagent.bench;

import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.job.JobPlans;
import dev.lumiaagent.job.FirmwareFiles;
import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.job.JobSettings;
import dev.lumiaagent.job.JobListener;
import com.sun.management.OperatingSystemMXBean;
import dev.lumiaagent.firmware.FirmwareLibrary;
import dev.lumiaagent.flow.ReflashFlow;
import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.image.ffu.FfuBuilder;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.sim.BenchSpec;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBench;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModel;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimStorage;
import dev.lumiaagent.sim.SimUefiApp;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.discovery.Mode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue #8's target, measured: N simulated phones (default 32) in mixed models, half in normal mode and
 * half in their flash app, all reflashed at once by the real bench engine ({@link Bench#batch}) at
 * clock speed 1 (real time), each phone's eMMC writing at 8 MiB/s ({@code writeRateKiBs} 8192) and
 * keeping only a digest of what it gets ({@link SimStorage#DIGEST}), so the simulated phones' heap is
 * a few objects each. Each phone gets a 256 MiB FFU for its model (every block non-zero, built once
 * into a library directory and kept there). Records go to a real SQLite store, checkpoints to a real
 * job journal. The Lumia 520 is left out: the agent paces it to 5 MB/s by design (its write limit).
 *
 * <p>Prints per-phone WriteChunks throughput, the tally, wall time, process CPU (and the part spent on
 * the simulator's own threads), peak heap, live heap after a GC while every phone writes, and threads.
 * Not a test: run it by hand, with the target's heap:
 * {@code mvn -B -P bench test-compile exec:exec -Dbench.main=dev.lumiaagent.bench.BenchScaleBench -Dbench.args="32 /tmp/lumia-scale-ffus [mib]"}
 */
public final class BenchScaleBench {
    static final int RATE_KIBS = 8192;

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        Path lib = Path.of(args.length > 1 ? args[1] : System.getProperty("java.io.tmpdir") + "/lumia-scale-ffus");
        long mib = args.length > 2 ? Long.parseLong(args[2]) : 256;
        // Every model, the Lumia 520 (RM-914) among them: the agent paces it to its 5 MB/s write limit by design,
        // so its phones are reported apart from the ones that write at their eMMC's rate.
        List<SimModel> models = new ArrayList<>(SimModels.standard().all());
        Map<PortPath, SimModel> modelOf = new java.util.HashMap<>();
        buildLibrary(lib, models, mib);

        List<BenchSpec.PhoneSpec> phones = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PortPath port = PortPath.of(1, i / 7 + 1, i % 7 + 1);
            Mode mode = i % 2 == 0 ? Mode.NORMAL : Mode.UEFI;
            modelOf.put(port, models.get(i % models.size()));
            phones.add(new BenchSpec.PhoneSpec(port, models.get(i % models.size()), mode, SimUefiApp.FLASH_APP, 80,
                    luhn(String.format("35693803%06d", i)), "SN" + i, LinkKind.PACKET, EnumSet.noneOf(SimFault.class))
                    .withEmmc(RATE_KIBS, SimStorage.DIGEST));
        }
        BenchSpec spec = new BenchSpec(1, phones);

        Path work = Files.createTempDirectory("lumia-scale-run");
        Map<PortPath, long[]> write = new ConcurrentHashMap<>();
        AtomicInteger writing = new AtomicInteger();
        JobListener timer = new JobListener() {
            @Override
            public void stepStarted(PortPath port, String step, String description, Duration bound) {
                if (step.equals(ReflashFlow.WRITE_CHUNKS)) {
                    write.put(port, new long[] {System.nanoTime(), 0});
                    writing.incrementAndGet();
                }
            }

            @Override
            public void stepFinished(PortPath port, String step, boolean ok, String detail) {
                if (step.equals(ReflashFlow.WRITE_CHUNKS)) {
                    write.get(port)[1] = ok ? System.nanoTime() : -1;
                    writing.decrementAndGet();
                }
            }
        };

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Sampler sampler = new Sampler(threads, writing, n);
        System.gc();
        long heapBefore = usedHeap();
        int threadsBefore = threads.getThreadCount();
        threads.resetPeakThreadCount();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        sampler.start();
        Tally tally;
        SimBus bus = SimBench.start(spec, AgentClock.scaled(spec.clockSpeed()));
        try (RecordStore store = RecordStores.open("jdbc:sqlite:" + work.resolve("records.db"))) {
            JobSpec job = new JobSpec.Reflash(new JobSpec.Library(lib), "--yes");
            JobContext ctx = new JobContext(bus, bus.clock(),
                    new JobSettings(n, 0, Duration.ofSeconds(60), "scale-bench", "bench"), new JobJournal(work.resolve("jobs")),
                    store, "scale-" + n, timer, JobContext.PerJob.NONE, new JobPlans.Means(Consent.given("test"), Optional.of(new FirmwareFiles(s -> { })), s -> { }));
            tally = new Bench(ctx).batch(job, Optional.empty());
        } finally {
            bus.close();
        }
        long wallNanos = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        sampler.stop();
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }

        List<Double> mbps = new ArrayList<>();
        int unfinished = 0;
        long payload;
        try (FfuFile f = FfuFile.open(lib.resolve(models.get(0).productType() + ".ffu"))) {
            payload = f.image().payloadSize(); // the same for every model: the same disk size, every block non-zero
        }
        List<Double> paced = new ArrayList<>();
        for (Map.Entry<PortPath, long[]> e : write.entrySet()) {
            long[] w = e.getValue();
            if (w[1] > 0) {
                (modelOf.get(e.getKey()).writeLimitKiBs() > 0 ? paced : mbps).add(payload / 1e6 / ((w[1] - w[0]) / 1e9));
            } else {
                unfinished++;
            }
        }
        Collections.sort(paced);
        Collections.sort(mbps);
        Map<String, Integer> outcomes = new TreeMap<>();
        for (JobRecord r : tally.jobs()) {
            outcomes.merge(r.outcome, 1, Integer::sum);
        }
        double rateMBs = RATE_KIBS * 1024 / 1e6;
        System.out.printf("java %s, %d cores, -Xmx %d MiB, GC %s%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
        System.out.printf("phones: %d (%d models, half normal, half flash app), --max-parallel %d, clock 1x, eMMC %d KiB/s = %.2f MB/s each, FFU payload %d MiB (%d bytes)%n",
                n, models.size(), n, RATE_KIBS, rateMBs, mib, payload);
        System.out.printf("tally: %s; outcomes %s%n", tally.line(), outcomes);
        if (mbps.isEmpty()) {
            System.out.println("WriteChunks: no phone finished its write");
        } else {
            System.out.printf("WriteChunks per phone: min %.2f / median %.2f / max %.2f MB/s (%d phones, %d unfinished); min is %.1f %% of the eMMC's rate%n",
                    mbps.get(0), mbps.get(mbps.size() / 2), mbps.get(mbps.size() - 1), mbps.size(), unfinished,
                    100 * mbps.get(0) / rateMBs);
        }
        if (!paced.isEmpty()) {
            System.out.printf("WriteChunks of the phones with a write limit (RM-914, paced by the agent to its 5 MB/s): min %.2f / max %.2f MB/s (%d phones)%n",
                    paced.get(0), paced.get(paced.size() - 1), paced.size());
        }
        System.out.printf("wall: %.1f s; phones writing at once, max: %d%n", wallNanos / 1e9, sampler.maxWriting);
        System.out.printf("process CPU: %.1f s = %.2f s per phone (%.1f %% of one core per phone over the run)%n", cpu / 1e9,
                cpu / 1e9 / n, 100.0 * cpu / wallNanos / n);
        System.out.printf("  of which simulator threads (sim-*: the phones' firmware, block hashes, bus): %.1f s; the rest (agent, JIT, GC): %.1f s = %.2f s per phone%n",
                sampler.simCpu() / 1e9, (cpu - sampler.simCpu()) / 1e9, (cpu - sampler.simCpu()) / 1e9 / n);
        System.out.printf("  agent threads by name: %s%n", sampler.agentCpuByGroup());
        System.out.printf("threads: %d before, peak %d (ThreadMXBean); at the sample with most: %d sim-*, %d others; (peak - before) / phone = %.2f%n",
                threadsBefore, threads.getPeakThreadCount(), sampler.simAtPeak, sampler.otherAtPeak,
                (threads.getPeakThreadCount() - threadsBefore) / (double) n);
        System.out.printf("RSS: peak %s, now %s (VmHWM / VmRSS of /proc/self/status)%n", procStatus("VmHWM"), procStatus("VmRSS"));
        System.out.printf("heap: before %.1f MiB; live after a GC with %d phones writing: %.1f MiB (%.2f MiB per phone over before); peak (sum of heap pools' peaks) %.1f MiB%n",
                heapBefore / 1048576.0, sampler.writingAtGc, sampler.liveHeap / 1048576.0,
                (sampler.liveHeap - heapBefore) / 1048576.0 / Math.max(1, sampler.writingAtGc), peakHeap / 1048576.0);
        if (tally.succeeded() != n) {
            for (JobRecord r : tally.jobs()) {
                if (!r.succeeded()) {
                    System.out.printf("  %s %s: %s%n", r.port, r.outcome, r.summary);
                }
            }
        }
    }

    private static void buildLibrary(Path lib, List<SimModel> models, long mib) throws Exception {
        Files.createDirectories(lib);
        for (SimModel m : models) {
            Path out = lib.resolve(m.productType() + ".ffu");
            Path marker = lib.resolve(m.productType() + ".ffu." + mib + "m");
            if (Files.exists(out) && Files.exists(marker)) {
                continue;
            }
            long t = System.nanoTime();
            try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                new FfuBuilder().platformId(m.platformId()).osVersion(m.osVersion()).build(new ImageVerifyBench.FullDisk(mib << 20), ch);
            }
            Files.writeString(marker, "");
            System.out.printf("built %s (%d MiB disk) in %.1f s%n", out, mib, (System.nanoTime() - t) / 1e9);
        }
    }

    private static long usedHeap() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                used += pool.getUsage().getUsed();
            }
        }
        return used;
    }

    private static String luhn(String body14) {
        int sum = 0;
        for (int i = 0; i < 14; i++) {
            int d = body14.charAt(13 - i) - '0';
            if (i % 2 == 0) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return body14 + (10 - sum % 10) % 10;
    }

    /**
     * Every 250 ms: each live thread's CPU time (so threads that end are still counted, to within a
     * sample), the thread counts by kind, and once — when every phone has been writing for 5 s — a GC
     * followed by the heap in use: the live set with the whole bench mid-write.
     */
    static final class Sampler implements Runnable {
        private final ThreadMXBean threads;
        private final AtomicInteger writing;
        private final int phones;
        private final Map<Long, String> names = new ConcurrentHashMap<>();
        private final Map<Long, Long> cpu = new ConcurrentHashMap<>();
        private final Thread thread = new Thread(this, "bench-sampler");
        private volatile boolean stop;
        volatile int maxWriting;
        volatile int simAtPeak;
        volatile int otherAtPeak;
        volatile long liveHeap;
        volatile int writingAtGc;
        private long allWritingSince;

        Sampler(ThreadMXBean threads, AtomicInteger writing, int phones) {
            this.threads = threads;
            this.writing = writing;
            this.phones = phones;
            thread.setDaemon(true);
        }

        void start() {
            for (long id : threads.getAllThreadIds()) {
                long c = threads.getThreadCpuTime(id);
                if (c > 0) {
                    cpu.put(id, -c); // only what they spend from now on
                }
            }
            baseline.putAll(cpu);
            cpu.clear();
            thread.start();
        }

        private final Map<Long, Long> baseline = new ConcurrentHashMap<>();

        void stop() throws InterruptedException {
            stop = true;
            thread.join();
            sample();
        }

        @Override
        public void run() {
            while (!stop) {
                sample();
                int w = writing.get();
                if (liveHeap == 0 && w == phones) {
                    if (allWritingSince == 0) {
                        allWritingSince = System.nanoTime();
                    } else if (System.nanoTime() - allWritingSince > 5_000_000_000L) {
                        System.gc();
                        writingAtGc = writing.get();
                        liveHeap = usedHeap();
                    }
                }
                try {
                    // time is the subject: the sampler's period (CPU time, heap and writers every 250 ms)
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void sample() {
            int w = writing.get();
            maxWriting = Math.max(maxWriting, w);
            int sim = 0;
            int other = 0;
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long id = info.getThreadId();
                long c = threads.getThreadCpuTime(id);
                if (c >= 0) {
                    names.put(id, info.getThreadName());
                    cpu.put(id, c + baseline.getOrDefault(id, 0L));
                }
                if (info.getThreadName().startsWith("sim-")) {
                    sim++;
                } else {
                    other++;
                }
            }
            if (sim + other > simAtPeak + otherAtPeak) {
                simAtPeak = sim;
                otherAtPeak = other;
            }
        }

        long simCpu() {
            long sum = 0;
            for (Map.Entry<Long, Long> e : cpu.entrySet()) {
                if (names.get(e.getKey()).startsWith("sim-")) {
                    sum += e.getValue();
                }
            }
            return sum;
        }

        /** CPU seconds of the other threads, grouped by name with digits and port paths folded. */
        String agentCpuByGroup() {
            Map<String, Long> groups = new TreeMap<>();
            for (Map.Entry<Long, Long> e : cpu.entrySet()) {
                String name = names.get(e.getKey());
                if (!name.startsWith("sim-") && e.getValue() > 0) {
                    groups.merge(name.replaceAll("[0-9][0-9.\\-]*", "#"), e.getValue(), Long::sum);
                }
            }
            StringBuilder b = new StringBuilder();
            groups.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .filter(e -> e.getValue() > 50_000_000L)
                    .forEach(e -> b.append(String.format("%s %.1f s; ", e.getKey(), e.getValue() / 1e9)));
            return b.toString();
        }
    }

    private BenchScaleBench() {
    }

    /** A field of /proc/self/status ("123456 kB" → "120.6 MiB"), or "n/a" off Linux. */
    static String procStatus(String field) {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    long kb = Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                    return String.format("%.1f MiB", kb / 1024.0);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return "n/a";
    }
}
