package dev.lumiaagent.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of job files, one JSON file per job named {@code <id>.json}. Every write goes to a temp
 * file in the same directory, is forced to disk, and replaces the job file with an atomic move, so a
 * reader (or an agent killed at any instant) sees either the previous checkpoint or the new one,
 * never half a file.
 */
public final class JobJournal {
    private static final Logger LOG = LoggerFactory.getLogger(JobJournal.class);
    public static final String ENV_JOBS = "LUMIA_AGENT_JOBS";
    private static final Pattern ID = Pattern.compile("[0-9]{8}-[0-9]{6}-[0-9]{3}-[0-9a-f]{6}");
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private static final ObjectMapper READER = new ObjectMapper();
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public JobJournal(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** {@code $LUMIA_AGENT_JOBS}, else {@code lumia-agent/jobs} in the user's data directory (as the firmware library). */
    public static Path defaultDir() {
        return dev.lumiaagent.paths.UserData.dir(ENV_JOBS, "jobs");
    }

    /** A new job id: UTC time to the millisecond, then random hex, so ids sort by start time. */
    public static String newId(Instant now) {
        byte[] r = new byte[3];
        RANDOM.nextBytes(r);
        return ID_TIME.format(now) + "-" + HexFormat.of().formatHex(r);
    }

    /** The suffix of the note beside a job's file that names the run's {@code --capture} pcap. */
    public static final String CAPTURE_NOTE = ".capture";

    /**
     * Notes beside the job's file that the run's USB capture is {@code pcap} ({@code lumia-agent diag} bundles it). A
     * note that cannot be written only costs the bundle its pcap: said as a warning, not thrown.
     */
    public void noteCapture(String id, Path pcap) {
        Path note = file(id).resolveSibling(id + CAPTURE_NOTE);
        try {
            dev.lumiaagent.paths.PrivateFiles.write(note, (pcap.toAbsolutePath() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot note the capture {} of job {}: {}", pcap, id, e.toString());
        }
    }

    /** The run's capture of the job, when its note names one (the note itself is not followed as a link). */
    public Optional<Path> capture(String id) throws IOException {
        Path note = file(id).resolveSibling(id + CAPTURE_NOTE);
        if (!Files.isRegularFile(note, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(Path.of(Files.readString(note, java.nio.charset.StandardCharsets.UTF_8).trim()));
    }

    /** True for text in the form of a job id. */
    public static boolean isJobId(String text) {
        return text != null && ID.matcher(text).matches();
    }

    public Path file(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a job id: '" + id + "'");
        }
        return dir.resolve(id + ".json");
    }

    /** Writes the job atomically and durably (temp file, fsync, atomic rename, directory fsync where supported). */
    public synchronized void save(Job job) {
        // The last checkpoint of a job stopped with Ctrl-C is written by an interrupted thread: file channels
        // are interruptible (an interrupt closes them), so the flag is put aside while the file is written.
        boolean interrupted = Thread.interrupted();
        try {
            write(job);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void write(Job job) {
        try {
            // Private by default (PrivateFiles): the directory 0700 when created, the job file 0600 from its
            // temporary file on, which the atomic rename keeps.
            dev.lumiaagent.paths.PrivateFiles.createDirectories(dir);
            Path target = file(job.id);
            Path tmp = dev.lumiaagent.paths.PrivateFiles.createTempFile(dir, "." + job.id + ".", ".tmp");
            try {
                byte[] bytes = json.writeValueAsBytes(job);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer buf = ByteBuffer.wrap(bytes);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    ch.force(true);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("the jobs directory " + dir + " does not support atomic renames", e);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            syncDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write job " + job.id + " to " + dir + ": " + e.getMessage(), e);
        }
    }

    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory as a channel; the rename is still atomic there.
            LOG.trace("directory fsync not supported: {}", e.toString());
        }
    }

    /**
     * The job with this id, if its file exists.
     *
     * @throws UncheckedIOException (caused by a {@link JobFileException}) when the file is not a readable job
     */
    public Optional<Job> load(String id) {
        Path f = file(id);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(f));
        } catch (JobFileException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** The job in one file, checked ({@link #parse}). */
    public static Job read(Path f) throws JobFileException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (IOException e) {
            throw new JobFileException(f, "cannot be read: " + e, e);
        }
        String name = f.getFileName().toString();
        return parse(bytes, f, name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : null);
    }

    /**
     * A job from the bytes of its file. Nothing in the file is trusted: JSON that does not parse, {@code null},
     * a job without an id (or with another file's id), command, port or state is a {@link JobFileException}
     * naming the file; lists and maps written as {@code null} (or holding nulls) are read as empty, so
     * nothing downstream meets a null collection.
     *
     * @param expectedId the id the file name gives, or null not to check it
     */
    public static Job parse(byte[] bytes, Path f, String expectedId) throws JobFileException {
        Job job;
        try {
            job = READER.readValue(bytes, Job.class);
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            int nl = m.indexOf('\n');
            throw new JobFileException(f, "not a job in JSON (" + (nl < 0 ? m : m.substring(0, nl)) + ")", e);
        }
        if (job == null) {
            throw new JobFileException(f, "holds null, not a job");
        }
        if (job.id == null || !ID.matcher(job.id).matches()) {
            throw new JobFileException(f, job.id == null ? "no id" : "id '" + job.id + "' is not a job id");
        }
        if (expectedId != null && !job.id.equals(expectedId)) {
            throw new JobFileException(f, "id " + job.id + " is not the id its file name gives (" + expectedId + ")");
        }
        if (job.command == null || job.command.isBlank()) {
            throw new JobFileException(f, "no command");
        }
        if (job.state == null) {
            throw new JobFileException(f, "no state");
        }
        try {
            dev.lumiaagent.transport.PortPath.parse(job.port);
        } catch (IllegalArgumentException e) {
            throw new JobFileException(f, job.port == null ? "no port" : "port: " + e.getMessage());
        }
        for (String t : new String[] {job.created, job.updated}) {
            if (t != null) {
                try {
                    Instant.parse(t);
                } catch (java.time.format.DateTimeParseException e) {
                    throw new JobFileException(f, "'" + t + "' is not an ISO-8601 instant");
                }
            }
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (job.params != null) {
            job.params.forEach((k, v) -> params.put(k, noNulls(v)));
        }
        job.params = params;
        if (job.identity == null) {
            job.identity = new JobIdentity(null, null, null);
        }
        List<JobRun> runs = noNulls(job.runs);
        for (JobRun r : runs) {
            r.plan = noNulls(r.plan);
            r.steps = noNulls(r.steps);
            r.gates = noNulls(r.gates);
        }
        job.runs = runs;
        return job;
    }

    /** A mutable copy without nulls; empty for null. */
    private static <T> List<T> noNulls(List<T> list) {
        List<T> out = new ArrayList<>();
        if (list != null) {
            for (T x : list) {
                if (x != null) {
                    out.add(x);
                }
            }
        }
        return out;
    }

    /** A job file that could not be read, and why. */
    public record Unreadable(Path file, String reason) {
        /** The line `jobs` and `resume` print. */
        @Override
        public String toString() {
            return "warning: skipping unreadable job file " + file + ": " + reason;
        }
    }

    /** What a directory of job files holds: the readable jobs, oldest first, and the files skipped. */
    public record Listing(List<Job> jobs, List<Unreadable> unreadable) {
        public Listing {
            jobs = List.copyOf(jobs);
            unreadable = List.copyOf(unreadable);
        }

        /** Jobs still RUNNING in their file: interrupted (or running right now in another agent). */
        public List<Job> running() {
            return jobs.stream().filter(j -> j.state == JobState.RUNNING).toList();
        }
    }

    /**
     * Every job file in the directory. One that cannot be read (see {@link #parse}) does not stop the
     * others: it is listed in {@link Listing#unreadable()} for the caller to show.
     */
    public Listing scan() {
        List<Job> jobs = new ArrayList<>();
        List<Unreadable> bad = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new Listing(jobs, bad);
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!ID.matcher(name.substring(0, name.length() - ".json".length())).matches()) {
                    continue;
                }
                try {
                    jobs.add(read(f));
                } catch (JobFileException e) {
                    bad.add(new Unreadable(f, e.reason()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not list the jobs in " + dir + ": " + e.getMessage(), e);
        }
        jobs.sort(Comparator.comparing(j -> j.id));
        bad.sort(Comparator.comparing(Unreadable::file));
        return new Listing(jobs, bad);
    }

    /** Every readable job, oldest first. A file that does not read is skipped with a logged warning ({@link #scan} returns them). */
    public List<Job> list() {
        Listing l = scan();
        l.unreadable().forEach(u -> LOG.warn("{}", u));
        return l.jobs();
    }

    /** Jobs still RUNNING in their file: interrupted (or running right now in another agent). */
    public List<Job> running() {
        return list().stream().filter(j -> j.state == JobState.RUNNING).toList();
    }

    public String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
