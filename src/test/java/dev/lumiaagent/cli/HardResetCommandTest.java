package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `hard-reset` as a person runs it on in-process simulated benches; the simulated owner acts on the prompts. */
class HardResetCommandTest {

    @Test
    void autoOnOneWorkingPhonePicksSettingsSaysWhyAndSucceeds(@TempDir Path emptyLibrary) {
        CliRunner.Result r = CliRunner.run("hard-reset", "--simulate", "1", "--yes", "--sim-speed", "200",
                "--firmware-dir", emptyLibrary.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("method settings: the phone runs its OS")
                .contains("Settings → about → reset your phone").contains("simulated technician on 1-1: tapping Settings")
                .contains("AwaitResetFinish").contains("Done: Hard reset by settings")
                .contains("Method: settings (the phone runs its OS and answers");
    }

    @Test
    void keysOnAHungPhoneArePlayedByTheSimulatedTechnician(@TempDir Path dir) throws Exception {
        Path bench = dir.resolve("hung.json");
        Files.writeString(bench, "{\"phones\": [{\"port\": \"1-3\", \"model\": \"Lumia 640\", \"faults\": [\"stall\"]}]}");
        CliRunner.Result r = CliRunner.run("hard-reset", "--bench", bench.toString(), "--yes", "--sim-speed", "200",
                "--firmware-dir", dir.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("method keys").contains("Volume-Up, Volume-Down, Power, Volume-Down")
                .contains("quickly Up, Down, Power, Down").contains("Done: Hard reset by keys");
    }

    @Test
    void withoutConsentNothingIsErased(@TempDir Path emptyLibrary) {
        CliRunner.Result r = CliRunner.run("hard-reset", "--simulate", "1", "--sim-speed", "200", "--firmware-dir", emptyLibrary.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED.code());
        assertThat(r.out()).contains("Failed (NO_CONSENT)").contains("--yes");
    }

    @Test
    void anUnknownMethodIsAUsageError() {
        CliRunner.Result r = CliRunner.run("hard-reset", "--simulate", "1", "--method", "hammer");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("hammer");
    }
}
