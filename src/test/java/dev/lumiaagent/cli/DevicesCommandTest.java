package dev.lumiaagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumiaagent.testing.ChildJvm;
import dev.lumiaagent.testing.WatchedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevicesCommandTest {

    @Test
    void fourSimulatedPhonesInFourPersonalitiesAsJson() throws Exception {
        CliRunner.Result r = CliRunner.run("devices", "--simulate", "4", "--json");
        assertThat(r.exitCode()).isZero();
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.path("bus").asText()).contains("simulated");
        JsonNode phones = doc.path("phones");
        assertThat(phones).hasSize(4);
        Set<String> modes = new HashSet<>();
        phones.forEach(p -> modes.add(p.path("mode").asText()));
        assertThat(modes).containsExactlyInAnyOrder("NORMAL", "UEFI", "EDL_PBL", "EMERGENCY_CHARGING");
        JsonNode edl = phones.get(2);
        assertThat(edl.path("vidPid").asText()).isEqualTo("05C6:9008");
        assertThat(edl.path("product").asText()).isEqualTo("QHSUSB__BULK");
        assertThat(phones.get(0).path("port").asText()).isEqualTo("1-1");
    }

    @Test
    void aTableForPeople() {
        CliRunner.Result r = CliRunner.run("devices", "--simulate", "6");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("PORT", "PERSONALITY", "VID:PID", "Normal (WP8.x, NCSd)", "0421:0661",
                "Emergency charging F006 (battery dead)", "Label", "Mass storage", "6 phones");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void theRealBusHereSaysCleanlyThatNoPhoneIsAttached() {
        CliRunner.Result r = CliRunner.run("devices", "--bus", "usb");
        // On a machine with a phone plugged in this test would list it; CI and developers have none.
        assertThat(r.exitCode()).isEqualTo(ExitCode.NO_PHONE.code());
        assertThat(r.out()).contains("No phone attached.").contains("libusb");
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aBenchFile(@TempDir Path dir) throws Exception {
        Path bench = dir.resolve("bench.json");
        Files.writeString(bench, "{\"phones\": [{\"port\": \"2-1.3\", \"model\": \"Lumia 930\", \"mode\": \"label\"}]}");
        CliRunner.Result r = CliRunner.run("devices", "--bench", bench.toString(), "--json");
        assertThat(r.exitCode()).isZero();
        JsonNode p = new ObjectMapper().readTree(r.out()).path("phones").get(0);
        assertThat(p.path("port").asText()).isEqualTo("2-1.3");
        assertThat(p.path("mode").asText()).isEqualTo("LABEL");
        assertThat(p.path("vidPid").asText()).isEqualTo("0421:0713");
    }

    @Test
    void badInputGetsANamedErrorAndTheUsageExitCode(@TempDir Path dir) throws Exception {
        CliRunner.Result missing = CliRunner.run("devices", "--bench", dir.resolve("nope.json").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(missing.err()).contains("error: bench file not found");

        Path bench = dir.resolve("bench.json"); // a bench spec error (BenchSpecException): one line naming the file and field
        Files.writeString(bench, "{\"phones\": [{\"port\": \"1-1\", \"model\": \"RM-914\", \"battery\": \"full\"}]}");
        CliRunner.Result badSpec = CliRunner.run("devices", "--bench", bench.toString());
        assertThat(badSpec.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(badSpec.err().strip().lines().toList()).containsExactly("error: bench file " + bench + ": phones[0]: \"battery\" must be "
                + "a whole number 0..100 (percent), not the string \"full\"");

        CliRunner.Result both = CliRunner.run("devices", "--simulate", "2", "--bus", "usb");
        assertThat(both.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(both.err()).contains("mutually exclusive");

        CliRunner.Result tooMany = CliRunner.run("devices", "--simulate", "0");
        assertThat(tooMany.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(tooMany.err()).contains("1 to 127 phones");

        CliRunner.Result badBus = CliRunner.run("devices", "--bus", "tcp://x");
        assertThat(badBus.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(badBus.err()).contains("unknown bus 'tcp://x'");
    }

    @Test
    void anUnreachableSimulatorIsItsOwnExitCode() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRunner.Result r = CliRunner.run("devices", "--bus", "sim://127.0.0.1:" + port);
        assertThat(r.exitCode()).isEqualTo(ExitCode.BUS_UNAVAILABLE.code());
        assertThat(r.err()).contains("no simulator at").contains("next step: Start one with: lumia-agent simulate serve");
    }

    @Test
    void aServedBenchInItsOwnProcessIsDrivenByTheCommandLine(@TempDir Path dir) throws Exception {
        Path address = dir.resolve("address");
        try (ChildJvm server = ChildJvm.start(Main.class, "simulate", "serve", "--simulate", "2", "--address-file", address.toString())) {
            server.awaitLine("Simulated bench serving on sim://127.0.0.1:", Duration.ofSeconds(60));
            String uri = Files.readString(address).trim();

            CliRunner.Result listed = CliRunner.run("devices", "--bus", uri, "--json");
            assertThat(listed.exitCode()).isZero();
            assertThat(new ObjectMapper().readTree(listed.out()).path("phones")).hasSize(2);

            CliRunner.Result attached = CliRunner.run("simulate", "attach", "--bus", uri, "--port", "1-5",
                    "--model", "Lumia 640 XL", "--mode", "edl");
            assertThat(attached.exitCode()).as(attached.err()).isZero();
            assertThat(attached.out()).contains("attached 1-5 05C6:9008");

            CliRunner.Result rejected = CliRunner.run("simulate", "attach", "--bus", uri, "--port", "1-5", "--model", "RM-914");
            assertThat(rejected.exitCode()).isEqualTo(ExitCode.USAGE.code());
            assertThat(rejected.err()).contains("already has a phone");

            // A guided soft reset against the served bench: a stalled phone, and a person who presses the keys.
            assertThat(CliRunner.run("simulate", "attach", "--bus", uri, "--port", "1-6", "--fault", "stall").exitCode()).isZero();
            // The person presses the keys when the agent asks, once it found that the phone does not answer.
            WatchedWriter shown = new WatchedWriter();
            java.util.concurrent.atomic.AtomicReference<CliRunner.Result> pressed = new java.util.concurrent.atomic.AtomicReference<>();
            Thread person = new Thread(() -> {
                try {
                    shown.awaitText("Your turn, at the phone on 1-6", Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    return;
                }
                pressed.set(CliRunner.run("simulate", "press-keys", "--bus", uri, "--port", "1-6"));
            });
            person.setDaemon(true);
            person.start();
            CliRunner.Result reset = CliRunner.run(shown, "soft-reset", "--bus", uri, "--port", "1-6");
            person.join(10_000);
            assertThat(reset.exitCode()).as(reset.out() + reset.err()).isZero();
            assertThat(reset.out()).contains("Your turn").contains("after the key reset");
            assertThat(pressed.get()).as("the person pressed the keys when asked").isNotNull()
                    .extracting(CliRunner.Result::exitCode).isEqualTo(0);

            assertThat(CliRunner.run("simulate", "detach", "--bus", uri, "--port", "1-1").exitCode()).isZero();
            CliRunner.Result after = CliRunner.run("devices", "--bus", uri);
            assertThat(after.out()).contains("1-2", "1-5").doesNotContain("1-1 ");
        }
    }
}
