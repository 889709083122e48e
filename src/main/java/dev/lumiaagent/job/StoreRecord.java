package dev.lumiaagent.job;

import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.device.InfoField;
import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.gate.GateResult;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.transport.PortPath;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one job's record and its audit trail: fills the {@link JobRecord} from what was read and from
 * the flow's steps and gates, saves it to the store at the start, after every step and at the end, and
 * appends the audit entries (started, each gate verdict, each retry, finished).
 *
 * <p>A store that fails (a connection dropped mid-commit, a full disk, a database locked by another
 * program) does not stop the job: it is said once to the bench, the job file in the jobs directory still
 * holds the job, and what could not be saved is kept ({@link UnrecordedJob}) and tried again at the next
 * save and at the end — the record's newest state, and the audit entries in order, each appended once.
 * When the store is still failing at the end, what it lacks is written to {@code unrecorded/<id>.json} in the
 * jobs directory, and the record's {@link JobRecord#notRecorded} (the outcome line, the tally) says so and
 * names {@code lumia-agent jobs sync}, which completes it when the store is back.
 */
final class StoreRecord implements FlowListener {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRecord.class);

    private final RecordStore store;
    private final Clock clock;
    private final JobSettings settings;
    private final JobRecord record;
    private final JobListener bench;
    private final java.nio.file.Path jobsDir;
    private final UnrecordedJob backlog;
    /** The file an earlier run of the job left for the store, now in this backlog: removed once the store has it all. */
    private volatile java.nio.file.Path adopted;
    private volatile int attempt = 1;
    private volatile boolean storeFailed;
    private volatile String lastFailure;

    StoreRecord(RecordStore store, Clock clock, JobSettings settings, JobRecord record, JobListener bench, java.nio.file.Path jobsDir) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.record = record;
        this.bench = bench;
        this.jobsDir = jobsDir;
        this.backlog = new UnrecordedJob(record);
        this.adopted = adopt();
    }

    /**
     * A job run again ({@code resume}) whose earlier run ended with the store failing: what that run left for the
     * store comes first in this one's backlog, so its audit entries are appended once, in order, before this
     * run's; the file goes once the store has it all.
     */
    private java.nio.file.Path adopt() {
        if (store == null || jobsDir == null || !JobJournal.isJobId(record.jobId)) {
            return null;
        }
        java.nio.file.Path file = UnrecordedJob.file(jobsDir, record.jobId);
        if (!java.nio.file.Files.exists(file)) {
            return null;
        }
        try {
            UnrecordedJob earlier = UnrecordedJob.read(file);
            backlog.adopt(earlier);
            return file;
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("could not read what {} kept of job {} for the store: {}", file, record.jobId, e.toString());
            return null;
        }
    }

    static JobRecord newRecord(String jobId, String runId, String command, JobSettings settings, PortPath port, DeviceInfo info,
                               String startMode, Clock clock) {
        JobRecord r = new JobRecord();
        r.jobId = jobId;
        r.runId = runId;
        r.command = command;
        r.station = settings.station();
        r.operator = settings.operator();
        r.site = settings.site();
        r.port = port.toString();
        r.productType = info.text(InfoField.PRODUCT_TYPE).orElse(null);
        r.productCode = info.text(InfoField.PRODUCT_CODE).orElse(null);
        r.imei = info.text(InfoField.IMEI).orElse(null);
        r.publicId = info.text(InfoField.PUBLIC_ID).orElse(null);
        r.usbSerial = info.text(InfoField.USB_SERIAL).filter(s -> !s.isBlank()).orElse(null);
        r.platformId = info.text(InfoField.PLATFORM_ID).orElse(null);
        r.startMode = startMode;
        for (Map.Entry<InfoField, Object> e : info.values().entrySet()) {
            r.deviceInfo.put(e.getKey().jsonName(), String.valueOf(e.getValue()));
        }
        r.started = clock.instant().toString();
        r.attempts = 1;
        return r;
    }

    /** Fills the fields the record lacks from a later read (the identity is the same phone's: the flow confirmed it). */
    static void fillFrom(JobRecord r, DeviceInfo info) {
        r.productType = r.productType != null ? r.productType : info.text(InfoField.PRODUCT_TYPE).orElse(null);
        r.productCode = r.productCode != null ? r.productCode : info.text(InfoField.PRODUCT_CODE).orElse(null);
        r.imei = r.imei != null ? r.imei : info.text(InfoField.IMEI).orElse(null);
        r.publicId = r.publicId != null ? r.publicId : info.text(InfoField.PUBLIC_ID).orElse(null);
        r.platformId = r.platformId != null ? r.platformId : info.text(InfoField.PLATFORM_ID).orElse(null);
        for (Map.Entry<InfoField, Object> e : info.values().entrySet()) {
            r.deviceInfo.putIfAbsent(e.getKey().jsonName(), String.valueOf(e.getValue()));
        }
    }

    void attempt(int n) {
        attempt = n;
        record.attempts = n;
    }

    JobRecord record() {
        return record;
    }

    /**
     * The firmware the flow used: its file, and its SHA-256 from the flow's own verification (which read the
     * file anyway); only when no verification gave it (a resumed job that did not write again) is the file read.
     */
    void firmware(java.util.Optional<java.nio.file.Path> file, java.util.function.Supplier<java.util.Optional<String>> verifiedSha) {
        file.ifPresent(f -> record.firmwareFile = f.toAbsolutePath().toString());
        java.util.Optional<String> sha = verifiedSha.get();
        if (sha.isPresent()) {
            record.firmwareSha256 = sha.get();
        } else if (record.firmwareSha256 == null && record.firmwareFile != null) {
            JobRunner.sha256(java.nio.file.Path.of(record.firmwareFile)).ifPresent(h -> record.firmwareSha256 = h);
        }
    }

    /**
     * Saves the record, with whatever an earlier failure left unsaved; true when the store holds all of the job
     * now (false without a store: the job file holds the job).
     */
    boolean save() {
        if (store == null) {
            return false;
        }
        backlog.changed();
        return flush();
    }

    /** Appends an audit entry after the ones still waiting (if any), in order. */
    void audit(String event, String detail) {
        if (store == null) {
            return;
        }
        backlog.queue(new UnrecordedJob.Entry(settings.station(), settings.operator(), record.jobId, record.port, event, detail,
                clock.instant().toString()));
        flush();
    }

    private boolean flush() {
        try {
            backlog.flush(store);
        } catch (RuntimeException e) {
            storeFailed(e);
            return false;
        }
        if (adopted != null) {
            try {
                java.nio.file.Files.deleteIfExists(adopted);
                adopted = null;
            } catch (java.io.IOException e) {
                LOG.warn("could not remove {}: {}", adopted, e.toString());
            }
        }
        if (storeFailed) {
            storeFailed = false;
            bench.note("job " + record.jobId + " on " + record.port + ": " + store.describe() + " works again; the job's record "
                    + "is complete in it");
        }
        return true;
    }

    private void storeFailed(RuntimeException e) {
        lastFailure = e.getMessage();
        LOG.warn("could not record job {} in {}: {}", record.jobId, store.describe(), e.getMessage());
        if (!storeFailed) {
            storeFailed = true;
            bench.note("could not record job " + record.jobId + " on " + record.port + " in " + store.describe() + ": "
                    + e.getMessage() + " — the job goes on (its job file holds it), and what was not saved is tried again "
                    + "at the next save and at the end");
        }
    }

    /**
     * The end of the job with the store still failing: what the store lacks goes to a file in the jobs directory
     * for {@code jobs sync}, and the record says so (the outcome line and the tally print it).
     */
    private void leftUnrecorded() {
        String lacks = backlog.missing();
        backlog.store = store.describe();
        backlog.failure = lastFailure;
        String how;
        try {
            java.nio.file.Path file = backlog.write(jobsDir);
            how = "kept in " + file + "; when the store works again, `" + UnrecordedJob.SYNC_COMMAND + "` completes it";
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("could not keep what {} lacks of job {}: {}", store.describe(), record.jobId, e.toString());
            how = "it could not be kept either (" + e.getMessage() + "): the job file " + record.jobId + ".json in " + jobsDir
                    + " holds the job's steps, gates and outcome; the audit entries listed are lost";
        }
        record.notRecorded = store.describe() + " lacks " + lacks + " (" + lastFailure + "); " + how;
        bench.note("job " + record.jobId + " on " + record.port + ": its record is not complete: " + record.notRecorded);
    }

    @Override
    public void gate(PortPath port, GateResult result) {
        synchronized (record) {
            record.gates.add(new JobRecord.GateRecord(attempt, result.gate().name(), result.verdict().name(), result.detail(),
                    result.blocks()));
        }
        audit("gate", result.gate().name() + " " + result.verdict().name() + ": " + result.detail());
        save();
    }

    @Override
    public void stepFinished(PortPath port, String step, boolean ok, String detail) {
        synchronized (record) {
            record.steps.add(new JobRecord.StepRecord(attempt, step, ok, detail, clock.instant().toString()));
        }
        save();
    }

    @Override
    public void evidence(PortPath port, dev.lumiaagent.flow.Evidence e) {
        synchronized (record) {
            record.evidence.add(new JobRecord.EvidenceRecord(attempt, e.kind().name(), e.name(), e.ok(), e.detail(),
                    clock.instant().toString()));
        }
        save();
    }

    /** The job's final outcome: saved (durable) before the bench prints it, then audited. */
    void finish(String outcome, String summary, String nextStep) {
        record.outcome = outcome;
        record.summary = summary;
        record.nextStep = nextStep == null || nextStep.isEmpty() ? null : nextStep;
        record.ended = clock.instant().toString();
        save();
        audit("finished", outcome + ": " + summary);
        if (store != null && !backlog.complete()) {
            leftUnrecorded();
        }
    }

    void finish(Outcome o) {
        finish(o.reason().name(), o.summary(), o.nextStep());
    }
}
