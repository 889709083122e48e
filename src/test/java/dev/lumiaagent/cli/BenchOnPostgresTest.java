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

    private CompletableFuture<CliRunner.Result> station(String name) {
        return CompletableFuture.supplyAsync(() -> CliRunner.run("batch", "reflash", "--simulate", "8", "--sim-speed", "200",
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
