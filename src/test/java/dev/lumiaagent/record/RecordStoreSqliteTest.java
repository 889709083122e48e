package dev.lumiaagent.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordStoreSqliteTest extends RecordStoreContract {
    @TempDir
    Path dir;

    Path file() {
        return dir.resolve("sub").resolve("records.db");
    }

    @Override
    RecordStore open() {
        return RecordStores.open("jdbc:sqlite:" + file());
    }

    @Override
    Connection raw() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file());
    }

    @Test
    void isAWalFileWithFullSync() throws SQLException {
        assertThat(Files.exists(file())).isTrue();
        assertThat(store.describe()).isEqualTo("SQLite " + file().toAbsolutePath());
        try (Connection c = raw(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void aFileThatIsNotADatabaseIsANamedError() throws Exception {
        Path bad = dir.resolve("not-a-db.db");
        Files.writeString(bad, "this is not an SQLite database, just text long enough to have a header ".repeat(20));

        assertThatThrownBy(() -> RecordStores.open("jdbc:sqlite:" + bad)).isInstanceOf(RecordStoreException.class)
                .hasMessageStartingWith("record store SQLite " + bad.toAbsolutePath() + " is not an SQLite database: could not")
                .satisfies(e -> assertThat(((RecordStoreException) e).nextStep()).contains("move it aside").doesNotContain("writable disk"));
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsANamedError() throws Exception {
        Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");

        assertThatThrownBy(() -> RecordStores.open("jdbc:sqlite:" + file.resolve("records.db")))
                .isInstanceOf(RecordStoreException.class)
                .hasMessageContaining("could not create its directory");
    }
}
