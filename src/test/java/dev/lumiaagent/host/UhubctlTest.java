package dev.lumiaagent.host;

import static dev.lumiaagent.host.FakeUhubctl.when;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.exec.Exec;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.PortPower;
import dev.lumiaagent.transport.PortPower.CycleOutcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Uhubctl against a fake uhubctl that answers with uhubctl 2.5.0's own texts (FakeUhubctl names each source, notes-18 §1). */
class UhubctlTest {
    @TempDir
    Path dir;

    @Test
    void theListingIsHubsAndPortsWithThePhonesOnThem() throws Exception {
        FakeUhubctl fake = new FakeUhubctl(dir).answer(when("", FakeUhubctl.PPPS_LISTING, "", 0));
        Uhubctl.Listing l = new Uhubctl(fake.exec()).list();
        assertThat(l.outcome()).isEqualTo(Uhubctl.Outcome.LISTED);
        Hub hub = l.hub("1-2").orElseThrow();
        assertThat(hub.vidPid()).isEqualTo("0bda:5411");
        assertThat(hub.name()).isEqualTo("Generic 4-Port USB 2.0 Hub");
        assertThat(hub.usbVersion()).isEqualTo("2.10");
        assertThat(hub.portCount()).isEqualTo(4);
        assertThat(hub.switching()).isEqualTo(Hub.Switching.PPPS);
        assertThat(hub.ports()).hasSize(4);
        HubPort lumia = hub.port(3).orElseThrow();
        assertThat(lumia.status()).isEqualTo("0503");
        assertThat(lumia.words()).containsExactly("power", "highspeed", "enable", "connect");
        assertThat(lumia.powered()).isTrue();
        assertThat(lumia.device()).contains("0421:0661");
        assertThat(lumia.deviceName()).isEqualTo("Microsoft Lumia 950");
        assertThat(hub.port(4).orElseThrow().device()).contains("05c6:9008");
        assertThat(hub.port(1).orElseThrow().connected()).isFalse();
        assertThat(fake.recorded()).containsExactly("");
    }

    @Test
    void usb3TwinsArePairedByTheirLocations() throws Exception {
        FakeUhubctl fake = new FakeUhubctl(dir).answer(when("", FakeUhubctl.TWIN_LISTING, "", 0));
        Uhubctl.Listing l = new Uhubctl(fake.exec()).list();
        assertThat(l.hub("2-2").orElseThrow().superSpeed()).isTrue();
        assertThat(l.hub("2-2").orElseThrow().twin()).contains("1-5");
        assertThat(l.hub("1-5").orElseThrow().twin()).contains("2-2");
        // "02a0 power 5gbps Rx.Detect": powered, nothing connected (notes §1.2, USB3 words)
        assertThat(l.hub("2-2").orElseThrow().port(1).orElseThrow().powered()).isTrue();
    }

    @Test
    void aPortPathIsTheHubLocationAndTheLastPort() {
        assertThat(Uhubctl.locationOf(PortPath.parse("1-2.3"))).isEqualTo(new Uhubctl.Location("1-2", 3));
        assertThat(Uhubctl.locationOf(PortPath.parse("3-1.1.4"))).isEqualTo(new Uhubctl.Location("3-1.1", 4));
        // a root-hub port: bus 1, port 2 is hub "1", port 2 (notes §6)
        assertThat(Uhubctl.locationOf(PortPath.parse("1-2"))).isEqualTo(new Uhubctl.Location("1", 2));
        assertThat(Uhubctl.Location.pathOf("1", 2)).isEqualTo(PortPath.parse("1-2"));
        assertThat(Uhubctl.Location.pathOf("1-2", 3)).isEqualTo(PortPath.parse("1-2.3"));
    }

