package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.record.JobRecord;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import dev.lumiaagent.sim.SimModel;
import dev.lumiaagent.sim.SimModels;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet: two stations run batches at the same time into one real PostgreSQL server (embedded binaries
 * on a loopback port); every job lands there, the audit chain of both is one intact chain, and an entry
 * edited in the database is named by {@code audit verify}.
 */
class BenchOnPostgresTest {
    static EmbeddedPostgres postgres;

    @TempDir
    static Path library;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE fleet");
        }
        for (SimModel m : SimModels.standard().all()) {
            assertThat(CliRunner.run("ffu", "build", "--demo", "4M", "--model", m.productType(), "-o",
                    library.resolve(m.productType() + ".ffu").toString()).exitCode()).isZero();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    static String url(String db) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + db + "?user=postgres";
    }

    /**
     * The same mix of 8 phones as {@code --simulate 8}, but the station's own phones: `--simulate` derives
     * IMEIs and USB serials from the port, so two stations simulating 8 phones would hold the same eight
     * phones, and one phone is driven by one job at a time (issue #14's lease refuses the second station).
     */
    private Path benchOf(String station, int digit) throws java.io.IOException {
        StringBuilder json = new StringBuilder("{\"phones\": [");
        List<dev.lumiaagent.sim.BenchSpec.PhoneSpec> phones = dev.lumiaagent.sim.BenchSpec.mixed(8).phones();
        for (int i = 0; i < phones.size(); i++) {
            dev.lumiaagent.sim.BenchSpec.PhoneSpec p = phones.get(i);
            String imei = luhn(digit + p.imei().substring(1, 14));
            String mode = p.mode() == dev.lumiaagent.transport.discovery.Mode.UEFI ? "flash"
                    : p.mode() == dev.lumiaagent.transport.discovery.Mode.EDL_PBL ? "edl"
                    : p.mode() == dev.lumiaagent.transport.discovery.Mode.EMERGENCY_CHARGING ? "charging"
                    : p.mode() == dev.lumiaagent.transport.discovery.Mode.MASS_STORAGE ? "mass-storage"
                    : p.mode().name().toLowerCase(java.util.Locale.ROOT);
            json.append(i == 0 ? "" : ",").append("{\"port\": \"").append(p.port()).append("\", \"model\": \"")
                    .append(p.model().productType()).append("\", \"mode\": \"").append(mode).append("\", \"battery\": ")
                    .append(p.battery()).append(", \"imei\": \"").append(imei).append("\", \"usbSerial\": \"")
                    .append(station).append("-").append(p.usbSerial()).append("\", \"link\": \"")
                    .append(p.link().name().toLowerCase(java.util.Locale.ROOT)).append("\"}");
        }
        Path file = dir.resolve(station + ".json");
        java.nio.file.Files.writeString(file, json.append("]}").toString());
        return file;
    }

    /** A 14-digit body and its Luhn check digit: a valid IMEI. */
    private static String luhn(String body) {
        int sum = 0;
        for (int i = 0; i < body.length(); i++) {
            int d = body.charAt(body.length() - 1 - i) - '0';
            if (i % 2 == 0) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return body + (10 - sum % 10) % 10;
    }

    private CompletableFuture<CliRunner.Result> station(String name) throws java.io.IOException {
        Path bench = benchOf(name, name.endsWith("a") ? 3 : 4);
        return CompletableFuture.supplyAsync(() -> CliRunner.run("batch", "reflash", "--bench", bench.toString(), "--sim-speed", "200",
                "--firmware-dir", library.toString(), "--yes", "--max-parallel", "4", "--store", url("fleet"),
                "--jobs-dir", dir.resolve(name).toString(), "--station", name, "--operator", "op-" + name));
    }

    @Test
    void twoStationsBatchIntoOneDatabaseAndATamperedEntryIsFound() throws Exception {
        CompletableFuture<CliRunner.Result> a = station("bench-a");
        CompletableFuture<CliRunner.Result> b = station("bench-b");
        for (CliRunner.Result r : List.of(a.get(), b.get())) {
            assertThat(r.out()).as(r.err()).contains("Succeeded 5 · Failed 1 · Skipped 2").contains("records in PostgreSQL");
        }
        try (RecordStore store = RecordStores.open(url("fleet"))) {
            List<JobRecord> jobs = store.jobs(null);
            assertThat(jobs).hasSize(16);
            assertThat(jobs).extracting(j -> j.station).containsOnly("bench-a", "bench-b");
            assertThat(jobs.stream().filter(JobRecord::succeeded)).hasSize(10)
                    .allMatch(j -> j.firmwareSha256 != null && j.firmwareSha256.length() == 64);
            assertThat(store.audit().verify().ok()).isTrue();
        }
        CliRunner.Result intact = CliRunner.run("audit", "verify", "--store", url("fleet"));
        assertThat(intact.exitCode()).as(intact.out() + intact.err()).isZero();

        try (Connection c = DriverManager.getConnection(url("fleet")); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE audit SET detail = 'DONE: all fine' WHERE seq = 5");
        }
        CliRunner.Result broken = CliRunner.run("audit", "verify", "--store", url("fleet"));
        assertThat(broken.exitCode()).isEqualTo(ExitCode.AUDIT_BROKEN.code());
        assertThat(broken.out() + broken.err()).contains("#5");
    }

    @Test
    void aStationRecordsIntoPostgresToo() throws Exception {
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE station");
        }
        CliRunner.Result r = CliRunner.run("station", "info", "--simulate", "3", "--sim-speed", "200", "--stop-after", "3",
                "--store", url("station"), "--jobs-dir", dir.resolve("station").toString(), "--station", "bench-c");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        try (RecordStore store = RecordStores.open(url("station"))) {
            assertThat(store.jobs(null)).hasSize(3).allMatch(j -> j.succeeded() && j.station.equals("bench-c"));
            assertThat(store.audit().verify().ok()).isTrue();
        }
    }
}
