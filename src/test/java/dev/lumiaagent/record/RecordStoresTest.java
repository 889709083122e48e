package dev.lumiaagent.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RecordStoresTest {

    @Test
    void theDefaultStoreIsInTheRecordsDirectoryTheBuildSets() {
        // surefire sets LUMIA_AGENT_RECORDS to a directory under target/, so tests never touch the user's data
        String env = System.getenv(RecordStores.ENV_RECORDS);
        assertThat(env).isNotBlank();
        assertThat(RecordStores.defaultFile()).isEqualTo(Path.of(env, "records.db"));
        try (RecordStore s = RecordStores.open(null)) {
            assertThat(s.describe()).isEqualTo("SQLite " + Path.of(env, "records.db").toAbsolutePath().normalize());
        }
    }

    @Test
    void otherUrlsAreRefusedByName() {
        assertThatThrownBy(() -> RecordStores.open("mysql://db/lumia")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a record store URL: 'mysql://db/lumia'; give jdbc:sqlite:PATH or "
                        + "jdbc:postgresql://HOST[:PORT]/DATABASE");
        assertThatThrownBy(() -> RecordStores.open("jdbc:sqlite::memory:")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be an SQLite file");
    }

    @Test
    void passwordsStayOutOfMessages() {
        assertThat(RecordStores.redact("jdbc:mysql://kim:secret@db/lumia?password=secret"))
                .isEqualTo("jdbc:mysql://…@db/lumia?…");
        assertThat(RecordStores.postgresName("jdbc:postgresql://kim:secret@db.example:5432/lumia?password=secret"))
                .isEqualTo("db.example:5432/lumia");
    }
}
