package dev.lumiaagent.bench;

import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.device.InfoReader;
import dev.lumiaagent.device.PhoneIdentity;
import dev.lumiaagent.flow.FlowContext;
import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.flow.FlowRunner;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.PhoneWatcher;
import dev.lumiaagent.flow.Reason;
import dev.lumiaagent.flow.job.JobIdentity;
import dev.lumiaagent.flow.job.JobJournal;
import dev.lumiaagent.flow.job.JobRecorder;
import dev.lumiaagent.flow.job.PhoneLease;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One job on one phone, start to recorded outcome: read what the phone is, skip it when the job does
 * not apply, checkpoint the job (for {@code resume}) and record it (store + audit), run the flow, and
 * retry failures that are safe to retry — only after the phone is back on its port and is the same
 * phone, with a new plan from the mode it is in then (DESIGN §4). Never throws: every end is a record.
 */
final class PortJob {
    private static final Logger LOG = LoggerFactory.getLogger(PortJob.class);
    private final BenchContext ctx;
    private final Clock wall = Clock.systemUTC();

    PortJob(BenchContext ctx) {
        this.ctx = ctx;
    }

    JobRecord run(UsbDevice device) {
        return run(device, readPhone(device));
    }

    /** As {@link #run(UsbDevice)}, with what was just read from the phone (by {@link #readPhone}). */
    JobRecord run(UsbDevice device, DeviceInfo info) {
        PortPath port = device.port();
        String mode = device.personality().mode().name();
        Optional<String> cannot = ctx.job().cannotStartOn(device);
        BenchJob.Prepared prepared = null;
        String skip = cannot.orElse(null);
        if (skip == null) {
            try {
                prepared = ctx.job().prepare(ctx.bus(), device, info);
            } catch (BenchJob.NotReady e) {
                return endedBeforeStart(port, info, mode, e.outcome().reason().name(), e.outcome().summary(), e.outcome().nextStep());
            } catch (BenchJob.NothingToRun e) {
                skip = e.getMessage();
            } catch (RuntimeException e) {
                LOG.debug("preparing {} on {} failed", ctx.job().command(), port, e);
                skip = "the job could not be prepared: " + e;
            }
        }
        if (skip != null) {
            return skipped(port, info, mode, skip);
        }
        JobIdentity identity = JobIdentity.of(info, device);
        // One job per phone: the lease is taken in the new job's name before its file exists, so a refused job
        // leaves no RUNNING file behind for `resume`; it is held until the job's last attempt ends.
        String newId = JobJournal.newId(wall.instant());
        PhoneLease lease;
        try {
            lease = PhoneLease.acquire(ctx.journal().dir(), port, identity, newId, ctx.job().command(), ctx.settings().station(),
                    StoreLeases.of(ctx.store()), wall, line -> auditTakeover(newId, port, line));
        } catch (PhoneLease.Busy e) {
            close(prepared);
            return endedBeforeStart(port, info, mode, Reason.PHONE_BUSY.name(), e.getMessage() + ".", e.nextStep());
        } catch (RuntimeException e) {
            close(prepared);
            return skipped(port, info, mode, "the phone's lock could not be taken: " + e.getMessage() + " — nothing was done to the phone");
        }
        try {
            return leased(device, info, prepared, identity, newId, mode);
        } finally {
            lease.close();
        }
    }

    private void auditTakeover(String jobId, PortPath port, String line) {
        try {
            ctx.store().audit().append(ctx.settings().station(), ctx.settings().operator(), jobId, port.toString(), "LEASE_TAKEN_OVER", line);
        } catch (RuntimeException e) {
            LOG.warn("could not audit the lease takeover on {}: {}", port, e.getMessage());
        }
    }

