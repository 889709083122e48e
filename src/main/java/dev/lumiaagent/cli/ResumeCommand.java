package dev.lumiaagent.cli;

import dev.lumiaagent.device.PhoneIdentity;
import dev.lumiaagent.flow.EmergencyFlow;
import dev.lumiaagent.flow.FlowContext;
import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.flow.FlowRunner;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.ReflashFlow;
import dev.lumiaagent.flow.HardResetFlow;
import dev.lumiaagent.flow.SoftResetFlow;
import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobIdentity;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.Checkpoint;
import dev.lumiaagent.job.JobRunner;
import dev.lumiaagent.job.PhoneLease;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.protocol.firehose.RawProgramException;
import dev.lumiaagent.protocol.firehose.RawProgramSet;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumia-agent resume}: continues interrupted jobs on their phones, from whatever mode each phone is in now. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Continues jobs that were interrupted (still RUNNING in their job file, e.g. the agent was killed "
                + "mid-flash): finds each job's phone on the bus by its identity (IMEI / public ID), or on the job's port "
                + "when the identity cannot be read, refuses a different phone, and runs the same command again with the "
                + "recorded parameters. The flows plan from the phone's current mode, so a phone left in the flash app "
                + "continues from there.",
                "With --port, only the job for the phone on that port."})
final class ResumeCommand implements Callable<Integer> {
    @Mixin
    BusOptions busOptions;

    @Mixin
    JobOptions jobs;

    @Option(names = "--port", paramLabel = "P", description = "Resume only the job for the phone on this USB port.")
    String port;

    @Mixin
    ConsentOptions consentOptions;

    @Mixin
    StoreOptions storeOptions;

    @Spec
    CommandSpec spec;

    /** The phone found for a job is not the job's phone. */
    static final class DifferentPhone extends RuntimeException {
        DifferentPhone(String message) {
            super(message);
        }
    }

    private record Found(UsbDevice device, JobIdentity identity, String how) {
    }

