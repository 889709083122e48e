package dev.lumiaagent.sim;

import dev.lumiaagent.exec.Exec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two pseudo-terminals joined back to back by {@code socat -d -d pty,raw,echo=0 pty,raw,echo=0}
 * (usb-testing.md §2): bytes written to {@link #left()} come out of {@link #right()} and the other way
 * round, with no message boundaries, like a real ttyUSB / COM port. Used by the serial transport
 * tests and by anything that wants to put a simulated phone on the far end of a real tty.
 *
 * <p>{@link #kill()} ends socat, which closes both pty masters: readers on either end then see EIO,
 * the shape of "the phone left the bus". Every wait here is bounded.
 */
public final class SocatPtyPair implements AutoCloseable {
    private static final Pattern PTY_LINE = Pattern.compile("PTY is (/dev/\\S+)");

    private final Exec.Running process;
    private final Path left;
    private final Path right;
    private final List<String> log;

    private SocatPtyPair(Exec.Running process, Path left, Path right, List<String> log) {
        this.process = process;
        this.left = left;
        this.right = right;
        this.log = log;
    }

    /** Whether {@code socat} is on the PATH (tests skip with a visible reason when it is not). */
    public static boolean available() {
        return Exec.system().which("socat").isPresent();
    }

    /** The sentence to skip with when {@link #available()} is false. */
    public static String unavailableReason() {
        return "socat not installed: apt-get install socat";
    }

    /**
     * Starts socat (through {@link Exec}, the one place that starts programs) and waits up to {@code startTimeout} for
     * it to print both pty paths and then "starting data transfer loop".
     *
     * @throws IOException socat could not be started, died, or did not report two ptys in time
     */
    public static SocatPtyPair start(Duration startTimeout) throws IOException {
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch relaying = new CountDownLatch(1);
        // Exec keeps draining stderr for the life of the process, so socat never blocks on a full pipe.
        Exec.Running p = Exec.system().start("socat", List.of("-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"), line -> {
            log.add(line);
            lines.add(line);
            if (line.contains("starting data transfer loop")) {
                relaying.countDown();
            }
        });

        List<Path> ptys = new ArrayList<>();
        long deadline = System.nanoTime() + startTimeout.toNanos();
        try {
            while (ptys.size() < 2) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("socat did not report two ptys within " + startTimeout.toMillis() + " ms; stderr: " + log);
                }
                String line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
                if (line == null) {
                    if (!p.alive()) {
                        throw new IOException("socat exited with " + p.exitCode().map(String::valueOf).orElse("?")
                                + " before reporting its ptys; stderr: " + log);
                    }
                    continue;
                }
                Matcher m = PTY_LINE.matcher(line);
                if (m.find()) {
                    ptys.add(Path.of(m.group(1)));
                }
            }
            // socat prints the pty names before it enters its transfer loop; wait for that line too,
            // so bytes written right after start() are relayed (bounded: at most the rest of the timeout).
            long left = deadline - System.nanoTime();
            if (left > 0) {
                relaying.await(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.stop(STOP_BOUND);
            throw new IOException("interrupted while waiting for socat", e);
        } catch (IOException | RuntimeException e) {
            p.stop(STOP_BOUND); // never leave a socat behind when start-up fails
            throw e;
        }
        return new SocatPtyPair(p, ptys.get(0), ptys.get(1), log);
    }

    private static final Duration STOP_BOUND = Duration.ofSeconds(4);

    /** The first pty, e.g. {@code /dev/pts/3}. */
    public Path left() {
        return left;
    }

    /** The second pty. */
    public Path right() {
        return right;
    }

    public boolean isAlive() {
        return process.alive();
    }

    /** What socat printed on stderr so far, for failure messages. */
    public List<String> socatLog() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** Ends socat (the far end vanishes: both pty masters close) and waits a bounded time for it to go. */
    public void kill() {
        process.stop(STOP_BOUND);
    }

    @Override
    public void close() {
        kill();
    }

    @Override
    public String toString() {
        return "socat pty pair " + left + " <-> " + right;
    }
}
