package dev.lumiaagent.transport.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.lumiaagent.sim.SocatPtyPair;
import dev.lumiaagent.testing.RequiredTool;
import dev.lumiaagent.transport.AccessDenied;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.TransportFailure;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.PersonalityTable;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SerialLink} for real, over two pseudo-terminals joined by socat (usb-testing.md §2). A pty
 * has no message boundaries, exactly like a ttyUSB / COM port.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SerialLinkPtyTest {
    private static final Duration OPEN = Duration.ofSeconds(2);
    private static final Duration IO = Duration.ofSeconds(10);

    private SocatPtyPair pty;
    private final List<SerialLink> links = new ArrayList<>();

    @BeforeEach
    void startSocat() throws Exception {
        RequiredTool.require("socat", SocatPtyPair.available(), SocatPtyPair.unavailableReason());
        pty = SocatPtyPair.start(Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        for (SerialLink l : links) {
            l.close();
        }
        if (pty != null) {
            pty.kill();
        }
    }

    private SerialLink open(java.nio.file.Path path) {
        SerialLink link = SerialBus.openPath(path.toString(), OPEN);
        links.add(link);
        return link;
    }

    /** Reads exactly {@code n} bytes, each read into a buffer of random size, so boundaries fall anywhere. */
    private static byte[] readExactly(SerialLink link, int n, Random sizes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(n);
        int reads = 0;
        while (out.size() < n) {
            int room = Math.min(n - out.size(), 1 + sizes.nextInt(9000));
            ByteBuffer dst = ByteBuffer.allocate(room);
            int got = link.read(dst, IO);
            assertThat(got).isBetween(1, room);
            assertThat(dst.position()).isEqualTo(got);
            out.write(dst.array(), 0, got);
            reads++;
        }
        assertThat(reads).isPositive();
        return out.toByteArray();
    }

    @Test
    void streamLinkShape() {
        SerialLink a = open(pty.left());
        assertThat(a.keepsBoundaries()).isFalse();
        assertThat(a.maxPacketSize()).isEqualTo(SerialLink.CHUNK_SIZE);
        assertThat(a.describe()).contains(pty.left().toString());
    }

    @Test
    void everyByteValuePassesBothWaysUnchanged() {
        SerialLink a = open(pty.left());
        SerialLink b = open(pty.right());
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i; // includes XON/XOFF (0x11/0x13), CR/LF, ^C, DEL: raw mode must pass them
        }
        a.write(ByteBuffer.wrap(all), IO);
        assertThat(readExactly(b, 256, new Random(1))).isEqualTo(all);

        byte[] reversed = new byte[256];
        for (int i = 0; i < 256; i++) {
            reversed[i] = (byte) (255 - i);
        }
        b.write(ByteBuffer.wrap(reversed), IO);
        assertThat(readExactly(a, 256, new Random(2))).isEqualTo(reversed);
    }

    @Test
    void oneMebibyteRoundTripsIntactWithReadsReassemblingArbitraryBoundaries() throws Exception {
        SerialLink a = open(pty.left());
        SerialLink b = open(pty.right());
        byte[] data = new byte[1 << 20];
        new Random(42).nextBytes(data);

        // a -> b: one large write on a second thread while this one reads in random-sized pieces
        ByteBuffer src = ByteBuffer.wrap(data);
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> a.write(src, Duration.ofSeconds(30)));
        byte[] atB = readExactly(b, data.length, new Random(7));
        writing.get(30, TimeUnit.SECONDS);
        assertThat(src.hasRemaining()).isFalse();
        assertThat(Arrays.equals(atB, data)).as("1 MiB a->b intact").isTrue();

        // b -> a: echo it back, written in uneven pieces
        CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
            Random cuts = new Random(9);
            int off = 0;
            while (off < atB.length) {
                int len = Math.min(atB.length - off, 1 + cuts.nextInt(20000));
                b.write(ByteBuffer.wrap(atB, off, len), Duration.ofSeconds(30));
                off += len;
            }
        });
        byte[] back = readExactly(a, data.length, new Random(8));
        echo.get(30, TimeUnit.SECONDS);
        assertThat(Arrays.equals(back, data)).as("1 MiB b->a intact").isTrue();
    }

    @Test
    void readWithNothingSentTimesOut() {
        SerialLink a = open(pty.left());
        open(pty.right());
        long start = System.nanoTime();
        TransferTimeout t = assertThrows(TransferTimeout.class, () -> a.read(ByteBuffer.allocate(64), Duration.ofMillis(300)));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(t.direction()).isEqualTo(TransferTimeout.Direction.IN);
        assertThat(t.bytesMoved()).isZero();
        assertThat(ms).as("returned within a sane bound").isLessThan(5000);

        // A timeout shorter than the read quantum still ends, and the link stays usable after it.
        assertThrows(TransferTimeout.class, () -> a.read(ByteBuffer.allocate(64), Duration.ofMillis(20)));
        assertThrows(TransferTimeout.class, () -> a.read(ByteBuffer.allocate(64), Duration.ZERO));
    }

    @Test
    void bytesSentBeforeOurSideOpensAreNotLost() throws Exception {
        // The PBL sends its one Sahara HELLO when the driver binds, before the agent opens the port
        // (edl-protocol.md §1.5). The far end writes first; our open must not purge it.
        byte[] hello = new byte[48];
        new Random(3).nextBytes(hello);
        try (OutputStream far = Files.newOutputStream(pty.right())) {
            far.write(hello);
            far.flush();
        }
        SerialLink ours = open(pty.left());
        assertThat(readExactly(ours, hello.length, new Random(4))).isEqualTo(hello);
    }

    @Test
    void farEndClosingTurnsTheNextReadIntoDeviceGone() {
        SerialLink a = open(pty.left());
        SerialLink b = open(pty.right());
        b.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), IO);
        assertThat(readExactly(a, 3, new Random(5))).containsExactly(1, 2, 3);

        pty.kill();

        DeviceGone gone = assertThrows(DeviceGone.class, () -> a.read(ByteBuffer.allocate(16), IO));
        assertThat(gone.getMessage()).contains(pty.left().toString());
        assertThrows(DeviceGone.class, () -> a.write(ByteBuffer.wrap(new byte[] {9}), IO));
    }

    @Test
    void writeToAFarEndThatNeverReadsTimesOutWithBytesMovedAndCloseStillReturns() {
        SerialLink a = open(pty.left());
        // Nobody reads the right pty: socat's buffers and both pty queues fill, then the tty blocks.
        byte[] lots = new byte[16 << 20];
        ByteBuffer src = ByteBuffer.wrap(lots);
        TransferTimeout t = assertThrows(TransferTimeout.class, () -> a.write(src, Duration.ofMillis(1500)));
        assertThat(t.direction()).isEqualTo(TransferTimeout.Direction.OUT);
        assertThat(t.bytesMoved()).isPositive().isLessThan(lots.length);
        assertThat(src.position()).isEqualTo(t.bytesMoved());

        // The earlier write is still stuck in the driver: a new one fails fast instead of interleaving.
        TransportFailure stuck = assertThrows(TransportFailure.class, () -> a.write(ByteBuffer.wrap(new byte[] {1}), IO));
        assertThat(stuck.code()).isEqualTo("WRITE_STUCK");

        assertTimeoutPreemptively(Duration.ofSeconds(10), a::close);
        a.close(); // idempotent
        TransportFailure closed = assertThrows(TransportFailure.class, () -> a.read(ByteBuffer.allocate(1), IO));
        assertThat(closed.code()).isEqualTo("LINK_CLOSED");
    }

    @Test
    void closeEndsABlockedRead() throws Exception {
        SerialLink a = open(pty.left());
        CountDownLatch waiting = new CountDownLatch(1);
        a.onReadWaiting(waiting::countDown);
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                a.read(ByteBuffer.allocate(16), Duration.ofSeconds(30));
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).as("the read is waiting on the port").isTrue();
        a.close();
        Throwable t = reader.get(10, TimeUnit.SECONDS);
        assertThat(t).isInstanceOf(TransportFailure.class);
        assertThat(((TransportFailure) t).code()).isEqualTo("LINK_CLOSED");
        assertThat(t.getMessage()).as("ended by the close, not refused before it").contains("closed during a read");
    }

    @Test
    void aPortAlreadyOpenInThisAgentIsRefusedWithAHint() {
        open(pty.left());
        AccessDenied denied = assertThrows(AccessDenied.class, () -> SerialBus.openPath(pty.left().toString(), Duration.ofMillis(300)));
        assertThat(denied.getMessage()).contains("already open");
        assertThat(denied.nextStep()).isNotBlank();
    }

    @Test
    void aPathThatDoesNotExistIsDeviceGoneAfterTheOpenTimeout() {
        long start = System.nanoTime();
        DeviceGone gone = assertThrows(DeviceGone.class,
                () -> SerialBus.openPath("/dev/lumia-agent-no-such-tty", Duration.ofMillis(300)));
        assertThat(gone.getMessage()).contains("/dev/lumia-agent-no-such-tty").contains("does not exist");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000);
    }

    @Test
    void theBusOpensTheSystemPathOfAListedPhone() {
        // A pty stands in for /dev/ttyUSB0: the fake scan reports it as a 9008 at 1-1.4.
        SerialBus.PortInfo phone = new SerialBus.PortInfo(pty.left().toString(), "ttyUSB0", "1-1.4", 0x05C6, 0x9008,
                "QHSUSB__BULK", "", "");
        try (SerialBus bus = new SerialBus(() -> List.of(phone), PersonalityTable::standard, Duration.ofMillis(50))) {
            UsbDevice device = bus.devices().get(0);
            Link link = bus.open(device, LinkOptions.defaults());
            links.add((SerialLink) link);
            SerialLink far = open(pty.right());
            far.write(ByteBuffer.wrap(new byte[] {0x01, 0x00, 0x00, 0x00}), IO);
            assertThat(readExactly((SerialLink) link, 4, new Random(6))).containsExactly(1, 0, 0, 0);
        }
    }
}
