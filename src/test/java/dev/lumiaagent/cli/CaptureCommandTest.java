package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.testing.RequiredTool;
import dev.lumiaagent.transport.capture.UsbmonPcapReader;
import dev.lumiaagent.transport.capture.UsbmonRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --capture FILE.pcap} on real flows against the simulated bench, read back by tshark: the file
 * must list exactly the bulk transfers the agent made (count, direction, lengths, first bytes), as the
 * agent's own reader sees them.
 */
class CaptureCommandTest {
    /** One bulk completion as tshark prints it: direction, length, data (hex, may be cut by the snap length). */
    record Seen(boolean in, int length, String dataHex) {
    }

    static boolean tsharkAvailable() {
        try {
            Process p = new ProcessBuilder("tshark", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void requireTshark() {
        RequiredTool.require("tshark", tsharkAvailable(), "reads the usbmon pcap back; install it with `apt-get install -y tshark`");
    }

    /** The bulk completions of {@code pcap} as tshark decodes them (one line per 'C' of transfer type 3). */
    static List<Seen> tsharkBulkCompletions(Path pcap) throws Exception {
        Process p = new ProcessBuilder("tshark", "-r", pcap.toString(), "-Y", "usb.transfer_type == 0x03 && usb.urb_type == 'C' && usb.urb_status == 0",
                "-T", "fields", "-e", "usb.endpoint_address", "-e", "usb.urb_len", "-e", "usb.data_len", "-e", "usb.capdata")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("tshark finished within 2 minutes").isTrue();
        assertThat(p.exitValue()).as("tshark exit code").isZero();
        List<Seen> seen = new ArrayList<>();
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            int ep = Integer.decode(f[0]);
            boolean in = (ep & 0x80) != 0;
            // an OUT completion carries no data: its length is the URB's (the bytes moved)
            int length = in ? Integer.parseInt(f[2]) : Integer.parseInt(f[1]);
            seen.add(new Seen(in, length, f.length > 3 ? f[3].replace(":", "") : ""));
        }
        return seen;
    }

    /** What the agent did, from its own file: each bulk completion, with the data of the OUT's submission. */
    static List<Seen> agentTransfers(Path pcap) {
        List<UsbmonRecord> all = UsbmonPcapReader.read(pcap);
        List<Seen> out = new ArrayList<>();
        java.util.Map<Long, UsbmonRecord> submits = new java.util.HashMap<>();
        for (UsbmonRecord r : all) {
            if (r.transferType() != UsbmonRecord.BULK) {
                continue;
            }
            if (r.type() == 'S') {
                submits.put(r.id(), r);
            } else if (r.status() == 0) {
                UsbmonRecord s = submits.get(r.id());
                byte[] data = r.in() ? r.data() : s.data();
                out.add(new Seen(r.in(), r.in() ? r.dataLength() : r.urbLength(), HexFormat.of().formatHex(data)));
            }
        }
        return out;
    }

    @Test
    void infoCapturedAndReadByTshark(@TempDir Path dir) throws Exception {
        requireTshark();
        Path pcap = dir.resolve("info.pcap");
        CliRunner.Result r = CliRunner.run("info", "--simulate", "2", "--sim-speed", "200", "--capture", pcap.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        List<Seen> tshark = tsharkBulkCompletions(pcap);
        List<Seen> agent = agentTransfers(pcap);
        assertThat(tshark).isNotEmpty();
        assertThat(tshark).hasSameSizeAs(agent);
        for (int i = 0; i < agent.size(); i++) {
            assertThat(tshark.get(i).in()).as("direction of transfer " + i).isEqualTo(agent.get(i).in());
            assertThat(tshark.get(i).length()).as("length of transfer " + i).isEqualTo(agent.get(i).length());
            if (agent.get(i).in()) { // tshark shows data on IN completions; its first bytes are the phone's answer
                assertThat(tshark.get(i).dataHex()).as("data of transfer " + i).isEqualTo(agent.get(i).dataHex());
            }
        }
        // the first host write on a normal-mode phone is a Nokia JSON-RPC request: {"jsonrpc"...
        Seen first = agent.get(0);
        assertThat(first.in()).isFalse();
        assertThat(new String(HexFormat.of().parseHex(first.dataHex()), StandardCharsets.US_ASCII)).startsWith("{\"jsonrpc\"");
    }

    @Test
    void reflashCapturedReadByTsharkAndReplayed(@TempDir Path dir) throws Exception {
        requireTshark();
        Path ffu = dir.resolve("demo.ffu");
        assertThat(CliRunner.run("ffu", "build", "--demo", "16M", "--model", "RM-914", "-o", ffu.toString()).exitCode()).isZero();
        Path pcap = dir.resolve("reflash.pcap");
        String[] job = {"--ffu", ffu.toString(), "--yes", "--jobs-dir", dir.resolve("jobs").toString(),
                "--store", "jdbc:sqlite:" + dir.resolve("records.db")};
        CliRunner.Result r = CliRunner.run(concat(new String[] {"reflash", "--simulate", "1", "--sim-speed", "200", "--capture",
                pcap.toString()}, job));
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        List<Seen> tshark = tsharkBulkCompletions(pcap);
        List<Seen> agent = agentTransfers(pcap);
        assertThat(tshark).hasSameSizeAs(agent);
        for (int i = 0; i < agent.size(); i++) {
            assertThat(tshark.get(i).in()).as("direction of transfer " + i).isEqualTo(agent.get(i).in());
            assertThat(tshark.get(i).length()).as("length of transfer " + i).isEqualTo(agent.get(i).length());
        }
        // the flash messages: NOKXF… host writes of more than 128 KiB are there with their true length
        assertThat(agent.stream().filter(s -> !s.in() && s.dataHex().startsWith(HexFormat.of().formatHex("NOKXF".getBytes(
                StandardCharsets.US_ASCII)))).count()).isGreaterThan(10);

        // the job's diagnostics bundle carries the pcap
        Path zip = dir.resolve("diag.zip");
        CliRunner.Result diag = CliRunner.run("diag", "1-1", "-o", zip.toString(), "--jobs-dir", dir.resolve("jobs").toString(),
                "--store", "jdbc:sqlite:" + dir.resolve("records.db"));
        assertThat(diag.exitCode()).as(diag.out() + diag.err()).isZero();
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            java.util.zip.ZipEntry e = z.getEntry("capture.pcap");
            assertThat(e).as("capture.pcap in the bundle").isNotNull();
            try (java.io.InputStream in = z.getInputStream(e)) {
                assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(pcap));
            }
        }

        // the same command against the replayed capture: same outcome, no violation
        CliRunner.Result replayed = CliRunner.run(concat(new String[] {"simulate", "replay", pcap.toString(), "--", "reflash"}, job));
        assertThat(replayed.exitCode()).as(replayed.out() + replayed.err()).isZero();
        assertThat(replayed.out()).contains("Done: The phone on 1-1");
        assertThat(replayed.err()).contains("replay: no violation;").doesNotContain("violation:");
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aCaptureThatCannotBeWrittenDoesNotBreakTheJob(@TempDir Path dir) throws Exception {
        Path full = Path.of("/dev/full");
        RequiredTool.require("/dev/full", Files.isWritable(full), "a Linux device node every write to fails with ENOSPC");
        CliRunner.Result r = CliRunner.run("info", "--simulate", "1", "--sim-speed", "200", "--json", "--capture", full.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("\"imei\"");
        Path notADir = dir.resolve("file");
        Files.writeString(notADir, "x");
        CliRunner.Result r2 = CliRunner.run("info", "--simulate", "1", "--sim-speed", "200", "--capture", notADir.resolve("x.pcap").toString());
        assertThat(r2.exitCode()).as(r2.out() + r2.err()).isZero();
    }
}