    @Test
    void aCycleRunsTheExactCommandAndIsJudgedByTheNewStatus() throws Exception {
        FakeUhubctl fake = new FakeUhubctl(dir).answer(when("-l 1-2 -p 3 -a cycle -d 2", FakeUhubctl.CYCLE_1_2_PORT_3, "", 0));
        PortPower.CycleResult r = new Uhubctl(fake.exec()).cycle(PortPath.parse("1-2.3"));
        assertThat(r.outcome()).as(r.detail()).isEqualTo(CycleOutcome.CYCLED);
        assertThat(r.nextStep()).isEmpty();
        assertThat(fake.recorded()).containsExactly("-l 1-2 -p 3 -a cycle -d 2");
    }

    @Test
    void aRootHubPortIsCycledAtLocationOfItsBus() throws Exception {
        String out = FakeUhubctl.CYCLE_1_2_PORT_3.replace("hub 1-2 ", "hub 1 ").replace("Port 3:", "Port 2:");
        FakeUhubctl fake = new FakeUhubctl(dir).answer(when("-l 1 -p 2 -a cycle -d 2", out, "", 0));
        assertThat(new Uhubctl(fake.exec()).cycle(PortPath.parse("1-2")).outcome()).isEqualTo(CycleOutcome.CYCLED);
        assertThat(fake.recorded()).containsExactly("-l 1 -p 2 -a cycle -d 2");
    }

    /** uhubctl exits 0 even when switching failed (rc = 0 at uhubctl.c @v2.5.0 1238, notes §1.4): the port that stayed on is FAILED. */
    @Test
    void exitZeroWithThePortStillPoweredIsFailedNotCycled() throws Exception {
        String stayedOn = FakeUhubctl.CYCLE_1_2_PORT_3.replace("  Port 3: 0000 off\nCurrent", "  Port 3: 0503 power highspeed enable connect []\nCurrent");
        // perror("Failed to control port power!\n") prints the text, then ": <strerror>" (notes §1.4)
        FakeUhubctl fake = new FakeUhubctl(dir).answer(when("-l 1-2 -p 3 -a cycle -d 2", stayedOn,
                "Failed to control port power!\n: Input/output error", 0));
        PortPower.CycleResult r = new Uhubctl(fake.exec()).cycle(PortPath.parse("1-2.3"));
        assertThat(r.outcome()).isEqualTo(CycleOutcome.FAILED);
        assertThat(r.detail()).contains("exited 0").contains("Failed to control port power!");
        assertThat(r.nextStep()).contains("Unplug the phone from 1-2.3");
    }

    @Test
    void aGangedHubIsNotSwitchableAndNamedSo() throws Exception {
        FakeUhubctl fake = new FakeUhubctl(dir).answer(
                when("-l 3-4 -p 2 -a cycle -d 2", "", FakeUhubctl.noDevicesAt("3-4"), 1)
                + when("-f -l 3-4", FakeUhubctl.GANGED_LISTING, "", 0)
                + when("-l 3-4", "", FakeUhubctl.noDevicesAt("3-4"), 1));
        Uhubctl u = new Uhubctl(fake.exec());
        PortPower.CycleResult r = u.cycle(PortPath.parse("3-4.2"));
        assertThat(r.outcome()).isEqualTo(CycleOutcome.NOT_SWITCHABLE);
        assertThat(r.detail()).isEqualTo("hub 3-4 cannot switch its ports' power (ganged)");
        assertThat(r.nextStep()).isEqualTo("Unplug the phone from 3-4.2 and plug it in again.");
        assertThat(fake.recorded()).containsExactly("-l 3-4 -p 2 -a cycle -d 2", "-f -l 3-4");
        PortPower.Capability c = new UhubctlPortPower(u).capability(PortPath.parse("3-4.2"));
        assertThat(c.canCycle()).isFalse();
        assertThat(c.why()).isEqualTo("hub 3-4 cannot switch its ports' power (ganged)");
        // the ganged hub is listed with -f as it is (notes §1.2)
        assertThat(u.list("3-4", true).hub("3-4").orElseThrow().switching()).isEqualTo(Hub.Switching.GANGED);
    }

