package dev.lumiaagent.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.testing.RequiredTool;
import dev.lumiaagent.testing.ScriptedLink;
import dev.lumiaagent.transport.discovery.Personality;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trace's line format and its rules, over a scripted link (the simulated phones: TracingBusSimTest). */
class TracingBusTest {
    private static final PortPath PORT = PortPath.parse("1-4");
    private static final Duration T = Duration.ofSeconds(5);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-02T09:14:03.120Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    /** One device on one port; each open hands out the next scripted link. */
    static final class OneDeviceBus implements Bus {
        final UsbDevice device;
        final List<ScriptedLink> links = new ArrayList<>();
        boolean closed;

        OneDeviceBus(PortPath port, ScriptedLink... links) {
            this.device = new UsbDevice(port, 0x0421, 0x066E, "Nokia", "Lumia", "USB1", List.of(0), Personality.unknown());
            this.links.addAll(List.of(links));
        }

        @Override
        public List<UsbDevice> devices() {
            return List.of(device);
        }

        @Override
        public Subscription watch(Consumer<BusEvent> listener) {
            return () -> { };
        }

        @Override
        public Link open(UsbDevice d, LinkOptions options) {
            return links.remove(0);
        }

        @Override
        public String describe() {
            return "one scripted device";
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static byte[] bytes(int n, int first) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (first + i);
        }
        return b;
    }

    private List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    @Test
    void aTransferIsOneLineWithTimePortDirectionLengthHexAndText() throws IOException {
        ScriptedLink scripted = new ScriptedLink(true, 512, "NOKV\0\1\2".getBytes(StandardCharsets.ISO_8859_1));
        OneDeviceBus inner = new OneDeviceBus(PORT, scripted);
        Path file = dir.resolve("trace.txt");
        try (TracingBus bus = new TracingBus(inner, CLOCK, 64)) {
            bus.traceTo(PORT, file);
            try (Link link = bus.open(inner.device, LinkOptions.defaults())) {
                link.write(ByteBuffer.wrap("NOKV".getBytes(StandardCharsets.US_ASCII)), T);
                link.read(ByteBuffer.allocate(512), T);
            }
            bus.stopTracing(PORT);
        }
        assertThat(lines(file)).contains(
                "2024-05-02T09:14:03.120Z 1-4 > 4 4E 4F 4B 56 \"NOKV\"",
                "2024-05-02T09:14:03.120Z 1-4 < 7 4E 4F 4B 56 00 01 02 |NOKV...|");
        assertThat(lines(file).get(0)).startsWith("2024-05-02T09:14:03.120Z 1-4 trace started");
        assertThat(lines(file)).anyMatch(l -> l.contains(" 1-4 open ") && l.contains("scripted"));
        assertThat(lines(file)).anyMatch(l -> l.endsWith(" 1-4 close scripted"));
        assertThat(lines(file).get(lines(file).size() - 1)).endsWith("1-4 trace stopped");
    }

    @Test
    void aLargeWriteShowsOnlyItsHeadAndTheCallersBufferIsConsumedOnlyByTheLink() throws IOException {
        ScriptedLink scripted = new ScriptedLink(true, 512);
        OneDeviceBus inner = new OneDeviceBus(PORT, scripted);
        Path file = dir.resolve("trace.txt");
        byte[] big = new byte[(int) (2.25 * 1024 * 1024)];
        big[0] = 0x12;
        big[15] = 0x34;
        try (TracingBus bus = new TracingBus(inner, CLOCK, 16)) {
            bus.traceTo(PORT, file);
            Link link = bus.open(inner.device, LinkOptions.defaults());
            ByteBuffer src = ByteBuffer.wrap(big);
            link.write(src, T);
            assertThat(src.hasRemaining()).isFalse(); // the link consumed it, as without tracing
            bus.stopTracing(PORT);
        }
        assertThat(scripted.written).singleElement().satisfies(b -> assertThat(b).isEqualTo(big));
        String line = lines(file).stream().filter(l -> l.contains(" > ")).findFirst().orElseThrow();
        assertThat(line).isEqualTo("2024-05-02T09:14:03.120Z 1-4 > 2359296 12 00 00 00 00 00 00 00 00 00 00 00 00 00 00 34 … "
                + "|...............4|");
    }

    @Test
    void printableTextIsShownUpTo160CharactersAndCut() throws IOException {
        String xml = "<?xml version=\"1.0\" ?><data><program SECTOR_SIZE_IN_BYTES=\"512\" num_partition_sectors=\"4096\" "
                + "physical_partition_number=\"0\" start_sector=\"34\" filename=\"gpt_main0.bin\" label=\"PrimaryGPT\"/></data>\n";
        assertThat(xml.length()).isGreaterThan(160);
        ScriptedLink scripted = new ScriptedLink(true, 512);
        OneDeviceBus inner = new OneDeviceBus(PORT, scripted);
        Path file = dir.resolve("trace.txt");
        try (TracingBus bus = new TracingBus(inner, CLOCK, 64)) {
            bus.traceTo(PORT, file);
            Link link = bus.open(inner.device, LinkOptions.defaults());
            link.write(ByteBuffer.wrap(xml.getBytes(StandardCharsets.US_ASCII)), T);
            bus.stopTracing(PORT);
        }
        String line = lines(file).stream().filter(l -> l.contains(" > ")).findFirst().orElseThrow();
        assertThat(line).contains(" > " + xml.length() + " 3C 3F 78 6D 6C ");
        assertThat(line).endsWith(" \"" + xml.substring(0, 160) + "\" …");
    }

