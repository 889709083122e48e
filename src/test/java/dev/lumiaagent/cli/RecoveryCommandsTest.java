package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `info` and `soft-reset` as a person runs them, on in-process simulated benches. */
class RecoveryCommandsTest {

    @Test
    void infoReadsEveryPhoneOfAMixedBench() throws Exception {
        CliRunner.Result r = CliRunner.run("info", "--simulate", "3", "--json", "--sim-speed", "200");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode phones = new ObjectMapper().readTree(r.out());
        assertThat(phones).hasSize(3);
        assertThat(phones.get(0).path("productType").asText()).isEqualTo("RM-914");
        assertThat(phones.get(0).path("imei").asText()).hasSize(15);
        assertThat(phones.get(1).path("uefiApp").asText()).isEqualTo("flash app");
        assertThat(phones.get(1).path("platformId").asText()).isEqualTo("Microsoft.MSM8212.P6218.1.0");
        assertThat(phones.get(2).path("rootKeyHash").asText()).hasSize(64);
        assertThat(phones.get(2).path("chipSerial").asText()).hasSize(8);
    }

    @Test
    void infoForOnePortAndForAMissingOne() {
        CliRunner.Result one = CliRunner.run("info", "--simulate", "4", "--port", "1-4");
        assertThat(one.exitCode()).isZero();
        assertThat(one.out()).contains("Phone on 1-4").contains("Battery dead");

        CliRunner.Result none = CliRunner.run("info", "--simulate", "2", "--port", "1-9");
        assertThat(none.exitCode()).isEqualTo(ExitCode.NO_PHONE.code());
        assertThat(none.err()).contains("No phone on port 1-9");
    }

    @Test
    void softResetOfOneSimulatedPhoneShowsEachStepAndSucceeds() {
        CliRunner.Result r = CliRunner.run("soft-reset", "--simulate", "1", "--sim-speed", "200");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("soft-reset on 1-1: ReadIdentity → SendReset → AwaitLeave → AwaitReturn → ConfirmIdentity")
                .contains("[4/5] AwaitReturn").contains("Done: The phone on 1-1");
    }

    @Test
    void softResetOfAHungPhoneGuidesTheKeysAndTheSimulatedTechnicianPressesThem(@TempDir Path dir) throws Exception {
        Path bench = dir.resolve("hung.json");
        Files.writeString(bench, "{\"phones\": [{\"port\": \"1-3\", \"model\": \"Lumia 640\", \"faults\": [\"stall\"]}]}");
        CliRunner.Result r = CliRunner.run("soft-reset", "--bench", bench.toString(), "--sim-speed", "200");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Your turn, at the phone on 1-3").contains("Hold Volume-Down and Power")
                .contains("simulated technician").contains("after the key reset");
    }

    @Test
    void reflashOfOneSimulatedPhoneWithADemoFfu(@TempDir Path dir) {
        Path ffu = dir.resolve("demo.ffu");
        CliRunner.Result built = CliRunner.run("ffu", "build", "--demo", "32M", "--model", "RM-914", "-o", ffu.toString());
        assertThat(built.exitCode()).as(built.err()).isZero();
        CliRunner.Result r = CliRunner.run("reflash", "--simulate", "1", "--ffu", ffu.toString(), "--yes", "--sim-speed", "200");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("reflash on 1-1: VerifyFfu").contains("gate firmware made for this phone: passed")
                .contains("128 KiB pieces, at most 5 MiB/s").contains("Done: The phone on 1-1");
    }

