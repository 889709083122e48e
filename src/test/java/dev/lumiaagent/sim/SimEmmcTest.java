package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.image.ffu.PayloadReader;
import dev.lumiaagent.protocol.flashapp.FlashOption;
import dev.lumiaagent.protocol.flashapp.NokSession;
import dev.lumiaagent.testing.SteppedClock;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A simulated eMMC's write rate (on the bus clock) and what it keeps of a flash. */
class SimEmmcTest {
    @TempDir
    static Path dir;
    static Path ffu950;

    private SimBus bus;

    @BeforeAll
    static void build() throws Exception {
        ffu950 = TestPhones.libraryFfu(dir, "RM-1104", 8L << 20); // Microsoft.MSM8992.P6218.1.0
    }

    @AfterEach
    void close() {
        if (bus != null) {
            bus.close();
        }
    }

    /**
     * A clock that moves only when someone sleeps on it: the phone's eMMC is then the only thing that
     * takes bus time, so the flash's duration on this clock is exactly what the write rate gives.
     */
    private SimPhone flashApp(int rateKiBs, SimStorage storage, PortPath port) {
        SimPhone p = new SimPhone(SimModels.standard().require("RM-1104"), BenchSpec.imeiFor(port), "U" + port, Mode.UEFI, 80,
                LinkKind.PACKET, EnumSet.noneOf(SimFault.class));
        p.uefiApp(SimUefiApp.FLASH_APP);
        p.writeRateKiBs(rateKiBs);
        p.storage(storage);
        bus.attach(port, p);
        return p;
    }

    /** Flashes the whole FFU in chunks (protocol v1) through the real session; returns the payload bytes sent. */
    private long flash(PortPath port) throws Exception {
        NokSession s = new NokSession(bus.open(bus.devices().stream().filter(d -> d.port().equals(port)).findFirst().orElseThrow(),
                LinkOptions.defaults()));
        long sent = 0;
        try (FfuFile f = FfuFile.open(ffu950)) {
            assertThat(s.flashHeader(f.combinedHeader(), EnumSet.noneOf(FlashOption.class), 0).isOk()).isTrue();
            PayloadReader r = f.payloadChunks();
            while (r.hasNext()) {
                ByteBuffer data = r.next().data();
                sent += data.remaining();
                assertThat(s.flashPayload(data, false, 50).isOk()).isTrue();
            }
        }
        return sent;
    }

    @Test
    void aPhoneWithAWriteRateTakesBytesOverRateOnTheBusClock() throws Exception {
        SteppedClock clock = new SteppedClock();
        bus = new SimBus(clock);
        PortPath port = PortPath.parse("1-1");
        SimPhone p = flashApp(1024, SimStorage.CONTENT, port);
        Instant t0 = clock.now();
        long bytes = flash(port);
        Duration took = Duration.between(t0, clock.now());

        assertThat(p.flashesCompleted()).isEqualTo(1);
        assertThat(bytes).isGreaterThan(1L << 20);
        long expectedNanos = (long) (bytes * 1e9 / (1024 * 1024.0));
        // One nanosecond of rounding per message at most.
        assertThat(took.toNanos()).isBetween(expectedNanos - 1000, expectedNanos + 1000);
    }

    @Test
    void withoutAWriteRateTheEmmcTakesNoBusTime() throws Exception {
        SteppedClock clock = new SteppedClock();
        bus = new SimBus(clock);
        PortPath port = PortPath.parse("1-1");
        SimPhone p = flashApp(0, SimStorage.CONTENT, port);
        Instant t0 = clock.now();
        flash(port);
        assertThat(p.flashesCompleted()).isEqualTo(1);
        assertThat(clock.now()).isEqualTo(t0);
    }

    @Test
    void onAScaledClockTheRateIsAFloorOnTheFlashsDuration() throws Exception {
        bus = new SimBus(AgentClock.scaled(1000));
        PortPath port = PortPath.parse("1-1");
        flashApp(2048, SimStorage.DISCARD, port);
        Instant t0 = bus.clock().now();
        long bytes = flash(port);
        Duration took = Duration.between(t0, bus.clock().now());
        assertThat(took.toNanos()).isGreaterThanOrEqualTo((long) (bytes * 1e9 / (2048 * 1024.0)));
    }

    @Test
    void aDigestStorageKeepsNoBlocksButTellsWhatWasWritten() throws Exception {
        bus = new SimBus(AgentClock.scaled(1000));
        PortPath a = PortPath.parse("1-1");
        PortPath b = PortPath.parse("1-2");
        PortPath c = PortPath.parse("1-3");
        SimPhone digestA = flashApp(0, SimStorage.DIGEST, a);
        SimPhone digestB = flashApp(0, SimStorage.DIGEST, b);
        SimPhone content = flashApp(0, SimStorage.CONTENT, c);
        long bytes = flash(a);
        flash(b);
        flash(c);

        assertThat(digestA.flashesCompleted()).isEqualTo(1);
        assertThat(digestA.disk().storedBlocks()).isZero();
        // Every payload byte lands at least once (a block may have more than one location: the backup GPT).
        assertThat(digestA.writeDigest().bytes()).isGreaterThanOrEqualTo(bytes).isEqualTo(digestB.writeDigest().bytes());
        assertThat(digestA.writeDigest().crc32c()).isEqualTo(digestB.writeDigest().crc32c());
        assertThat(digestA.writeDigest().crc32c()).isNotZero();
        assertThat(content.disk().storedBlocks()).isPositive();
        assertThat(content.writeDigest().bytes()).isZero();
    }
}