    private JobRecord leased(UsbDevice device, DeviceInfo info, BenchJob.Prepared prepared, JobIdentity identity, String newId, String mode) {
        PortPath port = device.port();
        JobRecorder recorder;
        try {
            // The FFU chosen for this phone (from the library) goes into its job file, so `resume` can finish it.
            java.util.Map<String, List<String>> params = new java.util.LinkedHashMap<>(ctx.job().params());
            prepared.firmware().ifPresent(f -> params.putIfAbsent("ffu", List.of(f.path().toString())));
            recorder = JobRecorder.start(ctx.journal(), newId, ctx.job().command(), params, port, identity, mode);
        } catch (RuntimeException e) {
            close(prepared);
            return skipped(port, info, mode, "the job could not be checkpointed in " + ctx.journal().dir() + ": " + e.getMessage()
                    + " — nothing was done to the phone");
        }
        String jobId = recorder.job().id;
        JobRecord record = JobRecords.newRecord(jobId, ctx.runId(), ctx.job().command(), ctx.settings(), port, info, mode, wall);
        prepared.firmware().ifPresent(f -> {
            record.firmwareFile = f.path().toString();
            record.firmwareSha256 = f.sha256();
        });
        JobRecords records = new JobRecords(ctx.store(), wall, ctx.settings(), record, ctx.listener());
        MDC.put("job", jobId);
        try (BenchContext.Extras extras = ctx.perJob().open(jobId, port)) {
            records.save();
            records.audit("started", ctx.job().command() + " on " + port + " (" + identity + ")"
                    + (record.firmwareFile != null ? " with " + record.firmwareFile + " sha256 " + record.firmwareSha256 : "")
                    + consentNote());
            ctx.listener().jobStarted(port, record);
            Outcome outcome = attempts(device, prepared, recorder, records, extras, identity);
            if (outcome.reason() == Reason.INTERRUPTED) {
                // Stopped from outside (Ctrl-C): the job file stays RUNNING, so the record's next step is the
                // exact command that finishes it, as the tally says.
                outcome = new Outcome(Reason.INTERRUPTED, outcome.summary(), Tally.resumeCommand(port.toString()));
            }
            if (outcome.succeeded() && (record.imei == null || record.productType == null)) {
                learnAfter(port, recorder, record);
            }
            records.finish(outcome);
            ctx.listener().jobFinished(port, record);
            return record;
        } catch (RuntimeException e) {
            // A bug of ours, not the phone's: still a named end, recorded.
            LOG.warn("job {} on {} failed unexpectedly", jobId, port, e);
            records.finish(Reason.INTERNAL_ERROR.name(), "the bench failed unexpectedly: " + e, "Send the job's diag bundle to the maintainers.");
            ctx.listener().jobFinished(port, record);
            return record;
        } finally {
            MDC.remove("job");
        }
    }

