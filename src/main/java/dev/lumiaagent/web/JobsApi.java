package dev.lumiaagent.web;

import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobDiag;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobState;
import dev.lumiaagent.record.DiagBundle;
import dev.lumiaagent.record.DiagBundleException;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStoreException;
import dev.lumiaagent.record.Report;
import dev.lumiaagent.record.ReportWriter;
import dev.lumiaagent.record.Since;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The history the API reads: job records from the record store (or, without one, from the job files), a job's
 * record and file, its log, trace and diagnostics bundle, the records report. Every job id is checked against the
 * job id form before any file is touched, and every file is resolved inside the jobs directory.
 */
final class JobsApi {
    /** The suffix of the note that names a job's capture file (as cli.JobOptions writes it). */
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final RecordStore store;
    private final JobJournal journal;
    private final String version;

    JobsApi(RecordStore store, JobJournal journal, String version) {
        this.store = store;
        this.journal = journal;
        this.version = version;
    }

    /** The job id, checked: anything not in the job id form is a 400, before any file or query. */
    static String checkId(String id) {
        if (!JobJournal.isJobId(id)) {
            throw ApiError.badRequest("'" + abbreviate(id) + "' is not a job id",
                    "job ids look like 20261203-164920-123-a1b2c3; list them with GET /api/v1/jobs");
        }
        return id;
    }

    private static String abbreviate(String s) {
        String t = s == null ? "" : s.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() > 60 ? t.substring(0, 60) + "…" : t;
    }

    /** The job records, newest first, that {@code q} matches (IMEI, serial / public ID / USB serial, job id prefix). */
    List<Report.Row> search(String q, int limit) {
        String needle = q == null ? "" : q.strip().toLowerCase(Locale.ROOT);
        List<JobRecord> all = new ArrayList<>(records(null));
        all.sort(Comparator.comparing((JobRecord r) -> r.started == null ? "" : r.started)
                .thenComparing(r -> r.jobId == null ? "" : r.jobId).reversed());
        List<JobRecord> hits = new ArrayList<>();
        for (JobRecord r : all) {
            if (hits.size() >= limit) {
                break;
            }
            if (needle.isEmpty() || matches(r, needle)) {
                hits.add(r);
            }
        }
        return Report.of(hits, null).jobs();
    }

    private static boolean matches(JobRecord r, String needle) {
        if (r.jobId != null && r.jobId.toLowerCase(Locale.ROOT).startsWith(needle)) {
            return true;
        }
        return r.identities().stream().anyMatch(s -> s.toLowerCase(Locale.ROOT).contains(needle));
    }

    /** Records since {@code since} (null: all), oldest first: the store's, or made from the job files without one. */
    List<JobRecord> records(Instant since) {
        if (store != null) {
            try {
                return store.jobs(since == null ? null : since.toString());
            } catch (RecordStoreException e) {
                throw new ApiError(503, "the record store cannot be read: " + e.getMessage(), e.nextStep());
            }
        }
        List<JobRecord> out = new ArrayList<>();
        for (Job j : journal.list()) {
            JobRecord r = fromFile(j);
            if (since == null || (r.started != null && r.started.compareTo(since.toString()) >= 0)) {
                out.add(r);
            }
        }
        return out;
    }

    /** A record made from a job file alone (a server without a record store): what the file knows. */
    private static JobRecord fromFile(Job j) {
        JobRecord r = new JobRecord();
        r.jobId = j.id;
        r.command = j.command;
        r.port = j.port;
        r.imei = j.identity.imei();
        r.publicId = j.identity.publicId();
        r.usbSerial = j.identity.usbSerial();
        r.started = j.created;
        r.ended = j.state == JobState.RUNNING ? null : j.updated;
        r.attempts = j.runs.size();
        r.outcome = j.state == JobState.RUNNING ? null : j.state == JobState.DONE ? JobRecord.DONE
                : j.reason != null ? j.reason : j.state.name();
        r.summary = j.summary;
        r.nextStep = j.nextStep;
        return r;
    }

    /**
     * One job: its record from the store (steps, gates, outcome, next step, evidence), its job file, either may be null,
     * and its certificate's status (null for a job that has none: not erasing, or ended before certificates).
     */
    record Detail(String jobId, JobRecord record, Job job, CertificateStatus certificate) {
    }

    /** An erasing job's certificate: ISSUED with its SHA-256s, or REFUSED with the reason. */
    record CertificateStatus(String status, String reason, String issued, String jsonSha256, String pdfSha256, String keyId) {
        static CertificateStatus of(dev.lumiaagent.record.StoredCertificate c) {
            return new CertificateStatus(c.status().name(), c.reason(), c.issued(), c.jsonSha256(), c.pdfSha256(), c.keyId());
        }
    }

    /** The job's certificate as stored: a 404 naming why there is none (refused: the reason; none made; no store). */
    dev.lumiaagent.record.StoredCertificate certificate(String id) {
        checkId(id);
        if (store == null) {
            throw ApiError.notFound("this server has no record store, where certificates are kept",
                    "start it with --store, or run `lumia-agent certificate " + id + "` on the station");
        }
        Optional<dev.lumiaagent.record.StoredCertificate> c;
        try {
            c = store.certificate(id);
        } catch (RecordStoreException e) {
            throw new ApiError(503, "the record store cannot be read: " + e.getMessage(), e.nextStep());
        }
        if (c.isEmpty()) {
            throw ApiError.notFound("job " + id + " has no certificate (only erasing jobs that ended with this agent have one)",
                    "GET /api/v1/jobs/" + id + " shows the job");
        }
        if (!c.get().isIssued()) {
            throw ApiError.notFound("job " + id + " has no certificate: " + c.get().reason(), "see the job's outcome and evidence");
        }
        return c.get();
    }

