package dev.lumiaagent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.device.DeviceInfo;
import dev.lumiaagent.device.InfoField;
import dev.lumiaagent.device.InfoReader;
import dev.lumiaagent.device.Phones;
import dev.lumiaagent.device.UefiPhone;
import dev.lumiaagent.sim.BenchSpec;
import dev.lumiaagent.sim.SimBench;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.transport.discovery.Mode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real info reads of simulated phones through a tracing bus: the trace shows what went over the wire. */
class TracingBusSimTest {
    // mixed(3): 1-1 normal mode (JSON-RPC), 1-2 UEFI flash app (NOK), 1-3 EDL over a stream link
    private static final PortPath NORMAL = PortPath.of(1, 1);
    private static final PortPath UEFI = PortPath.of(1, 2);
    private static final PortPath EDL = PortPath.of(1, 3);

    private final SimBus sim = SimBench.start(BenchSpec.mixed(3));
    private final TracingBus bus = new TracingBus(sim);

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        bus.close();
    }

    private UsbDevice on(PortPath port) {
        return bus.devices().stream().filter(d -> d.port().equals(port)).findFirst().orElseThrow();
    }

    private static String text(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    @Test
    void theTraceOfAUefiPhoneShowsTheNokvRequestAndItsReply() throws IOException {
        assertThat(on(UEFI).personality().mode()).isEqualTo(Mode.UEFI);
        Path trace = dir.resolve("uefi.trace");
        bus.traceTo(UEFI, trace);
        DeviceInfo info = InfoReader.read(bus, on(UEFI));
        bus.stopTracing(UEFI);

        assertThat(info.text(InfoField.PLATFORM_ID)).isPresent(); // the read itself was not disturbed
        List<String> lines = Files.readAllLines(trace);
        assertThat(lines).anyMatch(l -> l.contains(" 1-2 > 4 4E 4F 4B 56 \"NOKV\""));
        assertThat(lines).anyMatch(l -> l.contains(" 1-2 < ") && l.contains(" 4E 4F 4B 56 "));
        assertThat(lines).anyMatch(l -> l.contains(" 1-2 open ") && l.contains("UEFI"));
        assertThat(lines).anyMatch(l -> l.contains(" 1-2 close "));
        assertThat(lines.get(lines.size() - 1)).endsWith("1-2 trace stopped");
    }

    @Test
    void theTraceOfANormalModePhoneShowsTheJsonRpcMethods() throws IOException {
        Path trace = dir.resolve("normal.trace");
        bus.traceTo(NORMAL, trace);
        DeviceInfo info = InfoReader.read(bus, on(NORMAL));
        bus.stopTracing(NORMAL);

        assertThat(info.text(InfoField.IMEI)).isPresent();
        String text = text(trace);
        assertThat(text).contains("\"method\":\"ReadManufacturerModelName\"");
        assertThat(text).contains("\"method\":\"ReadSerialNumber\",\"params\":{\"SubscriptionId\":0");
        assertThat(text).containsPattern(" 1-1 < \\d+ 7B .*\"jsonrpc\"\\s*:\\s*\"2.0\"");
    }

    @Test
    void aPhoneOnAnotherPortIsNotTraced() throws IOException {
        Path trace = dir.resolve("uefi.trace");
        bus.traceTo(UEFI, trace);
        InfoReader.read(bus, on(NORMAL));
        DeviceInfo edl = InfoReader.read(bus, on(EDL));
        bus.stopTracing(UEFI);

        assertThat(edl.notes()).isNotNull();
        assertThat(text(trace)).doesNotContain(" 1-1 ").doesNotContain(" 1-3 ").doesNotContain("jsonrpc");
    }

    @Test
    void afterStopTracingTheFileNoLongerGrows() throws IOException {
        Path trace = dir.resolve("uefi.trace");
        bus.traceTo(UEFI, trace);
        bus.stopTracing(UEFI);
        long size = Files.size(trace);
        assertThat(text(trace)).endsWith("trace stopped\n");

        InfoReader.read(bus, on(UEFI));
        assertThat(Files.size(trace)).isEqualTo(size);
    }

    @Test
    void aLinkAlreadyOpenWhenTracingStartsIsTracedToo() throws IOException {
        Path trace = dir.resolve("uefi.trace");
        try (UefiPhone phone = Phones.openUefi(bus, on(UEFI))) {
            bus.traceTo(UEFI, trace);
            phone.version();
        }
        bus.stopTracing(UEFI);
        String text = text(trace);
        assertThat(text).contains("1-2 open (already)").contains("> 4 4E 4F 4B 56");
    }

    @Test
    void anUnwritableTraceDisablesTracingWithoutFailingTheRead() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        bus.traceTo(UEFI, notADirectory.resolve("uefi.trace"));
        assertThat(bus.tracing(UEFI)).isFalse();

        DeviceInfo info = InfoReader.read(bus, on(UEFI));
        assertThat(info.text(InfoField.PLATFORM_ID)).isPresent();
        assertThat(notADirectory).hasContent("x");
    }
}
