package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.Link;
import dev.lumiaagent.transport.LinkOptions;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.TransportFailure;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimBusTest {
    private static final Duration IO = Duration.ofSeconds(5);
    private final SimModel lumia520 = SimModels.standard().require("RM-914");
    private final SimModel lumia950 = SimModels.standard().require("Lumia 950");
    private final BlockingQueue<BusEvent> events = new LinkedBlockingQueue<>();
    private SimBus bus;

    /** Test firmware: answers every message with "re:" + the message, twice (two transfers). */
    private static final SimBus.FirmwareProvider ECHO = (phone, b, port) -> (message, out) -> {
        out.send(("re:" + new String(message, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII));
        out.send("end".getBytes(StandardCharsets.US_ASCII));
    };

    @AfterEach
    void close() {
        if (bus != null) {
            bus.close();
        }
    }

    private SimPhone phone(SimModel model, Mode mode, LinkKind link) {
        return new SimPhone(model, "356938035643809", "ABC123", mode, 80, link, EnumSet.noneOf(SimFault.class));
    }

    private BusEvent nextEvent() throws InterruptedException {
        BusEvent e = events.poll(5, TimeUnit.SECONDS);
        assertThat(e).as("bus event within 5 s").isNotNull();
        return e;
    }

    @Test
    void attachAndDetachAreEventsAndChangeTheDeviceList() throws Exception {
        bus = new SimBus(AgentClock.scaled(1000));
        bus.watch(events::add);
        UsbDevice d = bus.attach(PortPath.parse("1-4"), phone(lumia520, Mode.NORMAL, LinkKind.PACKET));
        assertThat(d.vidPid()).isEqualTo("0421:0661");
        assertThat(d.personality().mode()).isEqualTo(Mode.NORMAL);
        assertThat(d.product()).isEqualTo("Lumia 520");
        assertThat(nextEvent()).isEqualTo(new BusEvent.Attached(d));
        assertThat(bus.devices()).containsExactly(d);

        bus.detach(PortPath.parse("1-4"));
        assertThat(nextEvent()).isEqualTo(new BusEvent.Detached(d));
        assertThat(bus.devices()).isEmpty();
        assertThat(bus.detach(PortPath.parse("1-4"))).isEmpty();
    }

    /**
     * A dead battery: the phone shows up as 05C6:F006 and re-enumerates every ~8.3 s while it charges
     * (traces/nok/116: arrivals 8.285 / 8.289 / 8.276 / 8.286 s apart, WPinternals#42). Time is the subject:
     * the intervals are measured on the bench clock (50x), within a tolerance for the real-time jitter.
     */
    @Test
    void aDeadBatteryPhoneReEnumeratesAsF006EveryEightSeconds() throws Exception {
        bus = new SimBus(AgentClock.scaled(50));
        BlockingQueue<java.time.Instant> arrivals = new LinkedBlockingQueue<>();
        bus.watch(e -> {
            if (e instanceof BusEvent.Attached) {
                arrivals.add(bus.clock().now());
            }
            events.add(e);
        });
        SimPhone dead = new SimPhone(lumia520, "356938035643809", "ABC123", Mode.NORMAL, 0, LinkKind.PACKET,
                EnumSet.of(SimFault.DEAD_BATTERY));
        UsbDevice d = bus.attach(PortPath.parse("1-4"), dead);
        assertThat(d.vidPid()).isEqualTo("05C6:F006");
        List<java.time.Instant> at = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            java.time.Instant t = arrivals.poll(5, TimeUnit.SECONDS);
            assertThat(t).as("arrival %d within 5 s", i + 1).isNotNull();
            at.add(t);
        }
        for (int i = 1; i < at.size(); i++) {
            // ~8 s on the bench clock (×50: 160 ms real); a loaded host delays a re-attach by a few real ms, each ×50 here
            // (CI saw 10.3 s with two builds running): the bound says "every eight seconds", not "every ten or more"
            assertThat(Duration.between(at.get(i - 1), at.get(i)).toMillis()).as("interval %d", i).isBetween(7000L, 12000L);
        }
        // each arrival is the same F006 phone on the same port, after a Detached
        assertThat(events).filteredOn(e -> e instanceof BusEvent.Detached).hasSizeGreaterThanOrEqualTo(3);
        assertThat(events).filteredOn(e -> e instanceof BusEvent.Attached).extracting(e -> e.device().vidPid())
                .containsOnly("05C6:F006");
    }

    @Test
    void twoPhonesCannotShareAPort() {
        bus = new SimBus(AgentClock.scaled(1000));
        bus.attach(PortPath.parse("1-1"), phone(lumia520, Mode.NORMAL, LinkKind.PACKET));
        assertThatThrownBy(() -> bus.attach(PortPath.parse("1-1"), phone(lumia950, Mode.NORMAL, LinkKind.PACKET)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already has a phone");
    }

    @Test
    void aModeChangeReEnumeratesWithTheNewPidAfterTheDelaysOnTheVirtualClock() throws Exception {
        // 1000x: a 15 s drop and a 6 s return take ~21 ms of real time.
        bus = new SimBus(AgentClock.scaled(1000));
        PortPath port = PortPath.parse("1-2.3");
        UsbDevice normal = bus.attach(port, phone(lumia950, Mode.NORMAL, LinkKind.PACKET));
        bus.watch(events::add);
        UsbDevice uefi = bus.reenumerate(port, Mode.UEFI, Duration.ofSeconds(15), Duration.ofSeconds(6))
                .get(5, TimeUnit.SECONDS);
        assertThat(nextEvent()).isEqualTo(new BusEvent.Detached(normal));
        assertThat(nextEvent()).isEqualTo(new BusEvent.Attached(uefi));
        assertThat(uefi.vidPid()).isEqualTo("045E:0A02");
        assertThat(uefi.personality().mode()).isEqualTo(Mode.UEFI);
        assertThat(uefi.port()).isEqualTo(port);
        assertThat(bus.phoneAt(port).orElseThrow().mode()).isEqualTo(Mode.UEFI);
    }

    @Test
    void unpluggingDuringAReEnumerationCancelsIt() throws Exception {
        bus = new SimBus(AgentClock.scaled(1));
        PortPath port = PortPath.parse("1-1");
        bus.attach(port, phone(lumia520, Mode.NORMAL, LinkKind.PACKET));
        var future = bus.reenumerate(port, Mode.UEFI, Duration.ofMillis(50), Duration.ofMillis(50));
        bus.detach(port);
        assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).hasMessageContaining("unplugged");
        assertThat(bus.devices()).isEmpty();
    }

    @Test
    void packetLinksKeepMessageBoundaries() {
        bus = new SimBus(AgentClock.scaled(1000), ECHO);
        UsbDevice d = bus.attach(PortPath.parse("1-1"), phone(lumia520, Mode.NORMAL, LinkKind.PACKET));
        try (Link link = bus.open(d, LinkOptions.defaults())) {
            assertThat(link.keepsBoundaries()).isTrue();
            link.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), IO);
            assertThat(readOnce(link, 64)).isEqualTo("re:hello");
            assertThat(readOnce(link, 64)).isEqualTo("end");
        }
    }

    @Test
    void aTransferLargerThanTheReadBufferIsAnOverflowLikeLibusb() {
        bus = new SimBus(AgentClock.scaled(1000), ECHO);
        UsbDevice d = bus.attach(PortPath.parse("1-1"), phone(lumia520, Mode.NORMAL, LinkKind.PACKET));
        try (Link link = bus.open(d, LinkOptions.defaults())) {
            link.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), IO);
            assertThatThrownBy(() -> link.read(ByteBuffer.allocate(4), IO)).isInstanceOf(TransportFailure.class)
                    .hasMessageContaining("OVERFLOW");
        }
    }

    @Test
    void streamLinksLoseBoundariesAndCanSplitEveryByte() throws Exception {
        bus = new SimBus(AgentClock.scaled(1000), ECHO);
        bus.streamChunk(1);
        UsbDevice d = bus.attach(PortPath.parse("1-1"), phone(lumia520, Mode.NORMAL, LinkKind.STREAM));
        try (Link link = bus.open(d, LinkOptions.defaults())) {
            assertThat(link.keepsBoundaries()).isFalse();
            link.write(ByteBuffer.wrap("ab".getBytes(StandardCharsets.US_ASCII)), IO);
            StringBuilder got = new StringBuilder();
            while (got.length() < "re:abend".length()) {
                String piece = readOnce(link, 64);
                assertThat(piece).hasSize(1);
                got.append(piece);
            }
            assertThat(got).hasToString("re:abend");
        }
    }

    @Test
    void streamLinksMergeMessagesInOneRead() throws Exception {
        bus = new SimBus(AgentClock.scaled(1000), ECHO);
        UsbDevice d = bus.attach(PortPath.parse("1-1"), phone(lumia520, Mode.NORMAL, LinkKind.STREAM));
        try (Link link = bus.open(d, LinkOptions.defaults())) {
            link.write(ByteBuffer.wrap("x".getBytes(StandardCharsets.US_ASCII)), IO);
            StringBuilder got = new StringBuilder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (got.length() < "re:xend".length() && System.nanoTime() < deadline) {
                got.append(readOnce(link, 64));
            }
            assertThat(got).hasToString("re:xend");
        }
    }

    @Test
    void aReadWithNothingToReadTimesOutWithATypedError() {
        bus = new SimBus(AgentClock.scaled(1000), ECHO);
        UsbDevice d = bus.attach(PortPath.parse("1-1"), phone(lumia520, Mode.NORMAL, LinkKind.PACKET));
        try (Link link = bus.open(d, LinkOptions.defaults())) {
            assertThatThrownBy(() -> link.read(ByteBuffer.allocate(64), Duration.ofMillis(30)))
                    .isInstanceOfSatisfying(TransferTimeout.class, t -> assertThat(t.bytesMoved()).isZero());
        }
    }

    @Test
    void anOpenLinkFailsWithDeviceGoneWhenThePhoneReboots() throws Exception {
        bus = new SimBus(AgentClock.scaled(1000), ECHO);
        PortPath port = PortPath.parse("1-1");
        UsbDevice d = bus.attach(port, phone(lumia520, Mode.NORMAL, LinkKind.PACKET));
        Link link = bus.open(d, LinkOptions.defaults());
        bus.reenumerate(port, Mode.UEFI, Duration.ZERO, Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> link.read(ByteBuffer.allocate(64), IO)).isInstanceOf(DeviceGone.class)
                .hasMessageContaining("rebooted");
        assertThatThrownBy(() -> link.write(ByteBuffer.allocate(1), IO)).isInstanceOf(DeviceGone.class);
        // The old identity cannot be opened again: the phone is a different personality now.
        assertThatThrownBy(() -> bus.open(d, LinkOptions.defaults())).isInstanceOf(DeviceGone.class)
                .hasMessageContaining("re-enumerated");
        link.close();
    }

    @Test
    void aModeWithoutABulkChannelCannotBeOpened() {
        bus = new SimBus(AgentClock.scaled(1000));
        SimPhone dead = new SimPhone(lumia520, "356938035643809", "S", Mode.NORMAL, 0, LinkKind.PACKET,
                EnumSet.of(SimFault.DEAD_BATTERY));
        UsbDevice d = bus.attach(PortPath.parse("1-1"), dead);
        assertThat(d.vidPid()).isEqualTo("05C6:F006");
        assertThatThrownBy(() -> bus.open(d, LinkOptions.defaults())).isInstanceOf(TransportFailure.class)
                .hasMessageContaining("no channel");
    }

    @Test
    void aPhoneWithoutASimulatedProtocolRecordsWhatTheHostSent() throws Exception {
        // Every mode with a bulk channel has a simulated protocol now (EDL since SimEdlFirmware), so the
        // strict-silence peer is chosen explicitly.
        bus = new SimBus(AgentClock.scaled(1000), StrictSilence.PROVIDER);
        SimPhone p = phone(lumia520, Mode.EDL_PBL, LinkKind.PACKET);
        UsbDevice d = bus.attach(PortPath.parse("1-1"), p);
        try (Link link = bus.open(d, LinkOptions.defaults())) {
            link.write(ByteBuffer.wrap(new byte[] {'N', 'O', 'K', 'V'}), IO);
            assertThat(p.awaitViolations(1, IO)).as("a violation recorded within 5 s").isTrue();
        }
        assertThat(p.violations()).singleElement().asString().contains("4e4f4b56").contains("no protocol is simulated");
    }

    @Test
    void aStalledPhoneNeverAnswers() {
        bus = new SimBus(AgentClock.scaled(1000), ECHO);
        SimPhone p = new SimPhone(lumia520, "356938035643809", "S", Mode.NORMAL, 50, LinkKind.PACKET, EnumSet.of(SimFault.STALL));
        UsbDevice d = bus.attach(PortPath.parse("1-1"), p);
        try (Link link = bus.open(d, LinkOptions.defaults())) {
            link.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), IO);
            assertThatThrownBy(() -> link.read(ByteBuffer.allocate(64), Duration.ofMillis(50)))
                    .isInstanceOf(TransferTimeout.class);
        }
    }

    @Test
    void everySimulatedModelPresentsATableIdentityInEverySimulatedMode() {
        for (SimModel m : SimModels.standard().all()) {
            for (Mode mode : List.of(Mode.NORMAL, Mode.LABEL, Mode.UEFI, Mode.MASS_STORAGE, Mode.EDL_PBL)) {
                UsbDevice d = phone(m, mode, LinkKind.PACKET).usbDeviceAt(PortPath.parse("1-1"));
                assertThat(d.personality().mode()).as("%s in %s", m.name(), mode).isEqualTo(mode);
            }
        }
    }

    private static String readOnce(Link link, int size) {
        ByteBuffer buf = ByteBuffer.allocate(size);
        int n = link.read(buf, IO);
        return new String(buf.array(), 0, n, StandardCharsets.US_ASCII);
    }
}
