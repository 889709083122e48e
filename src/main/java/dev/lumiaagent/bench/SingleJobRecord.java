package dev.lumiaagent.bench;

import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.flow.Outcome;
import dev.lumiaagent.flow.gate.GateResult;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.transport.PortPath;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The record of a single-phone command's job ({@code reflash}, {@code hard-reset}, {@code emergency},
 * {@code soft-reset}) in the same store and audit log as the bench's: saved at the start, after each step
 * and gate, and when the flow ends (before the outcome is printed, as long as it is listed before the
 * console), then the store is closed. A store that fails is said once and does not stop the job.
 */
public final class SingleJobRecord implements FlowListener {
    private final RecordStore store;
    private final JobRecords records;
    private final JobRecord record;
    private final Supplier<Optional<String>> firmwareSha;
    private final Consumer<String> warn;

    private SingleJobRecord(RecordStore store, JobRecords records, JobRecord record, Supplier<Optional<String>> firmwareSha,
                            Consumer<String> warn) {
        this.store = store;
        this.records = records;
        this.record = record;
        this.firmwareSha = firmwareSha;
        this.warn = warn;
    }

    /**
     * Starts the record of job {@code jobId} (the job file's id) and audits its start; the store is closed
     * when the flow ends. The firmware's SHA-256 comes from {@code firmwareSha} (the flow's own verification
     * of the FFU, which reads the file anyway) when the flow ends; only when the flow did not check the file
     * is it read for its SHA-256 then.
     */
    public static SingleJobRecord start(RecordStore store, String station, String operator, String jobId, String command,
                                        PortPath port, DeviceInfo info, String startMode, Optional<Path> firmware,
                                        Supplier<Optional<String>> firmwareSha, Consumer<String> warn) {
        Clock wall = Clock.systemUTC();
        BenchSettings who = new BenchSettings(1, 0, Duration.ZERO, station, operator);
        JobRecord r = JobRecords.newRecord(jobId, "single-" + jobId, command, who, port, info, startMode, wall);
        firmware.ifPresent(f -> r.firmwareFile = f.toAbsolutePath().toString());
        BenchListener notes = new BenchListener() {
            @Override
            public void note(String line) {
                warn.accept(line);
            }
        };
        JobRecords records = new JobRecords(store, wall, who, r, notes);
        records.save();
        records.audit("started", command + " on " + port + (r.firmwareFile != null ? " with " + r.firmwareFile : ""));
        return new SingleJobRecord(store, records, r, firmwareSha, warn);
    }

    private String readSha() {
        try {
            return FirmwareFiles.sha256(Path.of(record.firmwareFile));
        } catch (IOException e) {
            warn.accept("could not read " + record.firmwareFile + " for its SHA-256: " + e.getMessage());
            return null;
        }
    }

    @Override
    public void gate(PortPath port, GateResult result) {
        records.gate(port, result);
    }

    @Override
    public void stepFinished(PortPath port, String step, boolean ok, String detail) {
        records.stepFinished(port, step, ok, detail);
    }

    @Override
    public void finished(PortPath port, String flow, Outcome outcome) {
        try {
            // The flow's own verification gives the SHA-256, also of an FFU it chose itself (emergency from the
            // library by root-key hash, where no file was known up front); else the given file is read.
            Optional<String> verified = firmwareSha.get();
            if (verified.isPresent()) {
                record.firmwareSha256 = verified.get();
            } else if (record.firmwareFile != null) {
                record.firmwareSha256 = readSha();
            }
            records.finish(outcome);
        } finally {
            store.close();
        }
    }
}
