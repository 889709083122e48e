package dev.lumiaagent.job;

import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.device.InfoReader;
import dev.lumiaagent.device.PhoneIdentity;
import dev.lumiaagent.flow.EmergencyFlow;
import dev.lumiaagent.flow.FlowContext;
import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.flow.FlowRunner;
import dev.lumiaagent.flow.HardResetFlow;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.PhoneWatcher;
import dev.lumiaagent.flow.Reason;
import dev.lumiaagent.flow.ReflashFlow;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs any {@link JobSpec} on one phone, start to recorded outcome, the same way for a single-phone verb
 * (a bench of one), a batch, a station and {@code resume}: check the phone is free → read what it is →
 * choose its flow or skip it (named) → take its lease → checkpoint the job (its file, for {@code resume})
 * and record it (store + audit) → run the flow → retry failures that are safe to retry, only after the
 * phone is back on its port and is the same phone, with a new plan from the mode it is in then (DESIGN §4)
 * → outcome, durable before anyone is told. Never throws: every end is a record.
 */
public final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    /** Steps whose finishing means the phone holds what the job wrote: a resumed job does not write again. */
    static final Set<String> WRITE_STEPS = Set.of(ReflashFlow.WRITE_CHUNKS, EmergencyFlow.WRITE_IMAGE, HardResetFlow.ERASE_DATA);

    private final JobContext ctx;
    private final Clock wall = Clock.systemUTC();

    public JobRunner(JobContext ctx) {
        this.ctx = ctx;
    }

    /** How an interrupted job on {@code port} is finished: the tally's rows and the record's next step say this. */
    public static String resumeCommand(String port) {
        return "lumia-agent resume --port " + port;
    }

    /** The outcome a record ended with, as the flow outcome a verb turns into its exit code. */
    public static Outcome outcomeOf(JobRecord r) {
        Reason reason;
        if (r.succeeded()) {
            reason = Reason.DONE;
        } else if (r.skipped() || r.outcome == null) {
            reason = Reason.NOT_SUPPORTED_IN_MODE;
        } else {
            try {
                reason = Reason.valueOf(r.outcome);
            } catch (IllegalArgumentException e) {
                reason = Reason.INTERNAL_ERROR;
            }
        }
        return new Outcome(reason, r.summary == null ? "" : r.summary, r.nextStep);
    }

    /** A bench's job on a phone: read it, and leave it alone (skipped, named) where the job cannot start. */
    public JobRecord run(JobSpec spec, UsbDevice device) {
        Optional<JobRecord> busy = busy(spec, device.port(), Optional.of(device));
        return busy.orElseGet(() -> run(spec, device, readPhone(spec, device)));
    }

    /** As {@link #run(JobSpec, UsbDevice)}, with what was just read from the phone (by {@link #readPhone}). */
    public JobRecord run(JobSpec spec, UsbDevice device, DeviceInfo info) {
        Optional<String> cannot = spec.cannotStartOn(device);
        if (cannot.isPresent()) {
            return endedBeforeStart(spec, device.port(), info, mode(Optional.of(device)), JobRecord.SKIPPED, "Skipped: " + cannot.get() + ".",
                    null, Optional.empty());
        }
        return start(spec, device.port(), Optional.of(device), info);
    }

    /**
     * A single-phone verb's job: the phone on {@code port} (absent only where the flow guides a person to
     * bring it, as a soft reset does). The flow itself refuses a mode it cannot work in, with a named outcome.
     */
    public JobRecord runOne(JobSpec spec, PortPath port, Optional<UsbDevice> device) {
        Optional<JobRecord> busy = busy(spec, port, device);
        if (busy.isPresent()) {
            return busy.get();
        }
        DeviceInfo info = device.map(d -> readPhone(spec, d)).orElseGet(() -> DeviceInfo.builder().build());
        return start(spec, port, device, info);
    }

    /**
     * Continues an unfinished job (its file still RUNNING) on its phone, found on the bus: under the phone's
     * lease, from the last checkpoint that is still true of the phone — a write that had finished is not
     * written again while the phone is out of its flash modes — into the same job file and record.
     *
     * @return the record, or empty when another agent ended the job meanwhile (nothing was done)
     */
    public Optional<JobRecord> resume(Job job, UsbDevice device, JobIdentity found) {
        PortPath port = device.port();
        JobIdentity identity = job.identity.fillFrom(found);
        PhoneLease lease;
        try {
            lease = lease(port, identity, job.id, job.command);
        } catch (PhoneLease.Busy e) {
            return Optional.of(refused(job, port, e));
        }
        try {
            // Read again under the lease: another agent may have finished (or superseded) the job meanwhile.
            Optional<Job> current = ctx.journal().load(job.id);
            if (current.isEmpty() || current.get().state != JobState.RUNNING) {
                ctx.listener().note("job " + job.id + " was " + current.map(j -> "ended (" + j.state + ")").orElse("removed")
                        + " by another agent meanwhile; left as it is");
                return Optional.empty();
            }
            Job file = current.get();
            JobSpec spec;
            try {
                spec = JobSpec.of(file.command, file.params);
            } catch (IllegalArgumentException e) {
                return Optional.of(unresumable(file, device, found, e.getMessage()));
            }
            Checkpoint checkpoint = Checkpoint.resume(ctx.journal(), file, port, found, mode(Optional.of(device)));
            DeviceInfo info = readPhone(spec, device); // once: for a new record and for the plan
            JobRecord record = ctx.store() == null ? null : storeJob(file.id);
            if (record == null) {
                record = StoreRecord.newRecord(file.id, ctx.runId(), file.command, ctx.settings(), port, info, mode(Optional.of(device)), wall);
                record.attempts = 0;
            }
            record.attempts = record.attempts + 1;
            record.outcome = null;
            record.ended = null;
            StoreRecord records = new StoreRecord(ctx.store(), wall, ctx.settings(), record, ctx.listener(), ctx.journal().dir());
            records.attempt(record.attempts);
            Optional<String> written = writeFinished(file);
            boolean writtenStillTrue = written.isPresent() && !inFlashMode(spec, device);
            JobPlans.Prepared prepared;
            String how;
            if (writtenStillTrue) {
                prepared = JobPlans.afterWrite(spec, written.get(), identity.phone());
                how = "its write had finished at " + written.get() + " and the phone is in " + device.personality().mode().label()
                        + ": waiting for it to boot, not writing again";
            } else {
                try {
                    prepared = JobPlans.prepare(spec, ctx.means(), Optional.of(device), info);
                } catch (JobPlans.NothingToRun e) {
                    return Optional.of(finishUnstarted(checkpoint, records, port, new Outcome(Reason.NOT_SUPPORTED_IN_MODE,
                            "The job cannot run again: " + e.getMessage() + ".", "Run the command again by hand.")));
                } catch (JobPlans.NotReady e) {
                    e.gate().ifPresent(g -> checkpoint.gate(port, g));
                    return Optional.of(finishUnstarted(checkpoint, records, port, e.outcome()));
                }
                how = "from " + device.personality().mode().label() + ", last at " + file.lastStep().orElse("(no step)");
            }
            records.audit("resumed", "run " + file.runs.size() + " by `lumia-agent resume` on " + port + ": " + how);
            if (writtenStillTrue) {
                ctx.listener().note("job " + file.id + ": " + how);
            }
            return Optional.of(execute(spec, device, prepared, checkpoint, records, identity));
        } finally {
            lease.close();
        }
    }

    /** The newest run that planned a write: when it finished that write, when; empty when the write is not known done. */
    static Optional<String> writeFinished(Job job) {
        for (int i = job.runs.size() - 1; i >= 0; i--) {
            JobRun run = job.runs.get(i);
            if (run.plan.stream().noneMatch(WRITE_STEPS::contains)) {
                continue;
            }
            return run.steps.stream().filter(s -> s.ok() && WRITE_STEPS.contains(s.name())).map(JobStep::at).reduce((a, b) -> b);
        }
        return Optional.empty();
    }

    /**
     * Whether the phone is where the job writes: then it is written again. An emergency job writes in 9008 and leaves
     * the phone in its boot manager (UEFI) when done, so for it only 9008 counts (the fault matrix found a job killed
     * while its phone came back after the write refused as "not in 9008" by resume).
     */
    private static boolean inFlashMode(JobSpec spec, UsbDevice d) {
        Mode m = d.personality().mode();
        return spec instanceof JobSpec.Emergency ? m.isEmergencyDownload() : m == Mode.UEFI || m.isEmergencyDownload();
    }

    /** A phone another job on this machine holds now is not read at all (even a read disturbs a phone mid-flash): refused by name. */
    private Optional<JobRecord> busy(JobSpec spec, PortPath port, Optional<UsbDevice> device) {
        Optional<PhoneLease.Holder> holder = PhoneLease.heldBy(ctx.journal().dir(), port);
        if (holder.isEmpty()) {
            return Optional.empty();
        }
        PhoneLease.Busy busy = new PhoneLease.Busy(port.toString(), holder.get());
        DeviceInfo info = device.map(InfoReader::fromBus).orElseGet(() -> DeviceInfo.builder().build());
        return Optional.of(endedBeforeStart(spec, port, info, mode(device), Reason.PHONE_BUSY.name(), busy.getMessage() + ".",
                busy.nextStep(), Optional.empty()));
    }

    /**
     * A job that {@code resume} could not start on its phone (a different phone on its port, its phone not
     * on the bus): told like any other end, not saved — the job file keeps the job RUNNING for a later resume.
     */
    public JobRecord notResumed(Job job, PortPath port, Outcome why) {
        JobRecord r = StoreRecord.newRecord(job.id, ctx.runId(), job.command, ctx.settings(), port, DeviceInfo.builder().build(), "?", wall);
        r.outcome = why.reason().name();
        r.summary = why.summary();
        r.nextStep = why.nextStep().isEmpty() ? null : why.nextStep();
        r.ended = wall.instant().toString();
        ctx.listener().jobFinished(port, r);
        return r;
    }

    private JobRecord refused(Job job, PortPath port, PhoneLease.Busy e) {
        JobRecord r = StoreRecord.newRecord(job.id, ctx.runId(), job.command, ctx.settings(), port, DeviceInfo.builder().build(), "?", wall);
        r.outcome = Reason.PHONE_BUSY.name();
        r.summary = e.getMessage() + ".";
        r.nextStep = e.nextStep();
        r.ended = wall.instant().toString();
        // Not saved: the job's record belongs to the agent that holds the phone.
        ctx.listener().jobFinished(port, r);
        return r;
    }

    private JobRecord unresumable(Job file, UsbDevice device, JobIdentity found, String why) {
        Checkpoint checkpoint = Checkpoint.resume(ctx.journal(), file, device.port(), found, mode(Optional.of(device)));
        JobRecord record = Optional.ofNullable(ctx.store() == null ? null : storeJob(file.id)).orElseGet(() -> StoreRecord.newRecord(file.id,
                ctx.runId(), file.command, ctx.settings(), device.port(), InfoReader.fromBus(device), mode(Optional.of(device)), wall));
        StoreRecord records = new StoreRecord(ctx.store(), wall, ctx.settings(), record, ctx.listener(), ctx.journal().dir());
        return finishUnstarted(checkpoint, records, device.port(), new Outcome(Reason.INTERNAL_ERROR, "Job " + file.id
                + " cannot be resumed: " + why + ".", "Run the command again by hand."));
    }

    private JobRecord finishUnstarted(Checkpoint checkpoint, StoreRecord records, PortPath port, Outcome o) {
        checkpoint.finished(port, checkpoint.job().command, o);
        records.finish(o);
        ctx.listener().jobFinished(port, records.record());
        return records.record();
    }

    /** The job's record as the store holds it, or as the jobs directory still keeps it for the store ({@link UnrecordedJob}). */
    private JobRecord storeJob(String id) {
        try {
            return UnrecordedJob.recordFor(ctx.journal().dir(), ctx.store(), id).orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("could not read job {} from {}: {}", id, ctx.store().describe(), e.getMessage());
            return null;
        }
    }

    private JobRecord start(JobSpec spec, PortPath port, Optional<UsbDevice> device, DeviceInfo info) {
        String mode = mode(device);
        JobPlans.Prepared prepared;
        try {
            prepared = JobPlans.prepare(spec, ctx.means(), device, info);
        } catch (JobPlans.NotReady e) {
            return endedBeforeStart(spec, port, info, mode, e.outcome().reason().name(), e.outcome().summary(), e.outcome().nextStep(),
                    e.gate());
        } catch (JobPlans.NothingToRun e) {
            return endedBeforeStart(spec, port, info, mode, JobRecord.SKIPPED, "Skipped: " + e.getMessage() + ".", null, Optional.empty());
        } catch (RuntimeException e) {
            LOG.debug("preparing {} on {} failed", spec.command(), port, e);
            return endedBeforeStart(spec, port, info, mode, JobRecord.SKIPPED, "Skipped: the job could not be prepared: " + e + ".", null,
                    Optional.empty());
        }
        JobIdentity identity = device.map(d -> JobIdentity.of(info, d)).orElseGet(() -> new JobIdentity(null, null, null));
        // One job per phone: the lease is taken in the new job's name before its file exists, so a refused job
        // leaves no RUNNING file behind for `resume`; it is held until the job's last attempt ends.
        String newId = JobJournal.newId(wall.instant());
        PhoneLease lease;
        try {
            lease = lease(port, identity, newId, spec.command());
        } catch (PhoneLease.Busy e) {
            close(prepared);
            return endedBeforeStart(spec, port, info, mode, Reason.PHONE_BUSY.name(), e.getMessage() + ".", e.nextStep(), Optional.empty());
        } catch (RuntimeException e) {
            close(prepared);
            return endedBeforeStart(spec, port, info, mode, JobRecord.SKIPPED, "Skipped: the phone's lock could not be taken: " + e.getMessage()
                    + " — nothing was done to the phone.", null, Optional.empty());
        }
        try {
            Checkpoint checkpoint;
            try {
                // The FFU chosen for this phone (from the library) goes into its job file, so `resume` can finish it.
                java.util.Map<String, List<String>> params = new java.util.LinkedHashMap<>(spec.params());
                prepared.firmwareFile().filter(f -> !(spec instanceof JobSpec.Emergency))
                        .ifPresent(f -> params.put("ffu", List.of(f.toAbsolutePath().toString())));
                checkpoint = Checkpoint.start(ctx.journal(), newId, spec.command(), params, port, identity, mode);
            } catch (RuntimeException e) {
                close(prepared);
                return endedBeforeStart(spec, port, info, mode, JobRecord.SKIPPED, "Skipped: the job could not be checkpointed in "
                        + ctx.journal().dir() + ": " + e.getMessage() + " — nothing was done to the phone.", null, Optional.empty());
            }
            JobRecord record = StoreRecord.newRecord(newId, ctx.runId(), spec.command(), ctx.settings(), port, info, mode, wall);
            prepared.firmwareFile().ifPresent(f -> record.firmwareFile = f.toAbsolutePath().toString());
            StoreRecord records = new StoreRecord(ctx.store(), wall, ctx.settings(), record, ctx.listener(), ctx.journal().dir());
            records.audit("started", spec.command() + " on " + port + " (" + identity + ")"
                    + (record.firmwareFile != null ? " with " + record.firmwareFile : "")
                    + spec.consent().map(c -> "; consent: " + c).orElse(""));
            return execute(spec, device.orElse(null), prepared, checkpoint, records, identity);
        } finally {
            lease.close();
        }
    }

    private PhoneLease lease(PortPath port, JobIdentity identity, String jobId, String command) throws PhoneLease.Busy {
        return PhoneLease.acquire(ctx.journal().dir(), port, identity, jobId, command, ctx.settings().station(),
                ctx.store() == null ? null : StoreLeases.of(ctx.store()), wall, line -> {
                    ctx.listener().note(line);
                    auditTakeover(jobId, port, line);
                });
    }

    /** The audit event of a lease taken over from a holder that died. */
    public static final String LEASE_TAKEN_OVER = "LEASE_TAKEN_OVER";

    private void auditTakeover(String jobId, PortPath port, String line) {
        if (ctx.store() == null) {
            return;
        }
        try {
            ctx.store().audit().append(ctx.settings().station(), ctx.settings().operator(), jobId, port.toString(), LEASE_TAKEN_OVER, line);
        } catch (RuntimeException e) {
            LOG.warn("could not audit the lease takeover on {}: {}", port, e.getMessage());
        }
    }

    /** The flow and its retries, with the checkpoint, record, per-job extras and listener; the outcome durable before it is told. */
    private JobRecord execute(JobSpec spec, UsbDevice device, JobPlans.Prepared prepared, Checkpoint checkpoint, StoreRecord records,
                              JobIdentity identity) {
        String jobId = checkpoint.job().id;
        PortPath port = PortPath.parse(checkpoint.job().port);
        JobRecord record = records.record();
        MDC.put("job", jobId);
        try (JobContext.Extras extras = ctx.perJob().open(jobId, port)) {
            records.save();
            ctx.listener().jobStarted(port, record);
            Outcome outcome = attempts(spec, device, port, prepared, checkpoint, records, extras, identity);
            if (outcome.reason() == Reason.INTERRUPTED) {
                // Stopped from outside (Ctrl-C): the job file stays RUNNING, so the record's next step is the
                // exact command that finishes it, as the tally says.
                outcome = new Outcome(Reason.INTERRUPTED, outcome.summary(), resumeCommand(port.toString()));
            }
            if (outcome.succeeded() && (record.imei == null || record.productType == null)) {
                learnAfter(spec, port, checkpoint, record);
            }
            // The job file says what the store says: a retry or a look at the port may have changed the flow's outcome
            // (DIFFERENT_PHONE after a retry, BATTERY_DEAD), which the checkpoint heard first.
            checkpoint.finished(port, spec.command(), outcome);
            records.finish(outcome);
            // the certificate (or why there is none) once the outcome and its audit entry are durable
            ctx.certifying().certify(record, ctx.settings(), ctx.store(), records, ctx.listener(), wall);
            ctx.listener().jobFinished(port, record);
            return record;
        } catch (RuntimeException e) {
            // A bug of ours, not the phone's: still a named end, recorded.
            LOG.warn("job {} on {} failed unexpectedly", jobId, port, e);
            records.finish(Reason.INTERNAL_ERROR.name(), "the job failed unexpectedly: " + e, "Send the job's diag bundle to the maintainers.");
            ctx.listener().jobFinished(port, record);
            return record;
        } finally {
            MDC.remove("job");
        }
    }

    private Outcome attempts(JobSpec spec, UsbDevice first, PortPath port, JobPlans.Prepared firstPrepared, Checkpoint checkpoint,
                             StoreRecord records, JobContext.Extras extras, JobIdentity identity) {
        int attempts = records.record().attempts + ctx.settings().retries();
        UsbDevice device = first;
        JobPlans.Prepared prepared = firstPrepared;
        boolean portCycled = false; // once per job
        for (int attempt = records.record().attempts; ; attempt++) {
            records.attempt(attempt);
            List<FlowListener> listeners = new ArrayList<>();
            listeners.add(checkpoint);     // the checkpoint first,
            listeners.add(records);        // then the record,
            listeners.addAll(extras.listeners());
            listeners.add(ctx.listener()); // and only then what people see
            Outcome outcome;
            try {
                outcome = FlowRunner.run(prepared.flow(), new FlowContext(ctx.bus(), ctx.clock(), port, listeners));
                outcome = batteryDiedMeanwhile(port, outcome);
                JobPlans.Prepared ran = prepared;
                records.firmware(ran.firmwareFile(), ran.firmwareSha());
            } finally {
                close(prepared);
            }
            boolean retryable = RetryPolicy.retryable(outcome.reason());
            boolean cycleMayHelp = RetryPolicy.portCycleMayHelp(outcome.reason()) && !portCycled;
            if (cycleMayHelp && !retryable && attempt < attempts && !outcome.succeeded()
                    && dev.lumiaagent.transport.PortPower.NO_CONTROL.equals(ctx.bus().portPower().capability(port).why())) {
                // A bus with no port power at all (serial, remote, replay): a phone that did not return ends as the flow
                // said, with the flow's own next step, at once, as before port power existed.
                cycleMayHelp = false;
            }
            if (outcome.succeeded() || !(retryable || cycleMayHelp) || attempt >= attempts
                    || Thread.currentThread().isInterrupted()) {
                if (portCycled && outcome.reason() == Reason.PHONE_NOT_ANSWERING) {
                    // The cycle was the unplug the flow's next step asks for: the phone came back and still does not
                    // answer, so the phone itself is hung (it runs on its battery through a port's power cut).
                    return new Outcome(outcome.reason(), outcome.summary() + " Its port's power was cycled (as unplugging it would) and "
                            + "it still does not answer: the phone itself is hung.", "Hold Volume-Down + Power for about 10 s until the "
                            + "phone vibrates and restarts, then run the job for it again.");
                }
                return outcome;
            }
            ctx.listener().retrying(port, attempt, attempts, outcome);
            extras.note("attempt " + attempt + " of " + attempts + " failed (" + outcome.reason() + "); re-checking the phone before trying again");
            records.audit("retry", "attempt " + attempt + " failed: " + outcome.reason() + ": " + outcome.summary());
            Optional<UsbDevice> back;
            try {
                back = awaitOn(port);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return outcome;
            }
            // The bench's recovery step (issue 18): a phone that did not come back within its bound, or is back but does
            // not answer, gets its port's power cycled once, as a person would pull and re-plug the cable. The attempt has
            // ended: no write is in progress.
            if (cycleMayHelp && (back.isEmpty() || outcome.reason() == Reason.PHONE_NOT_ANSWERING)) {
                portCycled = true;
                Optional<String> couldNot = cyclePort(port, back.isPresent(), extras, records);
                if (couldNot.isPresent() && back.isEmpty()) {
                    return new Outcome(outcome.reason(), outcome.summary() + " It did not come back to " + port + " within "
                            + PhoneWatcher.human(ctx.settings().reattachBound()) + ", and the agent could not power-cycle its port: "
                            + couldNot.get() + ".", "Unplug the phone from " + port + " and plug it in again, then run the job for it again"
                            + " (the agent could not do it: " + couldNot.get() + ").");
                }
                if (couldNot.isEmpty()) {
                    try {
                        back = settled(port, awaitOn(port));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return outcome;
                    }
                    if (back.isEmpty()) {
                        return new Outcome(outcome.reason(), outcome.summary() + " Its port's power was cycled and it still did not come back to "
                                + port + " within " + PhoneWatcher.human(ctx.settings().reattachBound()) + ".",
                                "Unplug the phone from " + port + ", check the cable and the phone (hold Volume-Down + Power for 10 s), "
                                        + "plug it in again and run the job for it again.");
                    }
                }
            }
            if (back.isEmpty()) {
                // Pulled out and not put back: this phone's job fails; the others carry on.
                return new Outcome(outcome.reason(), outcome.summary() + " It did not come back to " + port + " within "
                        + PhoneWatcher.human(ctx.settings().reattachBound()) + " for another attempt.", outcome.nextStep());
            }
            device = back.get();
            DeviceInfo info = readPhone(spec, device);
            JobIdentity now = JobIdentity.of(info, device);
            if (identity.compare(now) == PhoneIdentity.Match.DIFFERENT) {
                return new Outcome(Reason.DIFFERENT_PHONE, "Attempt " + attempt + " failed (" + outcome.reason() + ") and the phone now on "
                        + port + " is " + now + ", not the job's phone (" + identity + "); it was not touched.",
                        "Put the job's phone back on " + port + " and run the job for it again.");
            }
            checkpoint.learned(now);
            try {
                prepared = JobPlans.prepare(spec, ctx.means(), Optional.of(device), info);
            } catch (JobPlans.NothingToRun e) {
                return new Outcome(outcome.reason(), outcome.summary() + " A new attempt could not be prepared: " + e.getMessage() + ".",
                        outcome.nextStep());
            } catch (JobPlans.NotReady e) {
                return e.outcome();
            }
            checkpoint.nextAttempt(device.personality().mode().name());
        }
    }

    /**
     * After its power came back a phone boots through its UEFI boot manager, whose watchdog continues to the OS after
     * about 9 s (8.985 s on a Lumia 930, traces/nok/109); a retry planned on the boot manager could not choose an FFU
     * from the library. So a phone that arrives in UEFI is given the reattach wait (at least 15 s) to leave again toward
     * its OS; one that stays (its flash app, after an interrupted flash) is taken as it is, after that wait.
     */
    static final java.time.Duration BOOT_MANAGER_SETTLE = java.time.Duration.ofSeconds(15);

    private Optional<UsbDevice> settled(PortPath port, Optional<UsbDevice> first) throws InterruptedException {
        if (first.isEmpty() || first.get().personality().mode() != Mode.UEFI) {
            return first;
        }
        try (PhoneWatcher watcher = new PhoneWatcher(ctx.bus(), ctx.clock(), port)) {
            java.time.Duration bound = ctx.settings().reattachBound();
            if (!watcher.awaitLeave(bound.compareTo(BOOT_MANAGER_SETTLE) < 0 ? BOOT_MANAGER_SETTLE : bound, (w, b) -> { })) {
                return first;
            }
            return watcher.awaitArrival(d -> true, ctx.settings().reattachBound(), (w, b) -> { });
        }
    }

    /** Waits up to the reattach bound for a phone on {@code port}. */
    private Optional<UsbDevice> awaitOn(PortPath port) throws InterruptedException {
        try (PhoneWatcher watcher = new PhoneWatcher(ctx.bus(), ctx.clock(), port)) {
            return watcher.awaitArrival(d -> true, ctx.settings().reattachBound(), (w, b) -> { });
        }
    }

    /**
     * Cycles {@code port}'s power through the bus (issue 18), saying so in the job log, on the bench and in the audit.
     *
     * @return empty when cycled; else why the agent could not, in words ("uhubctl is not installed", "hub 1-2 cannot
     *         switch its ports' power (ganged)")
     */
    private Optional<String> cyclePort(PortPath port, boolean present, JobContext.Extras extras, StoreRecord records) {
        dev.lumiaagent.transport.PortPower power = ctx.bus().portPower();
        dev.lumiaagent.transport.PortPower.Capability can = power.capability(port);
        if (!can.canCycle()) {
            String line = "port-power-cycle " + port + ": not possible: " + can.why();
            extras.note(line);
            ctx.listener().note(line);
            records.audit("port-power-cycle", "not done: " + can.why());
            return Optional.of(can.why());
        }
        String why = present ? "the phone is on " + port + " but does not answer" : "the phone did not come back to " + port;
        String line = "port-power-cycle " + port + ": " + why + "; cycling its power (" + can.why() + ")";
        extras.note(line);
        ctx.listener().note(line);
        dev.lumiaagent.transport.PortPower.CycleResult r = power.cycle(port);
        records.audit("port-power-cycle", r.describe());
        String done = "port-power-cycle " + port + ": " + r.outcome() + (r.detail().isEmpty() ? "" : ": " + r.detail());
        extras.note(done);
        ctx.listener().note(done);
        if (r.cycled()) {
            return Optional.empty();
        }
        return Optional.of(r.detail() + (r.nextStep().isEmpty() ? "" : "; " + r.nextStep()));
    }

    /** How long a phone that left mid-job is looked for on its port, to tell a dead battery from a pulled cable. */
    static final java.time.Duration F006_LOOK = java.time.Duration.ofSeconds(5);
    private static final Set<Reason> PHONE_WENT = java.util.EnumSet.of(Reason.PHONE_LEFT, Reason.PHONE_DID_NOT_RETURN,
            Reason.RETURNED_IN_WRONG_MODE, Reason.PHONE_NOT_ANSWERING, Reason.PHONE_DID_NOT_LEAVE);

    /**
     * A phone that left (or stopped answering) mid-job and is on its port now only as Qualcomm emergency charging
     * (05C6:F006): its battery died. Named so, with the charge next step, not "check the cable" (the fault matrix:
     * a battery dying during any step was PHONE_LEFT). The port is looked at for {@link #F006_LOOK} only when it is empty.
     */
    private Outcome batteryDiedMeanwhile(PortPath port, Outcome o) {
        if (!PHONE_WENT.contains(o.reason()) || Thread.currentThread().isInterrupted()) {
            return o;
        }
        Optional<UsbDevice> now;
        try (PhoneWatcher w = new PhoneWatcher(ctx.bus(), ctx.clock(), port)) {
            now = w.current();
            if (now.isEmpty()) {
                now = w.awaitArrival(d -> true, F006_LOOK, (waited, bound) -> { });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return o;
        }
        if (now.isEmpty() || now.get().personality().mode() != Mode.EMERGENCY_CHARGING) {
            return o;
        }
        return new Outcome(Reason.BATTERY_DEAD, o.summary() + " It is back only as Qualcomm emergency charging (05C6:F006): its battery is dead.",
                "Charge it for at least 20 minutes with a wall charger, then plug it in again and run the command again.");
    }

    /**
     * A phone that started where its mode tells little (the flash app, 9008), or a job that did not read it (soft reset),
     * and ended in normal mode: read it now, so the record names the phone (IMEI, product type and code) it was done to.
     */
    private void learnAfter(JobSpec spec, PortPath port, Checkpoint checkpoint, JobRecord record) {
        Optional<UsbDevice> now = ctx.bus().devices().stream().filter(d -> d.port().equals(port)).findFirst();
        if (now.isEmpty() || !JobIdentity.readableIn(now.get().personality().mode())) {
            return;
        }
        // The job succeeded, so the phone answers now, also after a job that did not read it first (a soft reset
        // of a phone that may have been hung): its record names the phone it was done to.
        DeviceInfo info = JobIdentity.readInfo(ctx.bus(), now.get());
        StoreRecord.fillFrom(record, info);
        checkpoint.learned(JobIdentity.of(info, now.get()));
    }

    /** A job that ended before any flow ran (skipped, refused for the phone's own state, busy): recorded and audited, no job file. */
    private JobRecord endedBeforeStart(JobSpec spec, PortPath port, DeviceInfo info, String mode, String outcome, String summary,
                                       String nextStep, Optional<dev.lumiaagent.flow.gate.GateResult> gate) {
        JobRecord record = StoreRecord.newRecord(JobJournal.newId(wall.instant()), ctx.runId(), spec.command(), ctx.settings(), port,
                info, mode, wall);
        record.attempts = 0;
        StoreRecord records = new StoreRecord(ctx.store(), wall, ctx.settings(), record, ctx.listener(), ctx.journal().dir());
        gate.ifPresent(g -> {
            ctx.listener().gate(port, g);
            records.gate(port, g);
        });
        records.finish(outcome, summary, nextStep);
        ctx.listener().jobFinished(port, record);
        return record;
    }

    /** What the phone is, where its mode tells without disturbing it (unless the job is for phones that may not answer). */
    public DeviceInfo readPhone(JobSpec spec, UsbDevice device) {
        return spec.readsPhoneFirst() ? JobIdentity.readInfo(ctx.bus(), device) : InfoReader.fromBus(device);
    }

    private static String mode(Optional<UsbDevice> device) {
        return device.map(d -> d.personality().mode().name()).orElse("absent");
    }

    private static void close(JobPlans.Prepared p) {
        try {
            p.resources().close();
        } catch (Exception e) {
            LOG.debug("closing the job's files failed", e);
        }
    }

    /** Reads a file's SHA-256 for the record when no verification gave it. */
    static Optional<String> sha256(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(FirmwareFiles.sha256(file));
        } catch (IOException e) {
            LOG.warn("could not read {} for its SHA-256: {}", file, e.getMessage());
            return Optional.empty();
        }
    }
}
