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
import dev.lumiaagent.flow.job.Job;
import dev.lumiaagent.flow.job.JobIdentity;
import dev.lumiaagent.flow.job.JobJournal;
import dev.lumiaagent.flow.job.JobRecorder;
import dev.lumiaagent.flow.job.PhoneLease;
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

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        JobJournal journal = jobs.journal();
        Optional<PortPath> only = Optional.ofNullable(port).map(PortPath::parse);
        List<Job> interrupted = journal.running();
        if (interrupted.isEmpty()) {
            out.println("Nothing to resume: no interrupted job in " + journal.dir() + ".");
            return ExitCode.OK.code();
        }
        int worst = ExitCode.OK.code();
        int resumed = 0;
        interrupted = supersedeOlder(journal, interrupted, out);
        try (Bus bus = busOptions.open()) {
            Map<PortPath, JobIdentity> identities = new LinkedHashMap<>();
            // A phone another job holds right now (another agent on this machine) is not read at all: even a
            // read disturbs a phone mid-flash. Its port is remembered, to refuse its job by name below.
            Map<PortPath, PhoneLease.Holder> busy = new LinkedHashMap<>();
            List<UsbDevice> devices = new ArrayList<>();
            for (UsbDevice d : bus.devices()) {
                if (only.isPresent() && !d.port().equals(only.get())) {
                    continue;
                }
                Optional<PhoneLease.Holder> holder = PhoneLease.heldBy(journal.dir(), d.port());
                if (holder.isPresent()) {
                    busy.put(d.port(), holder.get());
                } else {
                    devices.add(d);
                }
            }
            for (Job job : interrupted) {
                PhoneLease.Holder holder = busy.get(PortPath.parse(job.port));
                if (holder != null) {
                    worst = Math.max(worst, refuse(err, job, new PhoneLease.Busy(job.port, holder)));
                    continue;
                }
                Found found;
                try {
                    found = find(bus, job, devices, identities);
                } catch (DifferentPhone e) {
                    err.println("error: job " + job.id + ": " + e.getMessage());
                    err.println("next step: put the job's phone (" + job.identity + ") on the bus and run resume again; "
                            + "nothing was done to the phone on " + job.port + ".");
                    worst = Math.max(worst, ExitCode.FAILED.code());
                    continue;
                }
                if (found == null && restarting(job) && (only.isEmpty() || only.get().toString().equals(job.port))) {
                    out.println("job " + job.id + " (" + job.command + " on " + job.port + ", " + job.identity + ") was stopped while its phone "
                            + "restarted (last step " + job.lastStep().orElse("?") + "); waiting up to " + RESTART_WAIT.toMinutes()
                            + " min for it to come back…");
                    out.flush();
                    try {
                        found = awaitRestarted(bus, journal, job, only, identities);
                    } catch (DifferentPhone e) {
                        err.println("error: job " + job.id + ": " + e.getMessage());
                        err.println("next step: put the job's phone (" + job.identity + ") on the bus and run resume again; "
                                + "nothing was done to the phone on " + job.port + ".");
                        worst = Math.max(worst, ExitCode.FAILED.code());
                        continue;
                    }
                }
                if (found == null) {
                    if (only.isEmpty() || only.get().toString().equals(job.port)) {
                        out.println("job " + job.id + " (" + job.command + " on " + job.port + ", " + job.identity
                                + "): its phone is not on the bus" + (only.isPresent() ? " at " + only.get() : "")
                                + "; left as it is.");
                        worst = Math.max(worst, ExitCode.NO_PHONE.code());
                    }
                    continue;
                }
                try (Leased leased = lease(journal, job, found, err)) {
                    // Read again under the lease: another agent may have finished (or superseded) the job meanwhile.
                    Optional<Job> current = journal.load(job.id);
                    if (current.isEmpty() || current.get().state != dev.lumiaagent.flow.job.JobState.RUNNING) {
                        out.println("job " + job.id + " was " + current.map(j -> "ended (" + j.state + ")").orElse("removed")
                                + " by another agent meanwhile; left as it is.");
                        continue;
                    }
                    job = current.get();
                    out.println("Resuming job " + job.id + ": " + job.command + ", last at " + job.lastStep().orElse("(no step)")
                            + ", on " + found.device().port() + " " + found.how() + "; the phone is in "
                            + found.device().personality().mode().label() + " now.");
                    out.flush();
                    resumed++;
                    worst = Math.max(worst, rerun(bus, journal, job, found, out));
                    journal.load(job.id).ifPresent(after -> recordResumed(after, err));
                } catch (PhoneLease.Busy e) {
                    worst = Math.max(worst, refuse(err, job, e));
                }
            }
        }
        if (resumed == 0 && worst == ExitCode.OK.code()) {
            out.println("Nothing to resume" + (only.isPresent() ? " for the phone on " + only.get() : "") + ".");
        }
        return worst;
    }

    /** The lease of a resumed job's phone and the store that shares it with other stations (null when it cannot be opened). */
    private record Leased(PhoneLease lease, dev.lumiaagent.record.RecordStore store) implements AutoCloseable {
        @Override
        public void close() {
            try {
                lease.close();
            } finally {
                if (store != null) {
                    store.close();
                }
            }
        }
    }

    private Leased lease(JobJournal journal, Job job, Found found, PrintWriter err) throws PhoneLease.Busy {
        dev.lumiaagent.record.RecordStore store;
        try {
            store = storeOptions.open();
        } catch (dev.lumiaagent.record.RecordStoreException e) {
            err.println("warning: the record store cannot be opened (" + e.getMessage() + "); only this machine's lock keeps "
                    + "other agents off the phone.");
            store = null;
        }
        String station = BenchOptions.defaultStation();
        dev.lumiaagent.record.RecordStore s = store;
        try {
            PhoneLease lease = PhoneLease.acquire(journal.dir(), found.device().port(), job.identity.fillFrom(found.identity()), job.id,
                    job.command, station, store == null ? null : dev.lumiaagent.bench.StoreLeases.of(store), java.time.Clock.systemUTC(),
                    line -> {
                        err.println("note: " + line);
                        if (s != null) {
                            try {
                                s.audit().append(station, BenchOptions.defaultOperator(), job.id, found.device().port().toString(),
                                        LEASE_TAKEN_OVER, line);
                            } catch (dev.lumiaagent.record.RecordStoreException e) {
                                err.println("warning: the takeover could not be audited: " + e.getMessage());
                            }
                        }
                    });
            return new Leased(lease, store);
        } catch (PhoneLease.Busy | RuntimeException e) {
            if (store != null) {
                store.close();
            }
            throw e;
        }
    }

    /** The audit event of a lease taken over from a holder that died. */
    static final String LEASE_TAKEN_OVER = "LEASE_TAKEN_OVER";

    private static int refuse(PrintWriter err, Job job, PhoneLease.Busy busy) {
        err.println("error: job " + job.id + ": " + dev.lumiaagent.flow.Reason.PHONE_BUSY + ": " + busy.getMessage());
        err.println("next step: " + busy.nextStep());
        err.flush();
        return FlowExitCodes.of(new Outcome(dev.lumiaagent.flow.Reason.PHONE_BUSY, busy.getMessage(), busy.nextStep()));
    }

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
            JobRecorder.supersede(journal, job, newer.get().id);
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
                r.outcome = dev.lumiaagent.flow.job.JobState.SUPERSEDED.name();
                r.summary = job.summary;
                r.ended = job.updated;
                store.save(r);
            });
            store.audit().append(BenchOptions.defaultStation(), BenchOptions.defaultOperator(), job.id, job.port, "superseded",
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
    private Found awaitRestarted(Bus bus, JobJournal journal, Job job, Optional<PortPath> only, Map<PortPath, JobIdentity> identities) {
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

    private int rerun(Bus bus, JobJournal journal, Job job, Found found, PrintWriter out) throws IOException {
        UsbDevice phone = found.device();
        switch (job.command) {
            case "reflash":
                requireFile(job, "ffu");
                break;
            case "emergency":
                if (job.param("programmer").isEmpty() && job.param("firmwareDir").isPresent()) {
                    break; // a bench job that chose its files per phone from the library: it chooses again
                }
                requireFile(job, "programmer");
                if (job.paramList("rawprogram").isEmpty()) {
                    requireFile(job, "ffu");
                }
                break;
            default:
                break;
        }
        JobRecorder recorder = JobRecorder.resume(journal, job, phone.port(), found.identity(), phone.personality().mode().name());
        List<FlowListener> listeners = new ArrayList<>(List.of(recorder, new ConsoleProgress(out, System.console() != null),
                GateLines.printer(out)));
        // On an in-process bench nobody stands at the phones: the simulated technician presses the keys
        // a resumed soft or hard reset may ask for, as in the original commands.
        try (SimulatedTechnician technician = BusOptions.simulated(bus) != null
                ? new SimulatedTechnician(BusOptions.simulated(bus), out) : null) {
            if (technician != null) {
                listeners.add(technician);
            }
            return runFlow(bus, job, recorder, phone, listeners, out);
        }
    }

    private int runFlow(Bus bus, Job job, JobRecorder recorder, UsbDevice phone, List<FlowListener> listeners, PrintWriter out)
            throws IOException {
        FlowContext ctx = new FlowContext(bus, busOptions.clock(), phone.port(), listeners);
        Consent consent = consentOptions.consent(out, "erase the phone and finish the interrupted job");
        switch (job.command) {
            case "reflash": {
                Path ffuPath = requireFile(job, "ffu");
                try (FfuFile ffu = FfuFile.open(ffuPath)) {
                    return FlowExitCodes.of(FlowRunner.run(new ReflashFlow(phone, ffu, ffuPath.getFileName().toString(), consent,
                            ReflashFlow.Bounds.standard()), ctx));
                }
            }
            case "soft-reset":
                return FlowExitCodes.of(FlowRunner.run(new SoftResetFlow(Optional.of(phone), SoftResetFlow.Bounds.standard()), ctx));
            case "hard-reset": {
                // Rerun with the recorded method, from the mode the phone is in now (a wipe or a reset that
                // was cut off simply starts again; the flow re-evaluates its gates).
                HardResetFlow.Method m = HardResetFlow.Method.parse(job.param("method").orElse("auto"));
                Optional<Path> ffu = job.param("ffu").map(Path::of);
                Optional<Path> library = job.param("firmwareDir").map(Path::of);
                HardResetFlow.FfuSource source = ffu.isPresent() || library.isEmpty() ? info -> ffu
                        : HardResetFlow.FfuSource.library(dev.lumiaagent.firmware.FirmwareLibrary.scan(library.get()));
                return FlowExitCodes.of(FlowRunner.run(new HardResetFlow(Optional.of(phone), m, source, consent,
                        HardResetFlow.Bounds.standard(), dev.lumiaagent.flow.ReflashFlow.Bounds.standard()), ctx));
            }
            case "emergency": {
                if (job.param("programmer").isEmpty() && job.param("firmwareDir").isPresent()) {
                    // Chosen per phone from the library by its root-key hash: the same choice is made again.
                    Path dir = Path.of(job.param("firmwareDir").get());
                    return FlowExitCodes.of(FlowRunner.run(new EmergencyFlow(phone,
                            new dev.lumiaagent.flow.LibraryEmergencyFiles(dev.lumiaagent.firmware.FirmwareLibrary.scan(dir)), consent,
                            EmergencyFlow.Bounds.standard()), ctx));
                }
                Path programmer = requireFile(job, "programmer");
                if (!job.paramList("rawprogram").isEmpty()) {
                    RawProgramSet set;
                    try {
                        set = RawProgramSet.read(job.paramList("rawprogram").stream().map(Path::of).toList(),
                                job.paramList("patch").stream().map(Path::of).toList());
                    } catch (RawProgramException e) {
                        return failBeforeStart(recorder, ctx, "emergency", e.getMessage());
                    }
                    Path images = Path.of(job.param("images").orElseThrow());
                    return FlowExitCodes.of(FlowRunner.run(new EmergencyFlow(phone, programmer, set, images,
                            Path.of(job.paramList("rawprogram").get(0)).getFileName().toString(), consent,
                            EmergencyFlow.Bounds.standard()), ctx));
                }
                Path ffuPath = requireFile(job, "ffu");
                try (FfuFile ffu = FfuFile.open(ffuPath)) {
                    return FlowExitCodes.of(FlowRunner.run(new EmergencyFlow(phone, programmer, ffu, ffuPath.getFileName().toString(),
                            consent, EmergencyFlow.Bounds.standard()), ctx));
                }
            }
            default:
                return failBeforeStart(recorder, ctx, job.command, "this agent cannot resume a '" + job.command + "' job");
        }
    }

    /**
     * A recorded job (a bench's, or a single-phone command's) gets its resumed run added to its record (steps,
     * attempt, outcome, and the firmware's SHA-256 when the killed run had not taken it yet) and audited, so
     * reports show how it ended. A job with no record is left alone. A store that cannot be opened is said,
     * not fatal: the job file holds the outcome.
     */
    private void recordResumed(Job job, PrintWriter err) {
        try (dev.lumiaagent.record.RecordStore store = storeOptions.open()) {
            Optional<dev.lumiaagent.record.JobRecord> found = store.job(job.id);
            if (found.isEmpty()) {
                return;
            }
            dev.lumiaagent.record.JobRecord r = found.get();
            r.attempts = r.attempts + 1;
            job.currentRun().ifPresent(run -> run.steps.forEach(st -> r.steps.add(
                    new dev.lumiaagent.record.JobRecord.StepRecord(r.attempts, st.name(), st.ok(), st.detail(), st.at()))));
            if (r.firmwareSha256 == null) {
                // A run killed before its end never took the SHA-256 (it is taken when the flow ends): the record
                // names the firmware the resumed run wrote by its SHA-256, read from the job's file.
                Optional<Path> firmware = Optional.ofNullable(r.firmwareFile).map(Path::of).or(() -> job.param("ffu").map(Path::of))
                        .filter(Files::isRegularFile);
                if (firmware.isPresent()) {
                    try {
                        r.firmwareFile = firmware.get().toAbsolutePath().toString();
                        r.firmwareSha256 = dev.lumiaagent.bench.FirmwareFiles.sha256(firmware.get());
                    } catch (java.io.IOException e) {
                        err.println("warning: could not read " + firmware.get() + " for its SHA-256: " + e.getMessage());
                    }
                }
            }
            if (job.state != dev.lumiaagent.flow.job.JobState.RUNNING) {
                r.outcome = job.state == dev.lumiaagent.flow.job.JobState.DONE ? dev.lumiaagent.record.JobRecord.DONE : job.reason;
                r.summary = job.summary;
                r.nextStep = job.nextStep;
                r.ended = job.updated;
            }
            store.save(r);
            store.audit().append(r.station, System.getProperty("user.name", "unknown"), r.jobId, job.port, "resumed",
                    "run " + job.runs.size() + " by `lumia-agent resume`: " + (r.outcome != null ? r.outcome + ": " + r.summary : "not finished"));
        } catch (dev.lumiaagent.record.RecordStoreException e) {
            err.println("warning: job " + job.id + " finished but could not be recorded in the record store: " + e.getMessage()
                    + " (its job file has the outcome)");
        }
    }

    private static Path requireFile(Job job, String param) {
        Path p = Path.of(job.param(param).orElseThrow(() -> new IllegalArgumentException("job " + job.id
                + " has no recorded " + param + "; run the command again by hand")));
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("job " + job.id + ": the recorded " + param + " file " + p
                    + " is gone; put it back or run the command again by hand");
        }
        return p;
    }

    private static int failBeforeStart(JobRecorder recorder, FlowContext ctx, String flow, String why) {
        Outcome o = new Outcome(dev.lumiaagent.flow.Reason.INTERNAL_ERROR, why + ".", "Run the command again by hand.");
        recorder.finished(ctx.port(), flow, o);
        return FlowExitCodes.of(o);
    }
}
