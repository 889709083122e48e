package dev.lumiaagent.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lumiaagent.record.AuditEntry;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the record store lacks of one job while (or after) the store failed: the record's newest state when
 * it could not be saved, and the audit entries not yet appended, in the order they happened.
 * {@link #flush} brings the store up to date: the record first (a save replaces the job's row, its steps and
 * gates, so saving again never doubles them), then each audit entry once, in order — an append whose commit
 * failed may have been committed all the same (a connection that dropped mid-commit), so before appending
 * again the job's newest entries are read back and the ones already there are not appended twice.
 *
 * <p>A job that ends with the store still failing leaves this as a file, {@code unrecorded/<job id>.json}
 * in the jobs directory; {@code lumia-agent jobs sync} flushes those files into the store and removes them.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class UnrecordedJob {
    /** The subdirectory of the jobs directory the files live in (not {@code *.json} in the jobs directory itself: no job file). */
    public static final String DIR = "unrecorded";
    /** The command that completes the records of jobs that ended while the store was failing. */
    public static final String SYNC_COMMAND = "lumia-agent jobs sync";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One audit entry waiting to be appended; {@code queued} is when it happened (the entry's own time is its append). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(String station, String operator, String jobId, String port, String event, String detail, String queued) {
    }

    public int version = 1;
    /** The store it was meant for ({@link RecordStore#describe()}), for people. */
    public String store;
    /** The store's last failure, for people. */
    public String failure;
    public JobRecord record;
    /** True when the record's newest state is in the store. */
    public boolean recordSaved = true;
    /** The seq of the newest audit entry of this job known to be appended (0: none known). */
    public long lastSeq;
    /** An append failed after it may have reached the store: read back before appending again. */
    public boolean uncertain;
    public List<Entry> audit = new ArrayList<>();

    public UnrecordedJob() {
    }

    UnrecordedJob(JobRecord record) {
        this.record = record;
    }

    /** Nothing is missing from the store. */
    @JsonIgnore
    public synchronized boolean complete() {
        return recordSaved && audit.isEmpty();
    }

    /** Takes what an earlier run of the same job left waiting: its entries go first, its record state is replaced by this one's. */
    synchronized void adopt(UnrecordedJob earlier) {
        audit.addAll(0, earlier.audit);
        lastSeq = Math.max(lastSeq, earlier.lastSeq);
        uncertain = uncertain || earlier.uncertain;
        recordSaved = false;
    }

    synchronized void changed() {
        recordSaved = false;
    }

    synchronized void queue(Entry e) {
        audit.add(e);
    }

    /** What the store lacks, for people: "the job's last state and 3 audit entries (gate, retry, finished)". */
    public synchronized String missing() {
        List<String> parts = new ArrayList<>();
        if (!recordSaved) {
            parts.add("the job's last state (" + (record.outcome == null ? "running" : record.outcome) + ", " + record.steps.size()
                    + " step(s), " + record.gates.size() + " gate(s))");
        }
        if (!audit.isEmpty()) {
            parts.add(audit.size() + " audit entr" + (audit.size() == 1 ? "y" : "ies") + " ("
                    + String.join(", ", audit.stream().map(Entry::event).toList()) + ")");
        }
        return parts.isEmpty() ? "nothing" : String.join(" and ", parts);
    }

    /**
     * Brings the store up to date (see the class comment). Throws what the store throws; what did reach the
     * store is taken off, so calling it again continues where it stopped.
     */
    public synchronized void flush(RecordStore store) {
        if (!recordSaved) {
            synchronized (record) {
                store.save(record);
            }
            recordSaved = true;
        }
        if (audit.isEmpty()) {
            uncertain = false;
            return;
        }
        if (uncertain) {
            dropAppended(store);
            uncertain = false;
        }
        while (!audit.isEmpty()) {
            Entry e = audit.get(0);
            uncertain = true; // until the append returns, it may be in the store or not
            AuditEntry done = store.audit().append(e.station(), e.operator(), e.jobId(), e.port(), e.event(), e.detail());
            uncertain = false;
            lastSeq = done.seq();
            audit.remove(0);
        }
    }

    /**
     * Takes off the waiting entries the store already has: the job's entries after the last known one that were
     * appended no earlier than the first waiting entry happened, matched in order.
     */
    private void dropAppended(RecordStore store) {
        Instant from = instant(audit.get(0).queued());
        int k = 0;
        for (AuditEntry found : store.audit().entriesOf(record.jobId, lastSeq)) {
            if (k >= audit.size()) {
                break;
            }
            Instant at = instant(found.at());
            if (from != null && at != null && at.isBefore(from)) {
                continue;
            }
            if (same(found, audit.get(k))) {
                lastSeq = found.seq();
                k++;
            }
        }
        audit.subList(0, k).clear();
    }

    private static boolean same(AuditEntry a, Entry e) {
        return Objects.equals(a.event(), e.event()) && Objects.equals(a.detail(), e.detail()) && Objects.equals(a.port(), e.port())
                && Objects.equals(a.station(), e.station()) && Objects.equals(a.operator(), e.operator());
    }

    private static Instant instant(String iso) {
        try {
            return iso == null ? null : Instant.parse(iso);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    public static Path dir(Path jobsDir) {
        return jobsDir.resolve(DIR);
    }

    public static Path file(Path jobsDir, String jobId) {
        if (!JobJournal.isJobId(jobId)) {
            throw new IllegalArgumentException("not a job id: '" + jobId + "'");
        }
        return dir(jobsDir).resolve(jobId + ".json");
    }

    /** Writes this to its file in {@code jobsDir}, atomically and durably; returns the file. */
    public synchronized Path write(Path jobsDir) throws IOException {
        Path target = file(jobsDir, record.jobId);
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "." + record.jobId + ".", ".tmp");
        try {
            byte[] bytes;
            synchronized (record) {
                bytes = JSON.writeValueAsBytes(this);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static UnrecordedJob read(Path file) throws IOException {
        UnrecordedJob u = JSON.readValue(file.toFile(), UnrecordedJob.class);
        if (u.record == null || !JobJournal.isJobId(u.record.jobId)) {
            throw new IOException(file + " holds no job record with a job id");
        }
        // whoever wrote it may have died mid-append: read back before appending
        u.uncertain = u.uncertain || !u.audit.isEmpty();
        return u;
    }

    /** The files waiting in {@code jobsDir}, oldest job first. */
    public static List<Path> files(Path jobsDir) {
        Path dir = dir(jobsDir);
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            files.forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir, e);
        }
        out.sort(null);
        return out;
    }

    /** The outcome of syncing one file. */
    public record Synced(Path file, String jobId, boolean done, String what) {
    }

    /**
     * Flushes every file in {@code jobsDir} into {@code store} and removes the ones that are complete. A record
     * the store holds in a newer state (the job was resumed and recorded since) is kept as the store has it.
     */
    public static List<Synced> sync(Path jobsDir, RecordStore store) {
        return sync(files(jobsDir), jobsDir, store);
    }

    private static List<Synced> sync(List<Path> files, Path jobsDir, RecordStore store) {
        List<Synced> out = new ArrayList<>();
        for (Path f : files) {
            UnrecordedJob u;
            try {
                u = read(f);
            } catch (IOException | RuntimeException e) {
                out.add(new Synced(f, f.getFileName().toString().replace(".json", ""), false, "could not be read: " + e.getMessage()));
                continue;
            }
            String missing = u.missing();
            try {
                if (!u.recordSaved && store.job(u.record.jobId).filter(u::olderThan).isPresent()) {
                    u.recordSaved = true;
                    missing = missing + " (the store holds a newer state of the job: kept)";
                }
                u.flush(store);
                Files.deleteIfExists(f);
                out.add(new Synced(f, u.record.jobId, true, "recorded " + missing));
            } catch (IOException | RuntimeException e) {
                try {
                    u.write(jobsDir);
                } catch (IOException | RuntimeException ignored) {
                    // the file as it was is still there: syncing again reads back what reached the store
                }
                out.add(new Synced(f, u.record.jobId, false, "still lacks " + u.missing() + ": " + e.getMessage()));
            }
        }
        return out;
    }

    /**
     * The job's record to continue from when {@code resume} runs it again: what a file in {@code jobsDir} still
     * holds of it is synced first; when the store still fails, the file's record (newer than the store's) is
     * the one to continue, and the file stays for {@code jobs sync}. Empty when neither holds the job.
     */
    static java.util.Optional<JobRecord> recordFor(Path jobsDir, RecordStore store, String jobId) {
        Path f = file(jobsDir, jobId);
        if (Files.exists(f)) {
            UnrecordedJob u;
            try {
                u = read(f);
            } catch (IOException | RuntimeException e) {
                u = null;
            }
            if (u != null) {
                for (Synced s : sync(List.of(f), jobsDir, store)) {
                    if (!s.done()) {
                        return java.util.Optional.of(u.record);
                    }
                }
            }
        }
        return store.job(jobId);
    }

    /** The store's record of the job is newer than this file's: more attempts, or the same attempt ended there. */
    private boolean olderThan(JobRecord inStore) {
        return inStore.attempts > record.attempts || (inStore.attempts == record.attempts && inStore.finished() && !record.finished());
    }
}
