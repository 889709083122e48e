package dev.lumiaagent.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The record store contract on a real PostgreSQL server (embedded binaries, on a free loopback port). */
class RecordStorePostgresTest extends RecordStoreContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    static EmbeddedPostgres postgres;
    String database;

    @BeforeAll
    static void startServer() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    @BeforeEach
    void openStore() {
        database = "records_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        super.openStore();
    }

    static String url(String db) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + db + "?user=postgres";
    }

    @Override
    RecordStore open() {
        return RecordStores.open(url(database));
    }

    @Override
    Connection raw() throws SQLException {
        return DriverManager.getConnection(url(database));
    }

    @Test
    void describesTheServerWithoutCredentials() {
        assertThat(store.describe()).isEqualTo("PostgreSQL 127.0.0.1:" + postgres.getPort() + "/" + database);
    }

    @Test
    void twoStationsAppendingToOneDatabaseFormOneChain() throws Exception {
        int each = 40;
        try (RecordStore a = open(); RecordStore b = open()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (RecordStore station : List.of(a, a, b, b)) {
                    String name = station == a ? "bench-a" : "bench-b";
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            station.audit().append(name, "kim", null, "1-1", "JOB_DONE", "n" + i);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(2, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(a.audit().verify()).isEqualTo(AuditLog.AuditVerification.intact(4L * each));
            assertThat(b.audit().entries()).extracting(AuditEntry::station).contains("bench-a", "bench-b");
        }
    }

    @Test
    void anUnreachableServerIsANamedError() {
        String url = "jdbc:postgresql://127.0.0.1:1/nothing?user=postgres&connectTimeout=2";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RecordStores.open(url))
                .isInstanceOf(RecordStoreException.class)
                .hasMessageStartingWith("record store PostgreSQL 127.0.0.1:1/nothing: could not")
                .satisfies(e -> assertThat(((RecordStoreException) e).nextStep()).contains("PostgreSQL server is up"));
    }
}
