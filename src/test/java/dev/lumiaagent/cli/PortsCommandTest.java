package dev.lumiaagent.cli;

import static dev.lumiaagent.host.FakeUhubctl.when;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumiaagent.exec.Exec;
import dev.lumiaagent.host.FakeUhubctl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lumia-agent ports} and {@code ports cycle}: on a simulated bench (its simulated hub), and on the host's bus with a
 * fake uhubctl first on PATH answering with uhubctl 2.5.0's texts (FakeUhubctl names each source, notes-18 §1).
 */
class PortsCommandTest {
    @TempDir
    Path dir;

    @AfterEach
    void realPath() {
        SystemBus.exec = Exec.system();
    }

    private Path bench() throws Exception {
        Path f = dir.resolve("bench.json");
        Files.writeString(f, "{\"clockSpeed\": 200, \"phones\": ["
                + "{\"port\": \"1-1.1\", \"model\": \"RM-1104\", \"mode\": \"normal\", \"hub\": \"ganged\"},"
                + "{\"port\": \"1-2.3\", \"model\": \"RM-1045\", \"mode\": \"normal\"}]}");
        return f;
    }

    @Test
    void onASimulatedBenchItListsThePhonesAndWhichPortsCanSwitch() throws Exception {
        CliRunner.Result r = CliRunner.run("ports", "--bench", bench().toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("1-1.1", "no: hub 1-1 cannot switch its ports' power (ganged)", "1-2.3",
                "yes: the simulated hub switches port 1-2.3");
        CliRunner.Result j = CliRunner.run("ports", "--bench", bench().toString(), "--json");
        JsonNode doc = new ObjectMapper().readTree(j.out());
        assertThat(doc.get("phones")).hasSize(2);
        assertThat(doc.get("phones").get(0).get("canCyclePower").asBoolean()).isFalse();
        assertThat(doc.get("phones").get(1).get("canCyclePower").asBoolean()).isTrue();
    }

    @Test
    void cycleOnASimulatedBenchIsNamedAndExitsZeroOnlyWhenCycled() throws Exception {
        CliRunner.Result ok = CliRunner.run("ports", "cycle", "1-2.3", "--bench", bench().toString());
        assertThat(ok.exitCode()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).startsWith("CYCLED: port 1-2.3");
        CliRunner.Result no = CliRunner.run("ports", "cycle", "1-1.1", "--bench", bench().toString());
        assertThat(no.exitCode()).isEqualTo(ExitCode.FAILED.code());
        assertThat(no.out()).contains("NOT_SWITCHABLE: port 1-1.1: hub 1-1 cannot switch its ports' power (ganged)",
                "Next step: Unplug the phone from 1-1.1 and plug it in again.");
        assertThat(CliRunner.run("ports", "cycle", "nonsense", "--bench", bench().toString()).exitCode()).isEqualTo(ExitCode.USAGE.code());
    }

    @Test
    void onTheHostItListsUhubctlsHubsWithTheirPhones() throws Exception {
        FakeUhubctl fake = new FakeUhubctl(dir.resolve("bin")).answer(when("", FakeUhubctl.PPPS_LISTING, "", 0));
        SystemBus.exec = fake.exec();
        CliRunner.Result r = CliRunner.run("ports", "--bus", "usb");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Hub 1-2  0bda:5411 Generic 4-Port USB 2.0 Hub, USB 2.10, 4 ports, ppps",
                "1-2.3      power  0421:0661 Microsoft Lumia 950", "1-2.4      power  05c6:9008");
        CliRunner.Result j = CliRunner.run("ports", "--bus", "usb", "--json");
        JsonNode doc = new ObjectMapper().readTree(j.out());
        assertThat(doc.get("hubs")).hasSize(1);
        assertThat(doc.get("hubs").get(0).get("switching").asText()).isEqualTo("ppps");
        assertThat(doc.get("hubs").get(0).get("portStatus").get(2).get("device").asText()).isEqualTo("0421:0661");
        assertThat(fake.recorded()).containsExactly("", "");
    }

    @Test
    void usb3TwinHubsAreNoted() throws Exception {
        SystemBus.exec = new FakeUhubctl(dir.resolve("bin")).answer(when("", FakeUhubctl.TWIN_LISTING, "", 0)).exec();
        CliRunner.Result r = CliRunner.run("ports", "--bus", "usb");
        assertThat(r.out()).contains("Hub 2-2  0bda:0411 Generic USB3.2 Hub, USB 3.20, 4 ports, ppps  USB3 twin of 1-5",
                "Hub 1-5  0bda:5411 Generic USB2.1 Hub, USB 2.10, 4 ports, ppps  USB3 twin of 2-2");
        JsonNode doc = new ObjectMapper().readTree(CliRunner.run("ports", "--bus", "usb", "--json").out());
        assertThat(doc.get("hubs").get(0).get("twin").asText()).isEqualTo("1-5");
    }

    @Test
    void withoutUhubctlItSaysSoWithTheInstallCommand() throws Exception {
        SystemBus.exec = Exec.withEnvironment(Map.of("PATH", dir.toString()));
        CliRunner.Result r = CliRunner.run("ports", "--bus", "usb");
        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED.code());
        assertThat(r.out()).contains("uhubctl is not installed", "sudo apt install uhubctl");
        CliRunner.Result c = CliRunner.run("ports", "cycle", "1-2.3", "--bus", "usb");
        assertThat(c.exitCode()).isEqualTo(ExitCode.FAILED.code());
        assertThat(c.out()).contains("MISSING: port 1-2.3: uhubctl is not installed", "sudo apt install uhubctl");
    }

    @Test
    void cycleOnTheHostRunsUhubctlWithTheExactArguments() throws Exception {
        FakeUhubctl fake = new FakeUhubctl(dir.resolve("bin")).answer(when("-l 1-2 -p 3 -a cycle -d 2", FakeUhubctl.CYCLE_1_2_PORT_3, "", 0));
        SystemBus.exec = fake.exec();
        CliRunner.Result r = CliRunner.run("ports", "cycle", "1-2.3", "--bus", "usb");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("CYCLED: port 1-2.3");
        assertThat(fake.recorded()).containsExactly("-l 1-2 -p 3 -a cycle -d 2");
    }
}
