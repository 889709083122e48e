package dev.lumiaagent.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiagBundleTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-02T09:14:03Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    /** Every entry of a zip with its bytes, in order. */
    private static Map<String, byte[]> unzip(Path zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void theZipHoldsEveryEntryAndAManifestWhoseHashesMatch() throws Exception {
        byte[] trace = new byte[3 * 1024 * 1024 + 17]; // larger than the copy buffer: streamed in pieces
        for (int i = 0; i < trace.length; i++) {
            trace[i] = (byte) (i * 31);
        }
        Path traceFile = Files.write(dir.resolve("1-3.trace"), trace);
        Path log = Files.writeString(dir.resolve("job.log"), "2024-05-02T09:14:03.120Z 1-3   PLAN     info: ReadInfo\n");
        byte[] record = "{\"jobId\":\"j1\"}".getBytes(StandardCharsets.UTF_8);

        DiagBundle bundle = DiagBundle.builder(CLOCK)
                .add("job.json", record)
                .add("job.log", log)
                .add("trace.txt", traceFile)
                .write(dir.resolve("diag.zip"));

        Map<String, byte[]> zip = unzip(dir.resolve("diag.zip"));
        assertThat(zip.keySet()).containsExactly("job.json", "job.log", "trace.txt", "MANIFEST.txt");
        assertThat(zip.get("trace.txt")).isEqualTo(trace);
        assertThat(zip.get("job.json")).isEqualTo(record);
        String manifest = new String(zip.get("MANIFEST.txt"), StandardCharsets.UTF_8);
        for (String name : new String[] {"job.json", "job.log", "trace.txt"}) {
            assertThat(manifest).containsPattern(sha256(zip.get(name)) + " +" + zip.get(name).length + "  " + name + "\n");
        }
        assertThat(manifest).contains("created: 2024-05-02T09:14:03Z").contains("missing: none");
        assertThat(bundle.entries()).extracting(DiagBundle.Entry::name).containsExactly("job.json", "job.log", "trace.txt", "MANIFEST.txt");
        assertThat(bundle.entries().get(2).sha256()).isEqualTo(sha256(trace));
        assertThat(bundle.entries().get(3).sha256()).isEqualTo(sha256(zip.get("MANIFEST.txt")));
        assertThat(bundle.missing()).isEmpty();
        try (var files = Files.list(dir)) { // the temporary file was moved into place, nothing left behind
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("1-3.trace", "job.log", "diag.zip");
        }
    }

    @Test
    void aMissingFileIsNamedInItsOwnEntryAndInTheManifest() throws IOException {
        DiagBundle bundle = DiagBundle.builder(CLOCK)
                .add("trace.txt", dir.resolve("never-written.trace"))
                .add("device", dir) // a directory is not a file either
                .add("environment.txt", "x".getBytes(StandardCharsets.UTF_8))
                .write(dir.resolve("diag.zip"));

        Map<String, byte[]> zip = unzip(dir.resolve("diag.zip"));
        assertThat(zip.keySet()).containsExactly("trace.txt.missing.txt", "device.missing.txt", "environment.txt", "MANIFEST.txt");
        assertThat(new String(zip.get("trace.txt.missing.txt"), StandardCharsets.UTF_8))
                .contains("never-written.trace").contains("was not found");
        String manifest = new String(zip.get("MANIFEST.txt"), StandardCharsets.UTF_8);
        assertThat(manifest).contains("missing:\n  trace.txt: was not found (").contains("  device: is a directory");
        assertThat(bundle.missing()).extracting(DiagBundle.Missing::name).containsExactly("trace.txt", "device");
    }

    @Test
    void aDirectoryThatDoesNotExistIsANamedErrorWithANextStep() {
        Path zip = dir.resolve("no-such-dir").resolve("diag.zip");
        assertThatThrownBy(() -> DiagBundle.builder().add("a.txt", new byte[1]).write(zip))
                .isInstanceOf(DiagBundleException.class)
                .hasMessageContaining("no-such-dir").hasMessageContaining("does not exist")
                .satisfies(e -> assertThat(((DiagBundleException) e).nextStep()).contains("Create the directory"));
        assertThat(dir.resolve("no-such-dir")).doesNotExist();
    }

    @Test
    void aTargetThatIsADirectoryIsANamedError() {
        assertThatThrownBy(() -> DiagBundle.builder().write(dir))
                .isInstanceOf(DiagBundleException.class).hasMessageContaining("is a directory");
    }

    @Test
    void badOrRepeatedEntryNamesAreRefused() {
        DiagBundle.Builder b = DiagBundle.builder().add("job.log", new byte[0]);
        assertThatThrownBy(() -> b.add("job.log", new byte[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already has an entry 'job.log'");
        assertThatThrownBy(() -> b.add("../evil", new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.add("/abs", new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.add("MANIFEST.txt", new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.add("", new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSecondBundleReplacesTheFirst() throws IOException {
        Path zip = dir.resolve("diag.zip");
        DiagBundle.builder().add("a.txt", new byte[] {1}).write(zip);
        DiagBundle.builder().add("b.txt", new byte[] {2}).write(zip);
        assertThat(unzip(zip).keySet()).containsExactly("b.txt", "MANIFEST.txt");
    }

    @Test
    void theEnvironmentNamesAgentOsAndJavaAndNoSecrets() {
        String env = DiagBundle.environment("0.1.0", CLOCK);
        assertThat(env).contains("agent: lumia-agent 0.1.0")
                .contains("os: " + System.getProperty("os.name"))
                .contains(System.getProperty("os.arch"))
                .contains("java: " + System.getProperty("java.version"))
                .contains(System.getProperty("java.vendor"))
                .contains("time: 2024-05-02T09:14:03Z")
                .containsPattern("user-agent: lumia-agent/0\\.1\\.0 \\(.+; .+\\) Java/");
        String home = System.getProperty("user.home");
        if (home != null && home.length() > 1) {
            assertThat(env).doesNotContain(home); // a home path names the user
        }
        String path = System.getenv("PATH");
        if (path != null && !path.isEmpty()) {
            assertThat(env).doesNotContain(path);
        }
        assertThat(DiagBundle.environment(null, CLOCK)).contains("agent: lumia-agent (unknown version)");
    }

    @Test
    void theZipIsPrivateAndItsTextEntriesShowTheHomeDirectoryAsTilde() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home/tech"));
        Path log = Files.writeString(dir.resolve("job.log"), "ffu " + home.resolve("RM-914.ffu") + "\nimei 356938035643809\n");
        byte[] binary = {0, (byte) 0xFF, 'x', '\n', (byte) 0xC3};
        Path pcap = Files.write(dir.resolve("c.pcap"), binary);
        Path zip = dir.resolve("diag.zip");
        DiagBundle.builder(CLOCK).redaction(DiagRedaction.homeOnly(home.toString()))
                .add("job.log", log).add("job.json", ("{\"ffu\":\"" + home + "/x.ffu\"}").getBytes(StandardCharsets.UTF_8))
                .add("capture.pcap", pcap).add("odd.txt", binary).write(zip);
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(zip))).isEqualTo("rw-------");
        }
        Map<String, byte[]> entries = unzip(zip);
        assertThat(new String(entries.get("job.log"), StandardCharsets.UTF_8)).isEqualTo("ffu ~/RM-914.ffu\nimei 356938035643809\n");
        assertThat(new String(entries.get("job.json"), StandardCharsets.UTF_8)).isEqualTo("{\"ffu\":\"~/x.ffu\"}");
        assertThat(entries.get("capture.pcap")).isEqualTo(binary); // binary: as it is, unless redacting identities
        assertThat(entries.get("odd.txt")).isEqualTo(binary); // not UTF-8, nothing to replace: byte for byte
        assertThat(new String(entries.get("MANIFEST.txt"), StandardCharsets.UTF_8)).contains("redacted: the home directory shown as ~");
    }

    @Test
    void aRedactedBundleLeavesBinaryEntriesOutAndSaysSo() throws Exception {
        Path pcap = Files.write(dir.resolve("c.pcap"), new byte[] {'3', '5', '6', 0});
        Path trace = Files.write(dir.resolve("t.trace"), ("open serial ABCDEF0123456789\n< 15 \"356938035643809\"\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        DiagBundle bundle = DiagBundle.builder(CLOCK)
                .redaction(DiagRedaction.identities("/home/nobody-here").usbSerial("ABCDEF0123456789"))
                .add("capture.pcap", pcap).add("protocol.trace", trace).write(dir.resolve("diag.zip"));
        Map<String, byte[]> entries = unzip(bundle.zip());
        assertThat(entries).doesNotContainKey("capture.pcap").containsKey("capture.pcap.redacted.txt");
        assertThat(new String(entries.get("protocol.trace"), StandardCharsets.UTF_8))
                .isEqualTo("open serial SERIAL-1\n< 15 \"IMEI-1\"\n");
        // the manifest hashes what is in the zip
        assertThat(new String(entries.get("MANIFEST.txt"), StandardCharsets.UTF_8)).contains(sha256(entries.get("protocol.trace")));
    }
}