    @Test
    void reflashWithoutConsentWritesNothing(@TempDir Path dir) {
        Path ffu = dir.resolve("demo.ffu");
        assertThat(CliRunner.run("ffu", "build", "--demo", "16M", "--model", "RM-914", "-o", ffu.toString()).exitCode()).isZero();
        CliRunner.Result r = CliRunner.run("reflash", "--simulate", "1", "--ffu", ffu.toString(), "--sim-speed", "200");
        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED.code());
        assertThat(r.out()).contains("Failed (NO_CONSENT)").contains("--yes");
    }

    @Test
    void aBenchConsentPolicyReplacesYes(@TempDir Path dir) throws Exception {
        Path ffu = dir.resolve("demo.ffu");
        assertThat(CliRunner.run("ffu", "build", "--demo", "16M", "--model", "RM-914", "-o", ffu.toString()).exitCode()).isZero();
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, "{\"consentToErase\": true, \"by\": \"Bench 3 refurbishment policy\"}");
        CliRunner.Result r = CliRunner.run("reflash", "--simulate", "1", "--ffu", ffu.toString(), "--consent-policy",
                policy.toString(), "--sim-speed", "200");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("gate explicit consent: passed — given (policy policy.json: Bench 3 refurbishment policy)");

        Files.writeString(policy, "{\"consentToErase\": false, \"by\": \"x\"}");
        CliRunner.Result refused = CliRunner.run("reflash", "--simulate", "1", "--ffu", ffu.toString(), "--consent-policy",
                policy.toString(), "--sim-speed", "200");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.out() + refused.err()).contains("consentToErase: false");
    }

    @Test
    void reflashOfAFileThatIsNoFfu(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.ffu");
        Files.write(junk, new byte[4096]);
        CliRunner.Result r = CliRunner.run("reflash", "--simulate", "1", "--ffu", junk.toString(), "--yes");
        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED.code());
        assertThat(r.err()).contains("is not a usable FFU").contains("Nothing was written");
        CliRunner.Result missing = CliRunner.run("reflash", "--simulate", "1", "--ffu", dir.resolve("nope.ffu").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE.code());
    }

    @Test
    void emergencyReflashOfASimulated9008Phone(@TempDir Path dir) throws Exception {
        Path ede = dir.resolve("RM-1073.ede");
        Path ffu = dir.resolve("RM-1073.ffu");
        assertThat(CliRunner.run("simulate", "programmer", "--model", "RM-1073", "-o", ede.toString()).exitCode()).isZero();
        assertThat(CliRunner.run("ffu", "build", "--demo", "16M", "--model", "RM-1073", "-o", ffu.toString()).exitCode()).isZero();
        Path bench = dir.resolve("edl.json");
        Files.writeString(bench, "{\"phones\": [{\"port\": \"1-2\", \"model\": \"RM-1073\", \"mode\": \"edl\"}]}");
        CliRunner.Result r = CliRunner.run("emergency", "--bench", bench.toString(), "--programmer", ede.toString(),
                "--ffu", ffu.toString(), "--yes", "--sim-speed", "200");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("ReadChipInfo").contains("root-key hash").contains("Done: The phone on 1-2");

        // The same files found in the firmware library by product type (RM-1073 emergency files live under RM-1113).
        Path lib = dir.resolve("library");
        Files.createDirectories(lib.resolve("RM-1113"));
        Files.createDirectories(lib.resolve("RM-1073"));
        Files.copy(ede, lib.resolve("RM-1113/MPRG8x26.ede"));
        Files.copy(ffu, lib.resolve("RM-1073/RM1073_stock.ffu"));
        CliRunner.Result fromLib = CliRunner.run("emergency", "--bench", bench.toString(), "--product-type", "RM1073",
                "--firmware-dir", lib.toString(), "--yes", "--sim-speed", "200");
        assertThat(fromLib.exitCode()).as(fromLib.out() + fromLib.err()).isZero();
        assertThat(fromLib.out()).contains("programmer from the library").contains("RM-1113");

        Path other = dir.resolve("RM-1104.ede");
        assertThat(CliRunner.run("simulate", "programmer", "--model", "RM-1104", "-o", other.toString()).exitCode()).isZero();
        CliRunner.Result wrong = CliRunner.run("emergency", "--bench", bench.toString(), "--programmer", other.toString(),
                "--ffu", ffu.toString(), "--yes", "--sim-speed", "200");
        assertThat(wrong.exitCode()).isEqualTo(ExitCode.FAILED.code());
        assertThat(wrong.out()).contains("Failed (PROGRAMMER_MISMATCH)");
    }

    @Test
    void softResetNeedsAPortWhenThereAreSeveralPhones() {
        CliRunner.Result r = CliRunner.run("soft-reset", "--simulate", "3");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("There are 3 phones attached").contains("--port");
    }

    @Test
    void softResetOfADeadBatteryFailsWithItsReason() {
        CliRunner.Result r = CliRunner.run("soft-reset", "--simulate", "4", "--port", "1-4");
        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED.code());
        assertThat(r.out()).contains("Failed (BATTERY_DEAD)").contains("Next step: Charge the phone");
    }
}