    Detail detail(String id) {
        checkId(id);
        Optional<JobRecord> record = Optional.empty();
        if (store != null) {
            try {
                record = store.job(id);
            } catch (RecordStoreException e) {
                throw new ApiError(503, "the record store cannot be read: " + e.getMessage(), e.nextStep());
            }
        }
        Optional<Job> job;
        try {
            job = journal.load(id);
        } catch (UncheckedIOException e) {
            job = Optional.empty();
        }
        if (record.isEmpty() && job.isEmpty()) {
            throw notFound(id);
        }
        CertificateStatus cert = null;
        if (store != null) {
            try {
                cert = store.certificate(id).map(CertificateStatus::of).orElse(null);
            } catch (RecordStoreException e) {
                throw new ApiError(503, "the record store cannot be read: " + e.getMessage(), e.nextStep());
            }
        }
        return new Detail(id, record.orElse(null), job.orElse(null), cert);
    }

    private ApiError notFound(String id) {
        return ApiError.notFound("no job " + id + " in the record store or the jobs directory",
                "list the jobs with GET /api/v1/jobs (the server reads " + (store == null ? "" : store.describe() + " and ")
                        + "the jobs directory it was started with)");
    }

    /** A file of the job next to its job file ({@code ID.log}, {@code ID.trace}), inside the jobs directory, or a 404. */
    Path jobFile(String id, String suffix) {
        checkId(id);
        Path f = inside(id + suffix);
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            throw ApiError.notFound("job " + id + " has no " + suffix.substring(1) + " file",
                    "jobs of this agent write ID.log and ID.trace next to their job file; an older or foreign job may have none");
        }
        return f;
    }

    /** {@code name} resolved in the jobs directory, refused when it would be anywhere else. */
    private Path inside(String name) {
        Path dir = journal.dir().toAbsolutePath().normalize();
        Path f = dir.resolve(name).normalize();
        if (!f.startsWith(dir) || !dir.equals(f.getParent())) {
            throw ApiError.badRequest("not a file of a job", "ask for a job by its id");
        }
        return f;
    }

    /**
     * The job's diagnostics bundle (as {@code lumia-agent diag}: job file, record, log, trace, capture, device info,
     * audit entries, environment), written to a temporary file the caller sends and deletes.
     *
     * @param redact replace IMEIs, USB serials and public IDs (and leave the binary capture out)
     */
    Path diag(String id, boolean redact, Path tempDir) {
        Detail d = detail(id);
        try {
            DiagBundle.Builder b = JobDiag.builder(journal, id, Optional.ofNullable(d.job()), null, Optional.ofNullable(d.record()), store,
                    "is not in the record store" + (store == null ? " (the server has none)" : " " + store.describe()), redact, version);
            Path zip = Files.createTempFile(tempDir, "lumia-agent-diag-" + id + "-", ".zip");
            Files.delete(zip); // the bundle writes it new
            return b.write(zip).zip();
        } catch (DiagBundleException e) {
            throw new ApiError(500, e.getMessage(), e.nextStep());
        } catch (RecordStoreException e) {
            throw new ApiError(503, "the record store cannot be read: " + e.getMessage(), e.nextStep());
        } catch (IOException e) {
            throw new ApiError(500, "the diagnostics bundle could not be written: " + e.getMessage(),
                    "check the free space of the temporary directory, or run `lumia-agent diag " + id + "` on the station");
        }
    }

    /** The records report, as {@code report --since … --format …}. */
    void report(String since, String format, java.io.Writer out) throws IOException {
        Instant from = null;
        if (since != null && !since.isBlank()) {
            try {
                from = Since.parse(since, Instant.now());
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(e.getMessage(), "e.g. /api/v1/report?since=24h");
            }
        }
        ReportWriter.Format f = format(format);
        Report report = Report.of(records(from), from == null ? null : from.toString());
        ReportWriter.write(report, f, out);
    }

    static ReportWriter.Format format(String format) {
        if (format == null || format.isBlank() || format.equalsIgnoreCase("json")) {
            return ReportWriter.Format.JSON;
        }
        if (format.equalsIgnoreCase("csv")) {
            return ReportWriter.Format.CSV;
        }
        throw ApiError.badRequest("format '" + abbreviate(format) + "' is not json or csv", "give format=json or format=csv");
    }

    /** A job file, for resume: 404 when absent, 409 when it is not interrupted. */
    Job interrupted(String id) {
        checkId(id);
        Optional<Job> job;
        try {
            job = journal.load(id);
        } catch (UncheckedIOException e) {
            throw new ApiError(422, "job " + id + "'s file cannot be read: " + e.getMessage(),
                    "look at it with `lumia-agent diag " + id + "`; it cannot be resumed");
        }
        Job j = job.orElseThrow(() -> notFound(id));
        if (j.state != JobState.RUNNING) {
            throw new ApiError(409, "job " + id + " is " + j.state + ", not interrupted: only a job left RUNNING in its file is resumed",
                    "start a new job on the phone instead");
        }
        return j;
    }
}
