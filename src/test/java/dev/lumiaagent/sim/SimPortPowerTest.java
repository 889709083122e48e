package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.PortPower;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated hub's port power and the gone-until-power-cycle fault (issue 18), waited on by bus events. */
class SimPortPowerTest {
    private final BlockingQueue<BusEvent> events = new LinkedBlockingQueue<>();
    private final PortPath port = PortPath.of(1, 2, 3);
    private SimBus bus;

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        if (bus != null) {
            bus.close();
        }
    }

    private SimPhone phone(EnumSet<SimFault> faults) {
        SimPhone p = new SimPhone(SimModels.standard().require("RM-1104"), "356938035643809", "ABC123", Mode.NORMAL, 80,
                LinkKind.PACKET, faults);
        p.uefiApp(SimUefiApp.BOOT_MANAGER);
        return p;
    }

    private BusEvent next() throws InterruptedException {
        BusEvent e = events.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("a bus event within 10 s").isNotNull();
        return e;
    }

    /** Waits (on events) for the phone to arrive in {@code mode}, skipping the stages of its boot. */
    private void arrivesIn(Mode mode) throws InterruptedException {
        for (int i = 0; i < 8; i++) {
            BusEvent e = next();
            if (e instanceof BusEvent.Attached && e.device().personality().mode() == mode) {
                return;
            }
        }
        throw new AssertionError("the phone did not arrive in " + mode);
    }

    /** A cycle is a cable pulled and plugged in again: the phone runs on its battery and comes back in the mode it is in. */
    @Test
    void aCycleDropsThePhoneAndItComesBackInTheModeItIsIn() throws Exception {
        bus = new SimBus(AgentClock.scaled(1000));
        SimPhone p = phone(EnumSet.noneOf(SimFault.class));
        p.mode(Mode.UEFI);
        p.uefiApp(SimUefiApp.FLASH_APP);
        bus.attach(port, p);
        bus.watch(events::add);
        PortPower.CycleResult r = bus.portPower().cycle(port);
        assertThat(r.outcome()).isEqualTo(PortPower.CycleOutcome.CYCLED);
        assertThat(next()).isInstanceOf(BusEvent.Detached.class);
        BusEvent back = next();
        assertThat(back).as("the next event: the phone back, no restart in between").isInstanceOf(BusEvent.Attached.class);
        assertThat(back.device().personality().mode()).isEqualTo(Mode.UEFI);
        assertThat(p.uefiApp()).isEqualTo(SimUefiApp.FLASH_APP);
    }

    /** A hung phone is not un-hung by its USB power: only a key reset does that (reset-procedures.md). */
    @Test
    void aHungPhoneIsStillHungAfterACycle() throws Exception {
        bus = new SimBus(AgentClock.scaled(1000));
        SimPhone p = phone(EnumSet.of(SimFault.STALL));
        bus.attach(port, p);
        bus.watch(events::add);
        bus.portPower().cycle(port);
        assertThat(next()).isInstanceOf(BusEvent.Detached.class);
        assertThat(next()).isInstanceOf(BusEvent.Attached.class);
        assertThat(p.has(SimFault.STALL)).isTrue();
    }

    @Test
    void goneUntilPowerCycleStaysAwayAfterItsFirstModeChangeUntilThePortIsCycled() throws Exception {
        bus = new SimBus(AgentClock.scaled(1000));
        SimPhone p = phone(EnumSet.of(SimFault.GONE_UNTIL_POWER_CYCLE));
        bus.attach(port, p);
        bus.watch(events::add);
        // a mode change (as SimBoot makes it): the arrival it would end in is refused by the fault, as an event
        java.util.concurrent.CompletableFuture<?> back = bus.reenumerate(port, Mode.UEFI, java.time.Duration.ZERO,
                java.time.Duration.ofSeconds(6), ph -> ph.uefiApp(SimUefiApp.FLASH_APP));
        assertThat(next()).isInstanceOf(BusEvent.Detached.class);
        assertThatThrownBy(() -> back.get(10, TimeUnit.SECONDS)).hasMessageContaining("gone until its port's power is cycled");
        assertThat(bus.devices()).isEmpty();
        assertThat(events).isEmpty();
        assertThat(bus.portPower().cycle(port).cycled()).isTrue();
        // it arrives where its mode change took it (the flash app), as the phone was there all along
        BusEvent arrived = next();
        assertThat(arrived).isInstanceOf(BusEvent.Attached.class);
        assertThat(arrived.device().personality().mode()).isEqualTo(Mode.UEFI);
        assertThat(p.uefiApp()).isEqualTo(SimUefiApp.FLASH_APP);
        assertThat(p.has(SimFault.GONE_UNTIL_POWER_CYCLE)).isFalse();
    }

    @Test
    void aHubThatCannotSwitchIsNamedAndTheBenchFileSaysWhich() throws Exception {
        Path f = dir.resolve("bench.json");
        Files.writeString(f, "{\"clockSpeed\": 100, \"phones\": [{\"port\": \"1-2.3\", \"model\": \"RM-1104\", \"hub\": \"ganged\","
                + " \"faults\": [\"gone-until-power-cycle\"]}, {\"port\": \"1-4\", \"model\": \"RM-914\", \"hub\": \"nops\"}]}");
        bus = SimBench.start(BenchSpec.read(f));
        PortPower.CycleResult r = bus.portPower().cycle(port);
        assertThat(r.outcome()).isEqualTo(PortPower.CycleOutcome.NOT_SWITCHABLE);
        assertThat(r.detail()).isEqualTo("hub 1-2 cannot switch its ports' power (ganged)");
        assertThat(bus.portPower().capability(PortPath.of(1, 4)).why()).isEqualTo("hub 1 cannot switch its ports' power (nops)");
        assertThat(bus.devices()).hasSize(2); // nothing was switched
        Files.writeString(f, "{\"clockSpeed\": 100, \"phones\": [{\"port\": \"1-2.3\", \"model\": \"RM-1104\", \"hub\": \"smart\"}]}");
        assertThatThrownBy(() -> BenchSpec.read(f)).hasMessageContaining("hub must be one of ppps, ganged, nops");
        assertThat(SimFault.parse("gone-until-power-cycle")).isEqualTo(SimFault.GONE_UNTIL_POWER_CYCLE);
    }
}