    private Outcome attempts(UsbDevice first, BenchJob.Prepared firstPrepared, JobRecorder recorder, JobRecords records,
                             BenchContext.Extras extras, JobIdentity identity) {
        PortPath port = first.port();
        int attempts = 1 + ctx.settings().retries();
        UsbDevice device = first;
        BenchJob.Prepared prepared = firstPrepared;
        for (int attempt = 1; ; attempt++) {
            records.attempt(attempt);
            List<FlowListener> listeners = new ArrayList<>();
            listeners.add(recorder);       // the checkpoint first,
            listeners.add(records);        // then the record,
            listeners.addAll(extras.listeners());
            listeners.add(ctx.listener()); // and only then what people see
            Outcome outcome;
            try {
                outcome = FlowRunner.run(prepared.flow(), new FlowContext(ctx.bus(), ctx.clock(), port, listeners));
            } finally {
                close(prepared);
            }
            if (outcome.succeeded() || !RetryPolicy.retryable(outcome.reason()) || attempt >= attempts
                    || Thread.currentThread().isInterrupted()) {
                return outcome;
            }
            ctx.listener().retrying(port, attempt, attempts, outcome);
            extras.note("attempt " + attempt + " of " + attempts + " failed (" + outcome.reason() + "); re-checking the phone before trying again");
            records.audit("retry", "attempt " + attempt + " failed: " + outcome.reason() + ": " + outcome.summary());
            Optional<UsbDevice> back;
            try (PhoneWatcher watcher = new PhoneWatcher(ctx.bus(), ctx.clock(), port)) {
                back = watcher.awaitArrival(d -> true, ctx.settings().reattachBound(), (w, b) -> { });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return outcome;
            }
            if (back.isEmpty()) {
                // Pulled out and not put back: this phone's job fails; the others carry on.
                return new Outcome(outcome.reason(), outcome.summary() + " It did not come back to " + port + " within "
                        + PhoneWatcher.human(ctx.settings().reattachBound()) + " for another attempt.", outcome.nextStep());
            }
            device = back.get();
            DeviceInfo info = readPhone(device);
            JobIdentity now = JobIdentity.of(info, device);
            if (identity.compare(now) == PhoneIdentity.Match.DIFFERENT) {
                return new Outcome(Reason.DIFFERENT_PHONE, "Attempt " + attempt + " failed (" + outcome.reason() + ") and the phone now on "
                        + port + " is " + now + ", not the job's phone (" + identity + "); it was not touched.",
                        "Put the job's phone back on " + port + " and run the job for it again.");
            }
            recorder.learned(now);
            try {
                prepared = ctx.job().prepare(ctx.bus(), device, info);
            } catch (BenchJob.NothingToRun e) {
                return new Outcome(outcome.reason(), outcome.summary() + " A new attempt could not be prepared: " + e.getMessage() + ".",
                        outcome.nextStep());
            } catch (BenchJob.NotReady e) {
                return e.outcome();
            }
            recorder.nextAttempt(device.personality().mode().name());
        }
    }

    /**
     * A phone that started where its mode tells little (the flash app, 9008) and ended in normal mode:
     * read it now, so the record names the phone (IMEI, product type and code) it was done to.
     */
    private void learnAfter(PortPath port, JobRecorder recorder, JobRecord record) {
        Optional<UsbDevice> now = ctx.bus().devices().stream().filter(d -> d.port().equals(port)).findFirst();
        if (now.isEmpty() || !JobIdentity.readableIn(now.get().personality().mode()) || !ctx.job().readsPhoneFirst()) {
            return;
        }
        DeviceInfo info = readPhone(now.get());
        JobRecords.fillFrom(record, info);
        recorder.learned(JobIdentity.of(info, now.get()));
    }

    private JobRecord skipped(PortPath port, DeviceInfo info, String mode, String why) {
        return endedBeforeStart(port, info, mode, JobRecord.SKIPPED, "Skipped: " + why + ".", null);
    }

    /** A job that ended before any flow ran (skipped, or refused for the phone's own state): recorded and audited, no job file. */
    private JobRecord endedBeforeStart(PortPath port, DeviceInfo info, String mode, String outcome, String summary, String nextStep) {
        JobRecord record = JobRecords.newRecord(JobJournal.newId(wall.instant()), ctx.runId(), ctx.job().command(), ctx.settings(), port,
                info, mode, wall);
        record.attempts = 0;
        JobRecords records = new JobRecords(ctx.store(), wall, ctx.settings(), record, ctx.listener());
        records.finish(outcome, summary, nextStep);
        ctx.listener().jobFinished(port, record);
        return record;
    }

    /** What the phone is, where its mode tells without disturbing it (unless the job is for phones that may not answer). */
    DeviceInfo readPhone(UsbDevice device) {
        return ctx.job().readsPhoneFirst() ? JobIdentity.readInfo(ctx.bus(), device) : InfoReader.fromBus(device);
    }

    private String consentNote() {
        List<String> consent = ctx.job().params().get("consent");
        return consent == null || consent.isEmpty() ? "" : "; consent: " + consent.get(0);
    }

    private static void close(BenchJob.Prepared p) {
        try {
            p.resources().close();
        } catch (Exception e) {
            LOG.debug("closing the job's files failed", e);
        }
    }
}
