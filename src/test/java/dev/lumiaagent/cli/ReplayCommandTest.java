package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.transport.capture.UsbmonPcapReader;
import dev.lumiaagent.transport.capture.UsbmonPcapWriter;
import dev.lumiaagent.transport.capture.UsbmonRecord;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate replay}: a capture played back as a strict phone passes the same command and names the first wrong byte. */
class ReplayCommandTest {

    /** The capture with one byte of the host's {@code n}-th bulk write (1-based, counted over all bulk transfers) changed. */
    static Path mutate(Path pcap, Path to, int transfer, int offset) throws Exception {
        List<UsbmonRecord> records = UsbmonPcapReader.read(pcap);
        List<UsbmonRecord> out = new ArrayList<>();
        java.util.Map<Long, Integer> indexOfSubmission = new java.util.HashMap<>();
        java.util.Map<Long, UsbmonRecord> pending = new java.util.HashMap<>();
        int index = 0;
        // number the completed bulk transfers as the replay does, then change the matching OUT submission
        for (UsbmonRecord r : records) {
            if (r.transferType() == UsbmonRecord.BULK && r.type() == 'S') {
                pending.put(r.id(), r);
            } else if (r.transferType() == UsbmonRecord.BULK && r.type() == 'C' && r.status() == 0) {
                index++;
                indexOfSubmission.put(r.id(), index);
            }
        }
        for (UsbmonRecord r : records) {
            Integer i = indexOfSubmission.get(r.id());
            if (r.type() == 'S' && r.transferType() == UsbmonRecord.BULK && i != null && i == transfer) {
                assertThat(r.in()).as("transfer " + transfer + " is a host write").isFalse();
                byte[] data = r.data().clone();
                data[offset] ^= 0x01;
                r = new UsbmonRecord(r.id(), r.type(), r.transferType(), r.endpoint(), r.devnum(), r.busnum(), r.setup(), r.tsSec(),
                        r.tsUsec(), r.status(), r.urbLength(), r.dataLength(), data);
            }
            out.add(r);
        }
        try (OutputStream o = Files.newOutputStream(to); UsbmonPcapWriter w = new UsbmonPcapWriter(o, UsbmonPcapWriter.DEFAULT_SNAPLEN)) {
            for (UsbmonRecord r : out) {
                w.write(r);
            }
        }
        return to;
    }

    @Test
    void infoReplaysAndAChangedByteIsNamed(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("info.pcap");
        CliRunner.Result captured = CliRunner.run("info", "--simulate", "1", "--sim-speed", "200", "--json", "--capture", pcap.toString());
        assertThat(captured.exitCode()).as(captured.out() + captured.err()).isZero();

        CliRunner.Result replayed = CliRunner.run("simulate", "replay", pcap.toString(), "--", "info", "--json");
        assertThat(replayed.exitCode()).as(replayed.out() + replayed.err()).isZero();
        assertThat(replayed.out()).isEqualTo(captured.out());
        assertThat(replayed.err()).contains("replay: no violation;").doesNotContain("violation:");

        // transfer 3 is the host's second request (1: request, 2: answer, 3: request)
        Path bad = mutate(pcap, dir.resolve("bad.pcap"), 3, 4);
        byte[] sent = CaptureCommandTest.agentTransfers(pcap).get(2).dataHex().substring(8, 10).getBytes();
        int hostByte = Integer.parseInt(new String(sent), 16);
        CliRunner.Result diverged = CliRunner.run("simulate", "replay", bad.toString(), "--", "info", "--json");
        assertThat(diverged.exitCode()).as(diverged.out() + diverged.err()).isNotZero();
        assertThat(diverged.err()).contains(String.format("replay: violation: transfer 3 (host → phone, %d bytes): byte 4 is 0x%02X, "
                + "the capture has 0x%02X", CaptureCommandTest.agentTransfers(pcap).get(2).length(), hostByte, hostByte ^ 1));
        assertThat(diverged.out() + diverged.err()).contains("REPLAY_DIVERGED").doesNotContain("Exception");
    }

    @Test
    void aFileThatIsNoCaptureIsANamedError(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.pcap");
        Files.writeString(junk, "this is not a capture at all");
        CliRunner.Result r = CliRunner.run("simulate", "replay", junk.toString(), "info");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("is not a pcap file").doesNotContain("Exception").doesNotContain("\tat ");
        byte[] cut = Files.readAllBytes(capture(dir));
        Path truncated = dir.resolve("cut.pcap");
        Files.write(truncated, java.util.Arrays.copyOf(cut, cut.length - 5));
        CliRunner.Result t = CliRunner.run("info", "--bus", "replay:" + truncated);
        assertThat(t.exitCode()).isEqualTo(2);
        assertThat(t.err()).contains("is cut short: record").doesNotContain("\tat ");
    }

    private static Path capture(Path dir) {
        Path pcap = dir.resolve("one.pcap");
        CliRunner.Result r = CliRunner.run("info", "--simulate", "1", "--sim-speed", "200", "--capture", pcap.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        return pcap;
    }
}
