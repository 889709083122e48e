package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code doctor} and {@code setup} from the command line. The first test runs doctor against THIS machine's real root
 * (a container: no USB bus, no udevd, no systemd as PID 1) and asserts only what is certainly true here; it must end,
 * not crash. Everything else about the checks is in host.DoctorTest / SetupTest against fake roots.
 */
class DoctorCommandTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void doctorOnThisMachineTellsTheTruth() throws Exception {
        CliRunner.Result r = CliRunner.run("doctor", "--json", "--firmware-dir", dir.resolve("fw").toString(), "--min-free", "0",
                "--store", "jdbc:sqlite:" + dir.resolve("records.db"));
        assertThat(r.exitCode()).as(r.err()).isIn(0, 10, 11);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        JsonNode doc = new ObjectMapper().readTree(r.out());
        Map<String, JsonNode> byCheck = new HashMap<>();
        doc.path("findings").forEach(f -> byCheck.putIfAbsent(f.path("check").asText(), f));
        assertThat(doc.path("exitCode").asInt()).isEqualTo(r.exitCode());

        if (System.getProperty("os.name").startsWith("Linux")) {
            JsonNode rules = byCheck.get("udev-rules");
            if (!Files.exists(Path.of("/etc/udev/rules.d/51-lumia-agent.rules"))) {
                // root opens the phones without them (a warning); anyone else cannot (a problem)
                assertThat(rules.path("severity").asText()).isEqualTo("root".equals(System.getProperty("user.name")) ? "WARNING" : "PROBLEM");
                assertThat(rules.path("message").asText()).contains("is missing");
                assertThat(rules.path("fix").asText()).isEqualTo("run `sudo lumia-agent setup`");
            }
            // no 9008 phone is plugged into a build machine (this one has no USB bus at all)
            assertThat(byCheck.get("qcserial").path("message").asText()).contains("no 05c6:9008 phone connected");
            assertThat(byCheck).containsKeys("libusb", "access", "modemmanager", "usbmon", "uhubctl");
        }
        assertThat(byCheck.get("disk").path("severity").asText()).isEqualTo("OK"); // --min-free 0
        assertThat(byCheck.get("store").path("severity").asText()).isEqualTo("OK");
    }

    @Test
    void doctorSaysWhichChecksDoNotApplyOnMacOs() {
        CliRunner.Result r = CliRunner.run("doctor", "--os", "Mac OS X", "--firmware-dir", dir.toString(), "--min-free", "0",
                "--store", "jdbc:sqlite:" + dir.resolve("records.db"));
        assertThat(r.out()).contains("INFO     host          on macOS the udev rules").contains("do not apply");
        assertThat(r.out()).doesNotContain("udev-rules ");
    }

    @Test
    void aBadStoreIsAProblemWithItsNextStepNotAStackTrace() {
        CliRunner.Result r = CliRunner.run("doctor", "--os", "Mac OS X", "--firmware-dir", dir.toString(), "--min-free", "0",
                "--store", "mysql://nowhere");
        assertThat(r.exitCode()).isEqualTo(ExitCode.PROBLEMS.code());
        assertThat(r.out()).contains("PROBLEM  store");
        assertThat(r.err()).doesNotContain("Exception");
    }

    @Test
    void setupOnWindowsPrintsPnputilAndChangesNothing() throws Exception {
        CliRunner.Result r = CliRunner.run("setup", "--os", "Windows 11", "--root", dir.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("pnputil /add-driver \"").contains("lumia-agent-winusb.inf\" /install");
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void theSudoLineRepeatsSetupsOwnArgumentsQuotedForTheShell() {
        assertThat(SetupCommand.shellWords(java.util.List.of("-v", "setup", "--service", "--operator", "Ana O'Neil", "--site", "Leeds")))
                .containsExactly("setup", "--service", "--operator", "'Ana O'\\''Neil'", "--site", "Leeds");
    }

    @Test
    void setupOptionsThatDoNotGoTogetherAreUsageErrors() {
        CliRunner.Result r = CliRunner.run("setup", "--force", "--root", dir.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("error: --force goes with --uninstall only");
        CliRunner.Result r2 = CliRunner.run("setup", "--operator", "Ana", "--root", dir.toString());
        assertThat(r2.err()).contains("are the service's settings: add --service");
    }
}
