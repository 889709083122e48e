package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A wrong fleet file is a usage error (exit 2) said in one line, before anything listens. */
@Timeout(60)
class ServeFleetUsageTest {
    @TempDir
    Path dir;

    @Test
    void aBadFleetFileExitsTwoWithItsMistake() throws Exception {
        Path f = Files.writeString(dir.resolve("fleet.json"),
                "{\"stations\": [{\"name\": \"bench-2\", \"url\": \"http://10.0.0.12:8765/\"}, {\"name\": \"bench-2\", \"url\": \"http://10.0.0.13:8765/\"}]}");
        CliRunner.Result r = CliRunner.run("serve", "--web", "127.0.0.1:0", "--jobs-dir", dir.resolve("jobs").toString(), "--fleet", f.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("--fleet " + f + ": stations[1] ('bench-2'): the name is also stations[0]'s");
        assertThat(r.out()).doesNotContain("dashboard: http://");
    }

    @Test
    void aMissingFleetFileExitsTwo() {
        CliRunner.Result r = CliRunner.run("serve", "--web", "127.0.0.1:0", "--jobs-dir", dir.resolve("jobs").toString(),
                "--fleet", dir.resolve("none.json").toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("no such file");
    }
}
