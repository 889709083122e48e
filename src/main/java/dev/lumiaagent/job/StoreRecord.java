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
 * appends the audit entries (started, each gate verdict, each retry, finished). A store that fails is
 * reported once to the bench and does not stop the job: the job file in the jobs directory still holds
 * the job.
 */
final class StoreRecord implements FlowListener {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRecord.class);

    private final RecordStore store;
    private final Clock clock;
    private final JobSettings settings;
    private final JobRecord record;
    private final JobListener bench;
    private volatile int attempt = 1;
    private volatile boolean storeFailed;

    StoreRecord(RecordStore store, Clock clock, JobSettings settings, JobRecord record, JobListener bench) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.record = record;
        this.bench = bench;
    }

    static JobRecord newRecord(String jobId, String runId, String command, JobSettings settings, PortPath port, DeviceInfo info,
                               String startMode, Clock clock) {
        JobRecord r = new JobRecord();
        r.jobId = jobId;
        r.runId = runId;
        r.command = command;
        r.station = settings.station();
        r.operator = settings.operator();
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

    /** Saves the record; true when it is durable in the store (false without a store: the job file holds the job). */
    boolean save() {
        if (store == null) {
            return false;
        }
        try {
            store.save(record);
            return true;
        } catch (RuntimeException e) {
            storeFailed(e);
            return false;
        }
    }

    void audit(String event, String detail) {
        if (store == null) {
            return;
        }
        try {
            store.audit().append(settings.station(), settings.operator(), record.jobId, record.port, event, detail);
        } catch (RuntimeException e) {
            storeFailed(e);
        }
    }

    private void storeFailed(RuntimeException e) {
        LOG.warn("could not record job {} in {}: {}", record.jobId, store.describe(), e.getMessage());
        if (!storeFailed) {
            storeFailed = true;
            bench.note("could not record job " + record.jobId + " on " + record.port + " in " + store.describe() + ": "
                    + e.getMessage() + " — the job file in the jobs directory still holds it");
        }
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

    /** The job's final outcome: saved (durable) before the bench prints it, then audited. */
    void finish(String outcome, String summary, String nextStep) {
        record.outcome = outcome;
        record.summary = summary;
        record.nextStep = nextStep == null || nextStep.isEmpty() ? null : nextStep;
        record.ended = clock.instant().toString();
        save();
        audit("finished", outcome + ": " + summary);
    }

    void finish(Outcome o) {
        finish(o.reason().name(), o.summary(), o.nextStep());
    }
}
