package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A record store file that is not a database is named so, with the next step, and no Flyway framing. */
class CorruptStoreTest {
    @TempDir
    Path dir;

    @Test
    void garbageInPlaceOfTheStore() throws Exception {
        Path db = dir.resolve("records.db");
        byte[] junk = new byte[5000];
        new Random(7).nextBytes(junk);
        Files.write(db, junk);

        CliRunner.Result r = CliRunner.run("report", "--store", "jdbc:sqlite:" + db);

        assertThat(r.exitCode()).isEqualTo(ExitCode.STORE_UNAVAILABLE.code());
        assertThat(r.err()).startsWith("error: record store SQLite " + db + " is not an SQLite database: ")
                .contains("next step: move it aside (e.g. `mv " + db + " " + db + ".damaged`)")
                .contains("`lumia-agent jobs`")
                .doesNotContain("SQL State").doesNotContain("-----").doesNotContain("writable disk with free space");
        assertThat(r.err().lines().count()).isEqualTo(2);
        assertThat(Files.readAllBytes(db)).isEqualTo(junk); // left as it was, for the person to move
    }

    @Test
    void flywayStaysOffTheConsoleEvenWithVerbose() {
        CliRunner.Result r = CliRunner.run("report", "-v", "--store", "jdbc:sqlite:" + dir.resolve("fresh.db"));

        assertThat(r.exitCode()).as(r.err()).isZero();
        Logger flyway = (Logger) LoggerFactory.getLogger("org.flywaydb.core.Flyway");
        assertThat(flyway.getEffectiveLevel()).isEqualTo(Level.WARN);
    }
}
