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
import java.util.List;
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

    public Optional<Job> load(String id) {
        Path f = file(id);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(f.toFile(), Job.class));
        } catch (IOException e) {
            throw new UncheckedIOException("job file " + f + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Every readable job, oldest first. A file that does not parse is skipped with a warning. */
    public List<Job> list() {
        List<Job> jobs = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return jobs;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!ID.matcher(name.substring(0, name.length() - ".json".length())).matches()) {
                    continue;
                }
                try {
                    jobs.add(json.readValue(f.toFile(), Job.class));
                } catch (IOException e) {
                    LOG.warn("skipping unreadable job file {}: {}", f, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not list the jobs in " + dir + ": " + e.getMessage(), e);
        }
        jobs.sort(Comparator.comparing(j -> j.id));
        return jobs;
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