    @Test
    void noHubAtTheLocationIsNotSwitchable() throws Exception {
        FakeUhubctl fake = new FakeUhubctl(dir).answer(
                when("-l 1-9 -p 1 -a cycle -d 2", "", FakeUhubctl.noDevicesAt("1-9"), 1)
                + when("-f -l 1-9", "", FakeUhubctl.noDevicesAt("1-9"), 1));
        PortPower.CycleResult r = new Uhubctl(fake.exec()).cycle(PortPath.parse("1-9.1"));
        assertThat(r.outcome()).isEqualTo(CycleOutcome.NOT_SWITCHABLE);
        assertThat(r.detail()).isEqualTo("there is no hub at 1-9 that uhubctl can switch");
    }

    @Test
    void permissionProblemsNameTheUdevRuleAndSetup() throws Exception {
        FakeUhubctl fake = new FakeUhubctl(dir).answer(when("-l 1-2 -p 3 -a cycle -d 2", "", FakeUhubctl.PERMISSION, 1)
                + when("-l 1-2", "", FakeUhubctl.PERMISSION, 1));
        Uhubctl u = new Uhubctl(fake.exec());
        PortPower.CycleResult r = u.cycle(PortPath.parse("1-2.3"));
        assertThat(r.outcome()).isEqualTo(CycleOutcome.PERMISSION);
        assertThat(r.nextStep()).contains("lumia-agent setup").contains("root").contains("unplug the phone from 1-2.3");
        assertThat(new UhubctlPortPower(u).capability(PortPath.parse("1-2.3")).why()).contains("permission problems");
    }

    @Test
    void aMissingUhubctlIsMissingWithTheInstallCommand() {
        Uhubctl u = new Uhubctl(Exec.withEnvironment(Map.of("PATH", dir.toString())));
        PortPower.CycleResult r = u.cycle(PortPath.parse("1-2.3"));
        assertThat(r.outcome()).isEqualTo(CycleOutcome.MISSING);
        assertThat(r.detail()).isEqualTo("uhubctl is not installed");
        assertThat(r.nextStep()).contains("sudo apt install uhubctl").contains("unplug the phone from 1-2.3");
        assertThat(u.list().outcome()).isEqualTo(Uhubctl.Outcome.MISSING);
        assertThat(new UhubctlPortPower(u).capability(PortPath.parse("1-2.3")).why()).contains("not installed");
    }

    /** The subject is the bound: a uhubctl that hangs (a hub that does not answer) is stopped and named. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aHangingUhubctlIsTimedOut() throws Exception {
        FakeUhubctl fake = new FakeUhubctl(dir).answer("'-l 1-2')\nsleep 120;;\n'-l 1-2 -p 3 -a cycle -d 2')\nsleep 120;;\n");
        Uhubctl u = new Uhubctl(fake.exec(), java.time.Duration.ofMillis(500), java.time.Duration.ofMillis(500));
        Uhubctl.Listing l = u.list("1-2", false);
        assertThat(l.outcome()).isEqualTo(Uhubctl.Outcome.TIMED_OUT);
        assertThat(l.detail()).contains("still running after");
        PortPower.CycleResult r = u.cycle(PortPath.parse("1-2.3"));
        assertThat(r.outcome()).isEqualTo(CycleOutcome.TIMED_OUT);
        assertThat(r.nextStep()).contains("Unplug the phone from 1-2.3");
    }

    @Test
    void theSwitchableCapabilityNamesTheHub() throws Exception {
        FakeUhubctl fake = new FakeUhubctl(dir).answer(when("-l 1-2", FakeUhubctl.PPPS_LISTING, "", 0));
        PortPower.Capability c = new UhubctlPortPower(new Uhubctl(fake.exec())).capability(PortPath.parse("1-2.3"));
        assertThat(c.canCycle()).isTrue();
        assertThat(c.why()).contains("uhubctl -l 1-2 -p 3").contains("ppps");
        assertThat(List.of(c.why())).isNotEmpty();
    }
}
