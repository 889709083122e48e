package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.paths.PrivateFiles;
import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Private by default, end to end: a real simulated reflash leaves its jobs directory, job file, log,
 * trace, lock file and SQLite store readable by the user alone, and its diagnostics bundle carries no
 * home path (and with --redact no IMEI or USB serial either).
 */
class PrivateDataTest {
    @TempDir
    Path root;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static Map<String, String> unzip(Path zip) throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(z.entries())) {
                entries.put(e.getName(), new String(z.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return entries;
    }

    @Test
    void aJobsDataIsPrivateAndItsDiagnosticsCanBeShared() throws Exception {
        dev.lumiaagent.testing.RequiredTool.require("a POSIX file system", PrivateFiles.posix(root), "run on Linux or macOS");
        Path home = Files.createDirectories(root.resolve("home/tech"));
        Path ffu = Files.createDirectories(home.resolve("firmware")).resolve("RM-914.ffu");
        assertThat(CliRunner.run("ffu", "build", "--demo", "4M", "--model", "RM-914", "-o", ffu.toString()).exitCode()).isZero();
        Path data = home.resolve(".local/share/lumia-agent");
        Path jobs = data.resolve("jobs");
        Path db = data.resolve("records/records.db");
        String store = "jdbc:sqlite:" + db;

        CliRunner.Result r = CliRunner.run("reflash", "--simulate", "1", "--sim-speed", "200", "--ffu", ffu.toString(), "--yes",
                "--store", store, "--jobs-dir", jobs.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();

        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(jobs)).isEqualTo("rwx------");
        assertThat(mode(db.getParent())).isEqualTo("rwx------");
        assertThat(mode(db)).isEqualTo("rw-------");
        List<Path> files;
        try (Stream<Path> s = Files.list(jobs)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).anyMatch(n -> n.endsWith(".json"))
                .anyMatch(n -> n.endsWith(".log")).anyMatch(n -> n.endsWith(".trace"));
        for (Path f : files) {
            assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------");
        }
        try (Stream<Path> s = Files.list(db.getParent())) {
            for (Path f : s.toList()) {
                assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------"); // -journal / -wal too, when SQLite left one
            }
        }
        JobRecord job;
        try (RecordStore s = RecordStores.open(store)) {
            job = s.jobs(null).get(0);
        }
        assertThat(job.imei).isNotBlank();
        assertThat(job.usbSerial).isNotBlank();

        Path out = Files.createDirectories(root.resolve("out"));
        String savedHome = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            Path plain = out.resolve("diag.zip");
            CliRunner.Result d = CliRunner.run("diag", job.jobId, "-o", plain.toString(), "--store", store, "--jobs-dir", jobs.toString());
            assertThat(d.exitCode()).as(d.out() + d.err()).isZero();
            assertThat(mode(plain)).isEqualTo("rw-------");
            Map<String, String> entries = unzip(plain);
            assertThat(entries.get("job.json")).contains("~/firmware/RM-914.ffu");
            entries.forEach((name, text) -> assertThat(text).as(name).doesNotContain(home.toString()));
            assertThat(String.join("\n", entries.values())).contains(job.imei); // not redacted unless asked

            Path shared = out.resolve("diag-redacted.zip");
            CliRunner.Result red = CliRunner.run("diag", job.jobId, "--redact", "-o", shared.toString(), "--store", store, "--jobs-dir",
                    jobs.toString());
            assertThat(red.exitCode()).as(red.out() + red.err()).isZero();
            assertThat(mode(shared)).isEqualTo("rw-------");
            Map<String, String> redacted = unzip(shared);
            assertThat(redacted).containsKeys("job.json", "record.json", "job.log", "protocol.trace", "device-info.json", "MANIFEST.txt");
            redacted.forEach((name, text) -> assertThat(text).as(name).doesNotContain(job.imei)
                    .doesNotContainIgnoringCase(job.usbSerial).doesNotContain(home.toString()));
            assertThat(job.publicId).as("the simulated phone tells its public ID").isNotBlank();
            redacted.forEach((name, text) -> assertThat(text).as(name).doesNotContainIgnoringCase(job.publicId));
            assertThat(redacted.get("record.json")).contains("IMEI-1").contains("SERIAL-1");
            assertThat(redacted.get("job.json")).contains("IMEI-1").contains("~/firmware/RM-914.ffu");
            assertThat(redacted.get("MANIFEST.txt")).contains("redacted: IMEIs, USB serials and public IDs");
            assertThat(redacted.get("protocol.trace")).contains("NOKV"); // still a trace a maintainer can read
        } finally {
            System.setProperty("user.home", savedHome);
        }
    }
}
