package dev.lumiaagent.cli;

import dev.lumiaagent.bench.SingleJobRecord;
import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.device.InfoReader;
import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.flow.job.JobIdentity;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStoreException;
import java.util.ArrayList;
import java.util.Optional;
import java.util.function.Supplier;
import dev.lumiaagent.flow.job.JobJournal;
import dev.lumiaagent.flow.job.JobRecorder;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --jobs-dir DIR}: where job files are checkpointed (default {@code $LUMIA_AGENT_JOBS} or the user's data directory). */
final class JobOptions {
    @Option(names = "--jobs-dir", paramLabel = "DIR",
            description = "Where jobs are recorded for `jobs` and `resume` (default $" + JobJournal.ENV_JOBS
                    + ", else lumia-agent/jobs in the user's data directory).")
    Path jobsDir;

    JobJournal journal() {
        return new JobJournal(jobsDir != null ? jobsDir : JobJournal.defaultDir());
    }

    /**
     * The job's listeners, to be listed first and in this order: its checkpoint (the job file, for
     * `resume`) and its record in the record store (with the audit log), so both are written before the
     * console shows an outcome. What is read from the phone first (where its mode allows) goes into both.
     * A store that cannot be opened is said, and the job runs with its job file only.
     */
    List<FlowListener> startRecorded(Bus bus, UsbDevice phone, PortPath port, String command, Map<String, List<String>> params,
                                     boolean readPhone, StoreOptions store, Optional<Path> firmware,
                                     Supplier<Optional<String>> firmwareSha, PrintWriter out) {
        DeviceInfo info = phone == null ? DeviceInfo.builder().build()
                : readPhone ? JobIdentity.readInfo(bus, phone) : InfoReader.fromBus(phone);
        JobIdentity identity = phone == null ? new JobIdentity(null, null, null) : JobIdentity.of(info, phone);
        RecordStore records;
        String notRecorded = null;
        try {
            records = store.open();
        } catch (RecordStoreException e) {
            records = null;
            notRecorded = e.getMessage();
        }
        // One phone, one job (issue #14): the phone's lease (this machine's lock, and the store's lease row that
        // other stations see) is taken in the new job's name before its job file is written, and given back when
        // the flow ends; a phone another job drives is refused by name, before anything is done to it.
        String jobId = dev.lumiaagent.flow.job.JobJournal.newId(java.time.Instant.now());
        dev.lumiaagent.flow.job.PhoneLease lease;
        RecordStore shared = records;
        try {
            lease = dev.lumiaagent.flow.job.PhoneLease.acquire(journal().dir(), port, identity, jobId, command,
                    BenchOptions.defaultStation(), shared == null ? null : dev.lumiaagent.bench.StoreLeases.of(shared),
                    java.time.Clock.systemUTC(), line -> {
                        out.println("note: " + line);
                        out.flush();
                        if (shared != null) {
                            try {
                                shared.audit().append(BenchOptions.defaultStation(), BenchOptions.defaultOperator(), jobId,
                                        port.toString(), ResumeCommand.LEASE_TAKEN_OVER, line);
                            } catch (RecordStoreException e) {
                                out.println("warning: the takeover could not be audited: " + e.getMessage());
                            }
                        }
                    });
        } catch (dev.lumiaagent.flow.job.PhoneLease.Busy e) {
            if (records != null) {
                records.close();
            }
            throw new PhoneSelection.NoSinglePhone(ExitCode.FAILED, dev.lumiaagent.flow.Reason.PHONE_BUSY + ": " + e.getMessage()
                    + ". Nothing was done to the phone.", e.nextStep());
        }
        JobRecorder recorder;
        try {
            recorder = start(jobId, port, command, params, identity, phone == null ? "absent" : phone.personality().mode().name(), out);
        } catch (RuntimeException e) {
            lease.close();
            if (records != null) {
                records.close();
            }
            throw e;
        }
        noteCapture(bus, journal().dir(), recorder.job().id);
        List<FlowListener> listeners = new ArrayList<>(List.of(recorder));
        // Given back when the flow ends, before the record closes its store (the lease row lives there).
        listeners.add(new FlowListener() {
            @Override
            public void finished(PortPath p, String flow, dev.lumiaagent.flow.Outcome outcome) {
                lease.close();
            }
        });
        List<FlowListener> logAndTrace = logAndTrace(bus, port, jobId);
        if (records == null) {
            out.println("warning: the job is not recorded in the record store (" + notRecorded + "); its job file has it.");
            out.flush();
            listeners.addAll(logAndTrace);
            return listeners;
        }
        listeners.add(SingleJobRecord.start(records, BenchOptions.defaultStation(), BenchOptions.defaultOperator(), recorder.job().id,
                command, port, info, phone == null ? "absent" : phone.personality().mode().name(), firmware, firmwareSha, line -> {
                    synchronized (out) {
                        out.println("warning: " + line);
                        out.flush();
                    }
                }));
        listeners.addAll(logAndTrace);
        return listeners;
    }

    /**
     * When the run is captured ({@code --capture}), writes {@code ID.capture} next to the job file: the
     * pcap's path, which {@code lumia-agent diag} bundles. The capture holds every phone of the run; a
     * note that cannot be written only costs the bundle its pcap.
     */
    static void noteCapture(Bus bus, Path jobsDir, String jobId) {
        dev.lumiaagent.transport.capture.CaptureBus captured = BusOptions.under(bus, dev.lumiaagent.transport.capture.CaptureBus.class);
        if (captured == null) {
            return;
        }
        Path pcap = captured.capture().file().toAbsolutePath();
        try {
            java.nio.file.Files.writeString(jobsDir.resolve(jobId + CAPTURE_NOTE), pcap + "\n", java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(JobOptions.class).warn("cannot note the capture {} of job {}: {}", pcap, jobId, e.toString());
        }
    }

    /**
     * The job's own log ({@code ID.log}: its steps, gates, outcome and the agent's log lines for it, protocol
     * packets included) and, on a traced bus, the protocol trace of its phone ({@code ID.trace}), next to the
     * job file, as a bench job has them: what `lumia-agent diag` bundles (issue #14: a single-phone job's diag
     * had neither). Both end with the flow.
     */
    private List<FlowListener> logAndTrace(Bus bus, PortPath port, String jobId) {
        Path dir = journal().dir();
        dev.lumiaagent.transport.TracingBus tracing = bus instanceof dev.lumiaagent.transport.TracingBus
                ? (dev.lumiaagent.transport.TracingBus) bus : null;
        if (tracing != null) {
            tracing.traceTo(port, dir.resolve(jobId + ".trace"));
        }
        JobLogAppender.install(ch.qos.logback.classic.Level.INFO);
        dev.lumiaagent.flow.job.JobLog log = dev.lumiaagent.flow.job.JobLog.open(dir.resolve(jobId + ".log"),
                java.time.Clock.systemUTC()).register(jobId);
        // The flow runs on this thread: its log lines (protocol packets at DEBUG) go to this job's log.
        org.slf4j.MDC.put(JobLogAppender.MDC_KEY, jobId);
        FlowListener closer = new FlowListener() {
            @Override
            public void finished(PortPath p, String flow, dev.lumiaagent.flow.Outcome outcome) {
                if (tracing != null) {
                    tracing.stopTracing(port);
                }
                log.close();
                org.slf4j.MDC.remove(JobLogAppender.MDC_KEY);
                JobLogAppender.uninstall();
            }
        };
        return List.of(log, closer); // the log writes the outcome, then both end
    }

    /** The suffix of the note that names a job's capture file. */
    static final String CAPTURE_NOTE = ".capture";

    /** Writes the job file (a jobs directory that cannot be written stops the command before anything is done) and says so. */
    private JobRecorder start(String jobId, PortPath port, String command, Map<String, List<String>> params, JobIdentity identity,
                              String startMode, PrintWriter out) {
        JobJournal journal = journal();
        try {
            JobRecorder r = JobRecorder.start(journal, jobId, command, params, port, identity, startMode);
            out.println("job " + r.job().id + " (" + identity + ") recorded in " + journal.dir()
                    + "; if the agent is stopped, `lumia-agent resume` continues it.");
            out.flush();
            return r;
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(e.getMessage() + " — give a writable directory with --jobs-dir or $"
                    + JobJournal.ENV_JOBS + ". Nothing was done to the phone.");
        }
    }
}
