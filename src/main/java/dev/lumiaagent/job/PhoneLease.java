package dev.lumiaagent.job;

import dev.lumiaagent.transport.PortPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job per phone: the lease a job holds on its phone for the whole job, so a second job (a second
 * {@code resume}, a bench on the same port) is refused by name before it touches the phone. Two levels:
 *
 * <ul>
 * <li>On this machine, an OS file lock on {@code .locks/<port>.lock} in the jobs directory. The lock dies
 *     with its process, so the phone of an agent killed mid-job is free at once; the file keeps who held it
 *     (job, pid, station, since), which names the holder in a refusal and tells a takeover from a clean release
 *     (a clean release empties the file).</li>
 * <li>Across stations sharing one record store, a {@link Shared} lease row (the store's {@code phone_leases}),
 *     keyed by the phone's identity where known (the same phone may be moved to another station), else by host
 *     and port; renewed every quarter of {@link #BOUND} while the job runs, so a row whose holder died expires
 *     within {@link #BOUND} and is taken over.</li>
 * </ul>
 * Takeovers are reported to the caller (who writes them to the audit log).
 */
public final class PhoneLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PhoneLease.class);
    /** How long a lease row outlives its last renewal: long enough for a busy station's renewals, short enough that a dead station's phone is free within minutes. */
    public static final Duration BOUND = Duration.ofMinutes(2);
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    /**
     * The byte locked: far past the holder's text, because Windows locks are mandatory and would stop
     * another agent reading who holds the phone; on POSIX systems locks are advisory either way.
     */
    static final long LOCK_AT = Long.MAX_VALUE - 1;

    /** Who holds (or held) a phone. {@code command} may be null (a lease row does not keep it). */
    public record Holder(String jobId, String command, long pid, String station, String host, Instant since) {
        String doing() {
            if (command == null) {
                return "is busy with";
            }
            switch (command) {
                case "reflash":
                case "emergency":
                    return "is being flashed by";
                case "hard-reset":
                case "soft-reset":
                    return "is being reset by";
                default:
                    return "is busy with";
            }
        }

        String describe() {
            return "job " + jobId + " (pid " + pid + " on station " + station + (host != null && !host.equals(station) ? " / " + host : "")
                    + ", since " + HH_MM.format(since) + " UTC)";
        }
    }

    /** The phone is held by another job: nothing was done to it. */
    public static final class Busy extends Exception {
        private final transient Holder holder;
        private final String port;

        public Busy(String port, Holder holder) {
            super(port + " " + holder.doing() + " " + holder.describe());
            this.port = port;
            this.holder = holder;
        }

        public Holder holder() {
            return holder;
        }

        public String nextStep() {
            return "Wait for job " + holder.jobId() + " to end (`lumia-agent jobs`); if its agent was stopped, run `lumia-agent resume` "
                    + "once it has; nothing was done to the phone on " + port + ".";
        }
    }

    /** The lease table shared by stations (the record store's, adapted by the layer that has the store). */
    public interface Shared {
        /** Takes the lease unless another live job holds it; see {@link Claim}. */
        Claim claim(String key, String port, String identity, Holder me, Instant expires);

        boolean renew(String key, String jobId, Instant expires);

        void release(String key, String jobId);

        /** {@code acquired}: held now, {@code other} the expired holder taken over; else {@code other} is the live holder. */
        record Claim(boolean acquired, Optional<Holder> other) {
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Shared shared;
    private final String key;
    private final String jobId;
    private final Clock clock;
    private final Holder me;
    private ScheduledExecutorService renewer;

    private PhoneLease(Path file, FileChannel channel, FileLock lock, Shared shared, String key, String jobId, Clock clock, Holder me) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.shared = shared;
        this.key = key;
        this.jobId = jobId;
        this.clock = clock;
        this.me = me;
    }

    /** A holder whose agent ran on this host and whose process no longer runs (a reused pid counts as alive). */
    static boolean deadOnThisHost(Holder h) {
        return h.host() != null && h.host().equals(host()) && h.pid() > 0
                && !ProcessHandle.of(h.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /** This process's pid. */
    public static long pid() {
        return ProcessHandle.current().pid();
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return ManagementFactory.getRuntimeMXBean().getName();
        }
    }

    /** The key of a phone's lease row: its identity where known (it may move between stations), else this host's port. */
    public static String key(PortPath port, JobIdentity identity) {
        if (identity.imei() != null) {
            return "imei:" + identity.imei();
        }
        if (identity.publicId() != null) {
            return "public-id:" + identity.publicId();
        }
        if (identity.usbSerial() != null) {
            return "usb-serial:" + identity.usbSerial();
        }
        return "port:" + host() + ":" + port;
    }

    static Path lockFile(Path jobsDir, PortPath port) {
        // Port paths are digits, dashes and dots ("1-2.3"), safe in a file name; anything else is replaced.
        return jobsDir.resolve(".locks").resolve(port.toString().replaceAll("[^0-9A-Za-z.-]", "_") + ".lock");
    }

    /**
     * Takes the phone on {@code port} for job {@code jobId}: the file lock, then (when {@code shared} is given)
     * the lease row, renewed until {@link #close}. A lease whose holder died is taken over and
     * {@code takeover} is told about it (once per level) with a line for the audit log.
     *
     * @throws Busy another live job holds the phone; nothing was taken
     */
    public static PhoneLease acquire(Path jobsDir, PortPath port, JobIdentity identity, String jobId, String command, String station,
                                     Shared shared, Clock clock, Consumer<String> takeover) throws Busy {
        Holder me = new Holder(jobId, command, pid(), station, host(), clock.instant());
        Path file = lockFile(jobsDir, port).toAbsolutePath().normalize();
        // A lock file this process holds is never opened again while it is held: closing any descriptor of it
        // drops the process's POSIX locks on it (FileLock's documented platform behaviour), so the first job
        // would lose the phone to another process. Who holds it here is known without reading the file.
        Holder here = HELD_HERE.putIfAbsent(file, me);
        if (here != null) {
            throw new Busy(port.toString(), here);
        }
        FileChannel ch;
        FileLock lock;
        try {
            dev.lumiaagent.paths.PrivateFiles.createFile(file); // 0700 directory, 0600 file when new: it names the holder
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            HELD_HERE.remove(file);
            throw new UncheckedIOException("cannot open the lock file " + file + ": " + e.getMessage(), e);
        }
        try {
            lock = tryLock(ch);
        } catch (IOException e) {
            close(ch);
            HELD_HERE.remove(file);
            throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            close(ch);
            HELD_HERE.remove(file);
            throw new Busy(port.toString(), readHolder(file).orElse(new Holder("(unknown)", null, 0, "(unknown)", null, clock.instant())));
        }
        try {
            Optional<Holder> dead = readHolder(ch).filter(h -> !h.jobId().equals(jobId)); // through our channel: see above
            writeHolder(ch, me);
            dead.ifPresent(h -> takeover.accept("the lease of " + port + " held by " + h.describe()
                    + " was taken over by job " + jobId + ": its agent is gone (its lock died with it)"));
        } catch (IOException e) {
            release(lock, ch, file);
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        PhoneLease lease = new PhoneLease(file, ch, lock, shared, key(port, identity), jobId, clock, me);
        if (shared != null) {
            Shared.Claim claim;
            try {
                claim = shared.claim(lease.key, port.toString(), identity.isKnown() ? identity.toString() : null, me,
                        clock.instant().plus(BOUND));
            } catch (RuntimeException e) {
                // The store is down: this machine's lock still holds; the job goes on as it does without a store.
                LOG.warn("could not take the shared lease of {} ({}); only this machine's lock holds it", port, e.getMessage());
                return lease;
            }
            Optional<Holder> holder = claim.acquired() ? Optional.empty() : claim.other();
            if (holder.isPresent() && deadOnThisHost(holder.get())) {
                // Its agent ran on this machine and is gone (killed, crashed): its row would block the phone until it
                // expired. Given back in the dead job's name only (compare-and-delete), then claimed as usual.
                Holder dead = holder.get();
                try {
                    shared.release(lease.key, dead.jobId());
                    claim = shared.claim(lease.key, port.toString(), identity.isKnown() ? identity.toString() : null, me,
                            clock.instant().plus(BOUND));
                } catch (RuntimeException e) {
                    LOG.warn("could not take over the lease of {} from a dead agent ({})", port, e.getMessage());
                }
                if (claim.acquired()) {
                    takeover.accept("the lease of " + port + " (" + lease.key + ") held by " + dead.describe() + " was taken over by job "
                            + jobId + ": its agent (pid " + dead.pid() + " on this host) is gone");
                    lease.startRenewing();
                    return lease;
                }
            }
            if (!claim.acquired()) {
                lease.closeLocal();
                throw new Busy(port.toString(), claim.other().orElse(new Holder("(unknown)", null, 0, "(unknown)", null, clock.instant())));
            }
            claim.other().ifPresent(h -> takeover.accept("the lease of " + port + " (" + lease.key + ") held by " + h.describe()
                    + " expired (not renewed for " + BOUND.toMinutes() + " min: its agent is gone) and was taken over by job " + jobId));
            lease.startRenewing();
        }
        return lease;
    }

    /** Who holds {@code port} on this machine right now, if a live job does (the lock is tried and given back). */
    public static Optional<Holder> heldBy(Path jobsDir, PortPath port) {
        Path file = lockFile(jobsDir, port).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Holder here = HELD_HERE.get(file);
        if (here != null) { // held by a job of this process: opened again, the lock would be lost
            return Optional.of(here);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = tryLock(ch);
            if (lock != null) {
                lock.release();
                return Optional.empty();
            }
        } catch (IOException e) {
            LOG.debug("cannot check the lock {}", file, e);
            return Optional.empty();
        }
        return Optional.of(readHolder(file).orElse(new Holder("(unknown)", null, 0, "(unknown)", null, Instant.EPOCH)));
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock(LOCK_AT, 1, false);
        } catch (OverlappingFileLockException e) {
            // Held by another job of this same process (OS locks are per process; the JVM reports its own).
            return null;
        }
    }

    private void startRenewing() {
        renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-" + jobId);
            t.setDaemon(true); // a renewer must never keep a finished agent alive
            return t;
        });
        long every = BOUND.toMillis() / 4;
        renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /** Moves the lease row's expiry on; the renewer calls it, tests may too. False when the lease was lost. */
    public boolean renew() {
        if (shared == null) {
            return true;
        }
        try {
            boolean held = shared.renew(key, jobId, clock.instant().plus(BOUND));
            if (!held) {
                // Not renewed in time (a stalled station) and taken over: the other job was told the phone was
                // free. Stopping a write half-way would brick the phone, so the job goes on and it is said loudly.
                LOG.warn("job {} lost the lease of {}: another station took it over after it expired", jobId, key);
            }
            return held;
        } catch (RuntimeException e) {
            LOG.warn("could not renew the lease of {} for job {}: {}", key, jobId, e.getMessage());
            return false;
        }
    }

    public Holder holder() {
        return me;
    }

    /** Gives the phone back: the lease row is deleted and the lock file emptied and unlocked. */
    @Override
    public void close() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
        if (shared != null) {
            try {
                shared.release(key, jobId);
            } catch (RuntimeException e) {
                LOG.warn("could not release the lease of {} for job {} ({}); it expires within {}", key, jobId, e.getMessage(), BOUND);
            }
        }
        closeLocal();
    }

    private void closeLocal() {
        release(lock, channel, file);
    }

    private static void release(FileLock lock, FileChannel ch, Path file) {
        try {
            if (file != null && ch.isOpen()) {
                ch.truncate(0); // a clean release: the next holder does not take it for a dead one
            }
        } catch (IOException e) {
            LOG.debug("cannot empty the lock file {}", file, e);
        }
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            LOG.debug("cannot release the lock", e);
        }
        close(ch);
        if (file != null) {
            HELD_HERE.remove(file);
        }
    }

    /** The lock files the jobs of this process hold (absolute, normalised), and by whom. */
    private static final java.util.Map<Path, Holder> HELD_HERE = new java.util.concurrent.ConcurrentHashMap<>();

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            LOG.debug("cannot close a lock file", e);
        }
    }

    private static void writeHolder(FileChannel ch, Holder h) throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("job=").append(h.jobId()).append('\n');
        if (h.command() != null) {
            s.append("command=").append(h.command()).append('\n');
        }
        s.append("pid=").append(h.pid()).append('\n');
        s.append("station=").append(h.station()).append('\n');
        s.append("host=").append(h.host()).append('\n');
        s.append("since=").append(h.since()).append('\n');
        ch.truncate(0);
        ByteBuffer b = ByteBuffer.wrap(s.toString().getBytes(StandardCharsets.UTF_8));
        long pos = 0;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
        ch.force(true);
    }

    /** The holder named in a lock file this process holds, read through the holding channel. */
    private static Optional<Holder> readHolder(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 64 * 1024));
        long pos = 0;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                break;
            }
            pos += n;
        }
        return parseHolder(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8), "the lock file");
    }

    /** The holder named in a lock file another process holds (this process holds no lock on it). */
    static Optional<Holder> readHolder(Path file) {
        try {
            return parseHolder(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            LOG.debug("cannot read the holder in {}", file, e);
            return Optional.empty();
        }
    }

    private static Optional<Holder> parseHolder(String text, String where) {
        try {
            if (text.isBlank()) {
                return Optional.empty();
            }
            Properties p = new Properties();
            p.load(new java.io.StringReader(text));
            if (p.getProperty("job") == null) {
                return Optional.empty();
            }
            return Optional.of(new Holder(p.getProperty("job"), p.getProperty("command"), Long.parseLong(p.getProperty("pid", "0")),
                    p.getProperty("station"), p.getProperty("host"), Instant.parse(p.getProperty("since", Instant.EPOCH.toString()))));
        } catch (IOException | RuntimeException e) {
            // Half-written by a holder killed mid-write, or edited: it names nobody.
            LOG.debug("cannot read the holder in {}", where, e);
            return Optional.empty();
        }
    }
}