    @Option(names = "--max-parallel", paramLabel = "N", defaultValue = "4",
            description = "At most N phones are resumed at once (default 4); the others queue.")
    int maxParallel;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        JobJournal journal = jobs.journal();
        Optional<PortPath> only = Optional.ofNullable(port).map(PortPath::parse);
        JobJournal.Listing listing = journal.scan();
        // A job file that does not read is named and skipped: the other interrupted jobs still resume.
        PrintWriter err = spec.commandLine().getErr();
        listing.unreadable().forEach(err::println);
        err.flush();
        List<Job> interrupted = listing.running();
        if (interrupted.isEmpty()) {
            out.println("Nothing to resume: no interrupted job in " + journal.dir() + ".");
            return ExitCode.OK.code();
        }
        List<Job> newest = supersedeOlder(journal, interrupted, out);
        List<Job> mine = new ArrayList<>();
        for (Job job : newest) {
            if (only.isEmpty() || only.get().toString().equals(job.port)) {
                mine.add(job);
            }
        }
        if (mine.isEmpty()) {
            out.println("Nothing to resume" + only.map(p -> " for the phone on " + p).orElse("") + ".");
            return ExitCode.OK.code();
        }
        // Every phone is resumed by the job runner, as a bench: in parallel under --max-parallel, with the bench
        // view, each job's log and trace, and a tally.
        // who and where: a resumed erasing job is certified like any other (its certificate names who finished it)
        boolean erasing = mine.stream().anyMatch(j -> CertifyOptions.ERASING.contains(j.command));
        dev.lumiaagent.job.JobSettings settings = jobs.certify.settings(maxParallel, 0, java.time.Duration.ofMinutes(2),
                erasing ? null : "info", out);
        return BenchRun.execute("resume", null, spec, busOptions, settings,
                o -> new BenchOptions.Built(null, consentOptions.consent(o, "erase the phone and finish the interrupted job")), jobs,
                storeOptions, new BenchRun.Body() {
                    private dev.lumiaagent.bench.Bench bench;

                    @Override
                    public String header(dev.lumiaagent.job.JobContext ctx) {
                        return mine.size() + " unfinished job" + (mine.size() == 1 ? "" : "s") + " on " + ctx.bus().describe()
                                + ": at most " + maxParallel + " phones at once";
                    }

                    @Override
                    public void run(dev.lumiaagent.job.JobContext ctx, dev.lumiaagent.job.JobSpec none) throws InterruptedException {
                        bench = new dev.lumiaagent.bench.Bench(ctx);
                        bench.run(work(ctx, journal, mine, only));
                    }

                    @Override
                    public dev.lumiaagent.bench.Tally tally() {
                        return bench == null ? new dev.lumiaagent.bench.Tally() : bench.tally();
                    }
                });
    }

    /**
     * Each job's phone, found on the bus by its identity (or its port where the identity cannot tell), as a
     * bench's work. A phone another agent holds now is not read (even a read disturbs a phone mid-flash): its
     * job is refused by name by the runner. A phone known to be restarting is waited for, bounded, in its worker.
     */
    private List<dev.lumiaagent.bench.Bench.Work> work(dev.lumiaagent.job.JobContext ctx, JobJournal journal, List<Job> jobsToRun,
                                                       Optional<PortPath> only) {
        Bus bus = ctx.bus();
        Map<PortPath, JobIdentity> identities = new LinkedHashMap<>();
        Map<PortPath, UsbDevice> busy = new LinkedHashMap<>();
        List<UsbDevice> devices = new ArrayList<>();
        for (UsbDevice d : bus.devices()) {
            if (only.isPresent() && !d.port().equals(only.get())) {
                continue;
            }
            if (PhoneLease.heldBy(journal.dir(), d.port()).isPresent()) {
                busy.put(d.port(), d);
            } else {
                devices.add(d);
            }
        }
        List<dev.lumiaagent.bench.Bench.Work> work = new ArrayList<>();
        for (Job job : jobsToRun) {
            PortPath jobPort = PortPath.parse(job.port);
            UsbDevice held = busy.get(jobPort);
            if (held != null) {
                work.add(new dev.lumiaagent.bench.Bench.Work(jobPort, Optional.of(held),
                        r -> r.resume(job, held, new JobIdentity(null, null, null))));
                continue;
            }
            Found found;
            try {
                found = find(bus, job, devices, identities);
            } catch (DifferentPhone e) {
                work.add(new dev.lumiaagent.bench.Bench.Work(jobPort, Optional.empty(), r -> Optional.of(r.notResumed(job, jobPort,
                        new Outcome(dev.lumiaagent.flow.Reason.DIFFERENT_PHONE, e.getMessage() + "; nothing was done to it.",
                                "Put the job's phone (" + job.identity + ") on the bus and run resume again.")))));
                continue;
            }
            if (found != null) {
                devices.remove(found.device());
                work.add(new dev.lumiaagent.bench.Bench.Work(found.device().port(), Optional.of(found.device()), r -> {
                    say(ctx, job, found);
                    return r.resume(job, found.device(), found.identity());
                }));
            } else if (restarting(job)) {
                work.add(new dev.lumiaagent.bench.Bench.Work(jobPort, Optional.empty(), r -> {
                    ctx.listener().note("job " + job.id + " (" + job.command + " on " + job.port + ", " + job.identity + ") was stopped "
                            + "while its phone restarted (last step " + job.lastStep().orElse("?") + "); waiting up to "
                            + RESTART_WAIT.toMinutes() + " min for it to come back…");
                    Found back;
                    try {
                        back = awaitRestarted(bus, journal, job, only);
                    } catch (DifferentPhone e) {
                        return Optional.of(r.notResumed(job, jobPort, new Outcome(dev.lumiaagent.flow.Reason.DIFFERENT_PHONE,
                                e.getMessage() + "; nothing was done to it.", "Put the job's phone (" + job.identity
                                + ") on the bus and run resume again.")));
                    }
                    if (back == null) {
                        return Optional.of(r.notResumed(job, jobPort, new Outcome(dev.lumiaagent.flow.Reason.PHONE_DID_NOT_RETURN,
                                "Its phone did not come back within " + RESTART_WAIT.toMinutes() + " min; the job is left as it is.",
                                "Check the phone's screen and cable, then run `lumia-agent resume` again.")));
                    }
                    say(ctx, job, back);
                    return r.resume(job, back.device(), back.identity());
                }));
            } else {
                work.add(new dev.lumiaagent.bench.Bench.Work(jobPort, Optional.empty(), r -> Optional.of(r.notResumed(job, jobPort,
                        new Outcome(dev.lumiaagent.flow.Reason.NO_PHONE, "Its phone (" + job.identity + ") is not on the bus"
                                + only.map(p -> " at " + p).orElse("") + "; the job is left as it is.",
                                "Plug the phone in and run `lumia-agent resume` again.")))));
            }
        }
        return work;
    }

    private static void say(dev.lumiaagent.job.JobContext ctx, Job job, Found found) {
        ctx.listener().note("Resuming job " + job.id + ": " + job.command + ", last at " + job.lastStep().orElse("(no step)") + ", on "
                + found.device().port() + " " + found.how() + "; the phone is in " + found.device().personality().mode().label() + " now.");
    }

    /** The audit event of a lease taken over from a holder that died. */
    static final String LEASE_TAKEN_OVER = JobRunner.LEASE_TAKEN_OVER;

    /**
     * One job per phone: of the unfinished jobs of one phone (the same identity, or the same port where the
     * identities cannot tell) only the newest runs; the older ones are closed as SUPERSEDED in their job file
     * and the store, so the phone is not flashed once per job. A job another agent is running now is left alone.
     */
    private List<Job> supersedeOlder(JobJournal journal, List<Job> running, PrintWriter out) {
        List<Job> newestFirst = new ArrayList<>(running);
        newestFirst.sort(java.util.Comparator.comparing((Job j) -> j.id).reversed());
        List<Job> kept = new ArrayList<>();
        for (Job job : newestFirst) {
            Optional<Job> newer = kept.stream().filter(k -> samePhone(k, job)).findFirst();
            boolean live = PhoneLease.heldBy(journal.dir(), PortPath.parse(job.port)).map(h -> h.jobId().equals(job.id)).orElse(false);
            if (newer.isEmpty() || live) {
                kept.add(job);
                continue;
            }
            Checkpoint.supersede(journal, job, newer.get().id);
            out.println("job " + job.id + " (" + job.command + " on " + job.port + "): superseded by the newer job " + newer.get().id
                    + " for the same phone; it is closed, not run.");
            recordSuperseded(job, newer.get().id);
        }
        java.util.Collections.reverse(kept);
        return kept;
    }

    private static boolean samePhone(Job a, Job b) {
        PhoneIdentity.Match m = a.identity.compare(b.identity);
        return m == PhoneIdentity.Match.SAME || (m == PhoneIdentity.Match.UNKNOWN && a.port.equals(b.port));
    }

    private void recordSuperseded(Job job, String newer) {
        try (dev.lumiaagent.record.RecordStore store = storeOptions.open()) {
            store.job(job.id).ifPresent(r -> {
                r.outcome = dev.lumiaagent.job.JobState.SUPERSEDED.name();
                r.summary = job.summary;
                r.ended = job.updated;
                store.save(r);
            });
            store.audit().append(jobs.certify.station(), BenchOptions.defaultOperator(), job.id, job.port, "superseded",
                    job.summary);
        } catch (dev.lumiaagent.record.RecordStoreException e) {
            LOG.warn("job {} superseded in its file but not in the record store: {}", job.id, e.getMessage());
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ResumeCommand.class);

    /** The job's phone: by identity first, else the same port when the identity cannot decide; null when absent. */
    /**
     * Steps during which the phone restarts or changes mode: a job stopped there (the agent killed during a
     * reboot) finds the phone off the bus for a while, and resume waits for it rather than giving up.
     */
    static final java.util.Set<String> RESTARTING_STEPS = java.util.Set.of("Reboot", "AwaitLeave", "AwaitReturn", "SwitchToFlash",
            "AwaitFlashApp", "PowerReset", "SendReset", "AwaitResetFinish", "ResetFromSettings", "GuidedKeyReset", "GuidedKeyHardReset");

    /** How long resume waits for such a phone, on the bench clock: a first boot after a flash takes minutes. */
    static final java.time.Duration RESTART_WAIT = java.time.Duration.ofMinutes(10);

    private static boolean restarting(Job job) {
        return job.lastStep().map(RESTARTING_STEPS::contains).orElse(false);
    }

    /** Waits (bounded) for the restarting phone of {@code job} to arrive; its Found, or null when it did not come. */
    private Found awaitRestarted(Bus bus, JobJournal journal, Job job, Optional<PortPath> only) {
        Map<PortPath, JobIdentity> identities = new LinkedHashMap<>();
        java.util.concurrent.BlockingQueue<UsbDevice> arrivals = new java.util.concurrent.LinkedBlockingQueue<>();
        try (Bus.Subscription sub = bus.watch(e -> {
            if (e instanceof dev.lumiaagent.transport.BusEvent.Attached) {
                arrivals.add(e.device());
            }
        })) {
            long deadline = System.nanoTime() + busOptions.clock().toReal(RESTART_WAIT).toNanos();
            while (true) {
                identities.clear(); // identities read before the restart are stale
                List<UsbDevice> devices = new ArrayList<>();
                for (UsbDevice d : bus.devices()) {
                    if ((only.isEmpty() || d.port().equals(only.get())) && PhoneLease.heldBy(journal.dir(), d.port()).isEmpty()) {
                        devices.add(d);
                    }
                }
                Found found = find(bus, job, devices, identities);
                if (found != null) {
                    return found;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                try {
                    if (arrivals.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS) == null) {
                        return null;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
    }

    private Found find(Bus bus, Job job, List<UsbDevice> devices, Map<PortPath, JobIdentity> cache) {
        UsbDevice samePort = null;
        JobIdentity samePortId = null;
        for (UsbDevice d : devices) {
            JobIdentity id = cache.computeIfAbsent(d.port(), p -> JobIdentity.read(bus, d));
            PhoneIdentity.Match m = job.identity.compare(id);
            if (m == PhoneIdentity.Match.SAME) {
                return new Found(d, id, "(same phone: " + id + ")");
            }
            if (d.port().toString().equals(job.port)) {
                samePort = d;
                samePortId = id;
            }
        }
        if (samePort == null) {
            return null;
        }
        PhoneIdentity.Match m = job.identity.compare(samePortId);
        if (m == PhoneIdentity.Match.DIFFERENT) {
            throw new DifferentPhone("the phone on " + samePort.port() + " is " + samePortId + ", not the job's phone ("
                    + job.identity + ")");
        }
        return new Found(samePort, samePortId, "(the identity could not be read in "
                + samePort.personality().mode().label() + "; resuming on the job's port)");
    }

}
