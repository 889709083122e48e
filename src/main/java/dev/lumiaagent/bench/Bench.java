package dev.lumiaagent.bench;

import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.job.JobRunner;
import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A batch: the job on every phone on the chosen ports now, one worker per port, at most
 * {@code maxParallel} at once (the others queue in port order), each job ending in a record, and a
 * closing {@link Tally}. A phone that fails (or is pulled out) fails its own job only.
 */
public final class Bench {
    /**
     * How long a stopped bench waits for its interrupted jobs to write their last checkpoint and record:
     * a flow notices the interrupt at its next transfer or wait, each bounded by seconds.
     */
    public static final java.time.Duration STOP_BOUND = java.time.Duration.ofSeconds(10);

    private final JobContext ctx;
    private final Tally tally = new Tally();

    public Bench(JobContext ctx) {
        this.ctx = ctx;
    }

    /** One phone's share of a run: its port (and the phone when it is on the bus), and the job to run there. */
    public record Work(PortPath port, Optional<UsbDevice> device, java.util.function.Function<JobRunner, Optional<JobRecord>> job) {
    }

    /** The jobs that ended so far (all of them once {@link #batch} returned; those recorded when it was interrupted). */
    public Tally tally() {
        return tally;
    }

    /**
     * Runs the job on the phones on {@code ports} (every phone on the bus when empty). A port asked for
     * with no phone on it is counted as skipped. Interrupting the calling thread stops the workers: their
     * flows end INTERRUPTED and the jobs stay resumable.
     */
    public Tally batch(JobSpec spec, Optional<Set<PortPath>> ports) throws InterruptedException {
        List<UsbDevice> devices = new ArrayList<>(ctx.bus().devices());
        devices.sort(Comparator.comparing(d -> d.port().toString()));
        if (ports.isPresent()) {
            devices.removeIf(d -> !ports.get().contains(d.port()));
            for (PortPath p : ports.get()) {
                if (devices.stream().noneMatch(d -> d.port().equals(p))) {
                    tally.emptyPort(p.toString());
                    ctx.listener().note("no phone on port " + p + " (skipped)");
                }
            }
        }
        List<Work> work = new ArrayList<>();
        for (UsbDevice d : devices) {
            work.add(new Work(d.port(), Optional.of(d), runner -> Optional.of(runner.run(spec, d))));
        }
        return run(work);
    }

    /**
     * Runs each phone's work, one worker per phone, at most {@code maxParallel} at once (the others queue in
     * the given order): what a batch does for one spec, and what {@code resume} does for each phone's own job.
     */
    public Tally run(List<Work> work) throws InterruptedException {
        if (work.isEmpty()) {
            return tally;
        }
        AtomicInteger seq = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(Math.min(ctx.settings().maxParallel(), work.size()), r -> {
            Thread t = new Thread(r, "bench-worker-" + seq.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<Future<Optional<JobRecord>>> futures = new ArrayList<>();
        // Ports whose worker has not begun: what is left here when the run is stopped was never touched.
        Set<PortPath> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();
        JobRunner runner = new JobRunner(ctx);
        try {
            for (Work w : work) {
                w.device().ifPresent(d -> ctx.listener().queued(d));
                waiting.add(w.port());
                futures.add(workers.submit(() -> {
                    waiting.remove(w.port());
                    Thread.currentThread().setName("bench " + w.port());
                    Optional<JobRecord> r = w.job().apply(runner);
                    r.ifPresent(tally::add);
                    return r;
                }));
            }
            for (Future<Optional<JobRecord>> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    // The runner never throws; a worker that still did is a bug, reported with the others.
                    ctx.listener().note("a bench worker failed: " + e.getCause());
                }
            }
        } catch (InterruptedException e) {
            List<Runnable> neverRan = workers.shutdownNow();
            ctx.listener().note("stopping: the running jobs stay resumable (`lumia-agent resume --port P`); "
                    + neverRan.size() + " queued not started");
            // Bounded: an interrupted flow ends within a transfer's timeout; the shutdown hook waits a little longer (BenchRun).
            workers.awaitTermination(STOP_BOUND.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            waiting.stream().map(PortPath::toString).forEach(tally::notStarted);
            throw e;
        } finally {
            workers.shutdownNow();
        }
        return tally;
    }
}
