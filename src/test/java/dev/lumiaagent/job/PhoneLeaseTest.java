package dev.lumiaagent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.testing.ChildJvm;
import dev.lumiaagent.transport.PortPath;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The phone's lock on this machine, as another process sees it. */
class PhoneLeaseTest {
    private static final PortPath PORT = PortPath.parse("1-3");
    private static final JobIdentity NOBODY = new JobIdentity(null, null, null);

    @TempDir
    Path jobs;

    /**
     * A second job of the same process asking for a held phone (and a `heldBy` check) used to open and close a
     * second channel on the lock file, which drops the first job's POSIX lock: another process could then take
     * the phone while the first job still drove it. The lock holds, as another process sees it.
     */
    @Test
    void aRefusedSecondJobOfThisProcessDoesNotDropTheFirstJobsLock() throws Exception {
        try (PhoneLease first = PhoneLease.acquire(jobs, PORT, NOBODY, "J1", "reflash", "s", null, Clock.systemUTC(), l -> { })) {
            assertThatThrownBy(() -> PhoneLease.acquire(jobs, PORT, NOBODY, "J2", "reflash", "s", null, Clock.systemUTC(), l -> { }))
                    .isInstanceOf(PhoneLease.Busy.class).hasMessageContaining("J1");
            assertThat(PhoneLease.heldBy(jobs, PORT)).hasValueSatisfying(h -> assertThat(h.jobId()).isEqualTo("J1"));
            try (ChildJvm probe = ChildJvm.start(Probe.class, PhoneLease.lockFile(jobs, PORT).toString())) {
                assertThat(probe.awaitLine("probe:", Duration.ofSeconds(30))).isEqualTo("probe: busy");
            }
        }
        try (ChildJvm probe = ChildJvm.start(Probe.class, PhoneLease.lockFile(jobs, PORT).toString())) {
            assertThat(probe.awaitLine("probe:", Duration.ofSeconds(30))).as("given back at the end").isEqualTo("probe: free");
        }
    }

    /** Another process: tries the lock the way PhoneLease takes it and says what it found. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock lock = ch.tryLock(PhoneLease.LOCK_AT, 1, false);
                System.out.println(lock == null ? "probe: busy" : "probe: free");
                System.out.flush();
            }
        }
    }
}