    @Test
    void aReadIsFormattedFromTheBytesThatArrivedOnly() throws IOException {
        ScriptedLink scripted = new ScriptedLink(true, 512, new byte[] {0x05, 0x06});
        OneDeviceBus inner = new OneDeviceBus(PORT, scripted);
        Path file = dir.resolve("trace.txt");
        ByteBuffer dst = ByteBuffer.allocate(16);
        dst.put(new byte[] {(byte) 0xAA, (byte) 0xBB, (byte) 0xCC}); // a codec's push-back: already there
        try (TracingBus bus = new TracingBus(inner, CLOCK, 64)) {
            bus.traceTo(PORT, file);
            Link link = bus.open(inner.device, LinkOptions.defaults());
            assertThat(link.read(dst, T)).isEqualTo(2);
            bus.stopTracing(PORT);
        }
        assertThat(dst.position()).isEqualTo(5);
        assertThat(dst.get(3)).isEqualTo((byte) 0x05);
        assertThat(lines(file)).contains("2024-05-02T09:14:03.120Z 1-4 < 2 05 06 |..|");
    }

    @Test
    void aTimeoutIsALineAndStillReachesTheCaller() throws IOException {
        ScriptedLink scripted = new ScriptedLink(true, 512); // nothing queued: the read times out
        OneDeviceBus inner = new OneDeviceBus(PORT, scripted);
        Path file = dir.resolve("trace.txt");
        try (TracingBus bus = new TracingBus(inner, CLOCK, 64)) {
            bus.traceTo(PORT, file);
            Link link = bus.open(inner.device, LinkOptions.defaults());
            assertThatThrownBy(() -> link.read(ByteBuffer.allocate(64), T)).isInstanceOf(TransferTimeout.class);
            bus.stopTracing(PORT);
        }
        assertThat(lines(file)).contains("2024-05-02T09:14:03.120Z 1-4 < ! TransferTimeout after 5000 ms (0 bytes moved)");
    }

    @Test
    void aLinkOpenedBeforeTracingIsTracedFromThenOnAndAnotherPortIsNot() throws IOException {
        ScriptedLink scripted = new ScriptedLink(true, 512, new byte[] {1}, new byte[] {2});
        OneDeviceBus inner = new OneDeviceBus(PORT, scripted);
        Path file = dir.resolve("trace.txt");
        Path other = dir.resolve("other.txt");
        try (TracingBus bus = new TracingBus(inner, CLOCK, 64)) {
            Link link = bus.open(inner.device, LinkOptions.defaults());
            link.read(ByteBuffer.allocate(8), T); // before tracing: not in the file
            bus.traceTo(PortPath.parse("1-5"), other);
            bus.traceTo(PORT, file);
            link.read(ByteBuffer.allocate(8), T);
            bus.stopTracing(PORT);
            bus.stopTracing(PortPath.parse("1-5"));
        }
        assertThat(lines(file)).anyMatch(l -> l.contains("1-4 open (already)"));
        assertThat(lines(file)).contains("2024-05-02T09:14:03.120Z 1-4 < 1 02 |.|");
        assertThat(lines(file)).noneMatch(l -> l.contains("< 1 01"));
        assertThat(lines(other)).noneMatch(l -> l.contains("1-4"));
    }

    @Test
    void closingTheBusEndsEveryTraceAndClosesTheBusBelow() throws IOException {
        OneDeviceBus inner = new OneDeviceBus(PORT);
        Path file = dir.resolve("trace.txt");
        TracingBus bus = new TracingBus(inner, CLOCK, 64);
        bus.traceTo(PORT, file);
        bus.close();
        assertThat(inner.closed).isTrue();
        assertThat(bus.tracing(PORT)).isFalse();
        assertThat(lines(file).get(lines(file).size() - 1)).endsWith("trace stopped");
    }

    @Test
    void aTraceFileThatCannotBeOpenedLeavesThePortUntracedAndTheLinkWorking() throws IOException {
        ScriptedLink scripted = new ScriptedLink(true, 512, new byte[] {7});
        OneDeviceBus inner = new OneDeviceBus(PORT, scripted);
        Path aFile = Files.writeString(dir.resolve("a-file"), "x");
        try (TracingBus bus = new TracingBus(inner, CLOCK, 64)) {
            bus.traceTo(PORT, aFile.resolve("trace.txt")); // a directory that is a file
            assertThat(bus.tracing(PORT)).isFalse();
            Link link = bus.open(inner.device, LinkOptions.defaults());
            assertThat(link.read(ByteBuffer.allocate(8), T)).isEqualTo(1);
        }
    }

    @Test
    void aTraceFileThatFailsWhileWritingIsDisabledAndNeverThrowsIntoTheLink() {
        Path full = Path.of("/dev/full"); // every write fails with ENOSPC
        RequiredTool.require("/dev/full", Files.isWritable(full), "a Linux device node every write to fails with ENOSPC");
        ScriptedLink scripted = new ScriptedLink(true, 512);
        OneDeviceBus inner = new OneDeviceBus(PORT, scripted);
        try (TracingBus bus = new TracingBus(inner, CLOCK, 64)) {
            bus.traceTo(PORT, full);
            assertThat(bus.tracing(PORT)).isTrue();
            Link link = bus.open(inner.device, LinkOptions.defaults());
            byte[] piece = bytes(4096, 0);
            for (int i = 0; i < 200 && bus.tracing(PORT); i++) { // ~40 KiB of lines overflow the writer's buffer
                link.write(ByteBuffer.wrap(piece), T);
            }
            assertThat(bus.tracing(PORT)).isFalse();
            link.write(ByteBuffer.wrap(piece), T); // still passes through
            bus.stopTracing(PORT);
        }
        assertThat(scripted.written).hasSizeGreaterThan(1);
    }

    @Test
    void aHeadOfLessThanOneByteIsRefused() {
        assertThatThrownBy(() -> new TracingBus(new OneDeviceBus(PORT), CLOCK, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 byte");
    }
}
