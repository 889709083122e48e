package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {
    @TempDir
    Path dir;
    String store;

    @BeforeEach
    void entries() {
        store = "jdbc:sqlite:" + dir.resolve("records.db");
        try (RecordStore s = RecordStores.open(store)) {
            s.audit().append("bench-a", "kim", "j1", "1-2", "JOB_STARTED", "reflash RM-914");
            s.audit().append("bench-a", "kim", "j1", "1-2", "JOB_DONE", "back in normal mode");
            s.audit().append("bench-a", "kim", "j2", "1-3", "JOB_STARTED", "soft-reset");
        }
    }

    private void tamper(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(store); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void anIntactLog() {
        CliRunner.Result r = CliRunner.run("audit", "verify", "--store", store);

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("audit log intact: 3 entries in SQLite ").contains("newest entry #3 hash ");
    }

    @Test
    void anEditedEntryIsNamedWithANonZeroExit() throws Exception {
        tamper("UPDATE audit SET operator = 'nobody' WHERE seq = 2");

        CliRunner.Result r = CliRunner.run("audit", "verify", "--store", store);

        assertThat(r.exitCode()).isEqualTo(ExitCode.AUDIT_BROKEN.code());
        assertThat(r.err()).contains("is broken: entry #2 was changed: its contents no longer match its hash")
                .contains("next step: keep a copy of the database");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aDeletedEntryIsNamed() throws Exception {
        tamper("DELETE FROM audit WHERE seq = 1");

        CliRunner.Result r = CliRunner.run("audit", "verify", "--store", store);

        assertThat(r.exitCode()).isEqualTo(ExitCode.AUDIT_BROKEN.code());
        assertThat(r.err()).contains("entry #1 is missing");
    }

    @Test
    void showsTheEntriesOfOneJob() {
        CliRunner.Result r = CliRunner.run("audit", "show", "--store", store, "--job", "j1");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().split("\n")).hasSize(2);
        assertThat(r.out()).contains("JOB_STARTED — reflash RM-914").contains("JOB_DONE").doesNotContain("soft-reset");
        assertThat(CliRunner.run("audit", "show", "--store", store, "--job", "zzz").out()).contains("No audit entries for job zzz");
    }
}
