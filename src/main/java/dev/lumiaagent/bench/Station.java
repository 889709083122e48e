package dev.lumiaagent.bench;

import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.device.PhoneIdentity;
import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.job.JobIdentity;
import dev.lumiaagent.job.JobRunner;
import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.time.Deadline;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Station mode, "plug in and it runs": every phone that attaches in a personality the job can start
 * from gets the job, at most {@code maxParallel} at once. While a port's job runs, the phone's own
 * re-enumerations on that port are part of the job. After it, the same phone attaching again (same
 * IMEI / public ID, or USB serial when those cannot be read) is left alone unless
 * {@code rerunOnReconnect}; another phone on that port is a new job. A skipped phone is considered again
 * when it re-attaches (its firmware may have been added meanwhile).
 */
public final class Station implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Station.class);
    private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    /** @param deadBattery the phone was in 05C6:F006 (dead-battery emergency charging) when its job ran */
    private record Done(JobIdentity identity, String outcome, Instant at, boolean deadBattery) {
    }

    private final JobContext ctx;
    private final JobSpec spec;
    private final boolean rerunOnReconnect;
    private final Tally tally = new Tally();
    private final Set<PortPath> busy = new HashSet<>();
    /** Ports queued for a worker whose job has not begun: those left when the station stops were never touched. */
    private final Set<PortPath> waiting = new HashSet<>();
    private final Map<PortPath, Done> lastDone = new HashMap<>();
    /**
     * Ports where a phone attached while their job ran: its own re-enumeration, or another phone put in just as
     * the job ended (the technician's next one). Looked at again when the job ends, quietly for the job's phone.
     */
    private final Set<PortPath> arrivedWhileBusy = new HashSet<>();
    private final AtomicInteger finished = new AtomicInteger();
    private final ExecutorService decisions;
    private final ExecutorService workers;
    private Bus.Subscription subscription;
    private volatile boolean stopping;

    public Station(JobContext ctx, JobSpec spec, boolean rerunOnReconnect) {
        this.ctx = ctx;
        this.spec = spec;
        this.rerunOnReconnect = rerunOnReconnect;
        this.decisions = Executors.newSingleThreadExecutor(r -> daemon(r, "station-dispatch"));
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(ctx.settings().maxParallel(), r -> daemon(r, "station-worker-" + n.incrementAndGet()));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts watching the bus; phones already attached are taken first. */
    public synchronized Station start() {
        subscription = ctx.bus().watch(e -> {
            if (e instanceof BusEvent.Attached && !stopping) {
                UsbDevice d = e.device();
                decisions.execute(() -> consider(d));
            }
        });
        for (UsbDevice d : ctx.bus().devices()) {
            decisions.execute(() -> consider(d));
        }
        return this;
    }

    public Tally tally() {
        return tally;
    }

    /** Jobs that ended (succeeded, failed or skipped) since the start. */
    public int finishedJobs() {
        return finished.get();
    }

    /** Waits until at least {@code n} jobs ended or the timeout (real time) passed; true when they did. */
    public boolean awaitFinished(int n, Duration timeout) throws InterruptedException {
        Deadline deadline = Deadline.after(AgentClock.system(), timeout);
        synchronized (finished) {
            return deadline.awaitOn(finished, () -> finished.get() >= n);
        }
    }

    /**
     * Waits until every arrival the station has heard so far is decided (a job queued, the phone left alone,
     * or the arrival ignored as part of a running job), or the timeout (real time) passed; true when it was.
     */
    public boolean awaitDecided(Duration timeout) throws InterruptedException {
        CountDownLatch decided = new CountDownLatch(1);
        try {
            decisions.execute(decided::countDown); // after the decisions already asked for: one thread, in order
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return true; // stopped: nothing more is decided
        }
        return decided.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void consider(UsbDevice d) {
        consider(d, false);
    }

    /** @param quiet the job on this port just ended: its own phone, still there, is left alone without a line */
    private void consider(UsbDevice d, boolean quiet) {
        if (stopping) {
            return;
        }
        PortPath port = d.port();
        synchronized (this) {
            if (busy.contains(port)) {
                arrivedWhileBusy.add(port); // the phone's own re-enumeration during its job, or the next phone
                return;
            }
            Done last = lastDone.get(port);
            if (last != null && last.deadBattery() && d.personality().mode() == Mode.EMERGENCY_CHARGING) {
                // A phone with a dead battery re-enumerates as 05C6:F006 every ~8.3 s while it charges
                // (traces/nok/116, WPinternals#42): the same phone, already told "charge it"; taken again
                // when it comes up in another mode.
                return;
            }
            Optional<String> cannot = spec.cannotStartOn(d);
            if (cannot.isPresent()) {
                ctx.listener().leftAlone(d, cannot.get());
                return;
            }
            busy.add(port);
            if (!quiet) {
                // A quiet look (the port's job just ended; most often its own phone, back after its reboot) is no phone
                // queued: a station stopped before it ran must not list that phone as not started.
                waiting.add(port);
            }
        }
        if (!quiet) {
            ctx.listener().queued(d); // a quiet look is said only once it turns out to be another phone's job
        }
        workers.execute(() -> runOn(d, quiet));
    }

    private void runOn(UsbDevice attached, boolean quiet) {
        PortPath port = attached.port();
        Thread.currentThread().setName("station " + port);
        JobRecord record = null;
        if (stopping) {
            return; // queued when the station stopped: counted as not started by stop()
        }
        synchronized (this) {
            waiting.remove(port);
        }
        try {
            // Still there, and in which mode? (it may have moved on while it queued)
            Optional<UsbDevice> now = ctx.bus().devices().stream().filter(x -> x.port().equals(port)).findFirst();
            if (now.isEmpty() || stopping) {
                return;
            }
            UsbDevice d = now.get();
            Done last;
            synchronized (this) {
                last = lastDone.get(port);
            }
            JobRunner job = new JobRunner(ctx);
            DeviceInfo info = job.readPhone(spec, d); // read once: for the same-phone check and for the job
            if (last != null && !rerunOnReconnect) {
                JobIdentity id = JobIdentity.of(info, d);
                if (last.identity().compare(id) == PhoneIdentity.Match.SAME) {
                    if (quiet) {
                        return; // the job's own phone, back after its reboot: already done
                    }
                    ctx.listener().leftAlone(d, "the same phone (" + id + ") already had its " + spec.command() + " at "
                            + HHMM.format(last.at()) + " UTC (" + last.outcome() + "); not run again — unplug it, or start the station "
                            + "with --rerun-on-reconnect");
                    return;
                }
            }
            if (quiet) {
                ctx.listener().queued(d);
            }
            record = job.run(spec, d, info);
            tally.add(record);
            boolean deadBattery = d.personality().mode() == Mode.EMERGENCY_CHARGING;
            if (!record.skipped() || deadBattery) {
                synchronized (this) {
                    lastDone.put(port, new Done(new JobIdentity(record.imei, record.publicId, record.usbSerial), record.outcome,
                            Instant.now(), deadBattery));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("station worker on {} failed", port, e);
            ctx.listener().note("the station's worker on " + port + " failed: " + e);
        } finally {
            boolean again;
            synchronized (this) {
                busy.remove(port);
                again = arrivedWhileBusy.remove(port);
            }
            if (again && !stopping) {
                // A phone attached while the job ran: if another phone is on the port now, it gets its job.
                try {
                    decisions.execute(() -> ctx.bus().devices().stream().filter(x -> x.port().equals(port)).findFirst()
                            .ifPresent(now -> consider(now, true)));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // the station stopped meanwhile
                }
            }
            if (record != null) {
                synchronized (finished) {
                    finished.incrementAndGet();
                    finished.notifyAll();
                }
            }
        }
    }

    /**
     * Stops taking phones; waits up to {@code grace} for running jobs, then interrupts them (their flows end
     * INTERRUPTED and their jobs stay resumable) and waits a little more for their records.
     */
    public void stop(Duration grace) throws InterruptedException {
        stopping = true;
        synchronized (this) {
            if (subscription != null) {
                subscription.close();
            }
        }
        decisions.shutdownNow();
        workers.shutdown();
        if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            ctx.listener().note("stopping: interrupting the running jobs; they stay resumable (`lumia-agent resume`)");
            workers.shutdownNow();
            // Bounded, as a batch's (Bench.STOP_BOUND): the shutdown hook waits only a little longer.
            workers.awaitTermination(Bench.STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        }
        synchronized (this) {
            waiting.stream().map(PortPath::toString).forEach(tally::notStarted);
            waiting.clear();
        }
    }

    @Override
    public void close() {
        try {
            stop(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
