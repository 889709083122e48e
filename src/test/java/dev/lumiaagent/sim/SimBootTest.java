package dev.lumiaagent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.BusEvent;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The boot paths of lumia-protocols.md §5 on the virtual clock (1000x: a 25 s boot takes 25 ms). */
class SimBootTest {
    private static final PortPath PORT = PortPath.parse("1-3");
    private final BlockingQueue<BusEvent> events = new LinkedBlockingQueue<>();
    private SimBus bus;
    private SimPhone phone;

    @BeforeEach
    void start() {
        bus = new SimBus(AgentClock.scaled(1000));
        phone = new SimPhone(SimModels.standard().require("RM-1038"), "356938035643809", "S1", Mode.NORMAL, 70,
                LinkKind.PACKET, EnumSet.noneOf(SimFault.class));
        bus.watch(events::add);
        bus.attach(PORT, phone);
        try {
            assertThat(events.poll(5, TimeUnit.SECONDS)).isInstanceOf(BusEvent.Attached.class);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void stop() {
        bus.close();
    }

    /** Collects the modes the phone enumerates in until it shows up in {@code last}. */
    private List<String> arrivalsUntil(Mode last) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        while (true) {
            BusEvent e = events.poll(10, TimeUnit.SECONDS);
            assertThat(e).as("events so far: %s", seen).isNotNull();
            if (e instanceof BusEvent.Attached) {
                UsbDevice d = e.device();
                String label = d.personality().mode() == Mode.UEFI ? "UEFI/" + phone.uefiApp() : d.personality().mode().name();
                seen.add(label);
                if (d.personality().mode() == last) {
                    return seen;
                }
            } else {
                seen.add("left");
            }
        }
    }

    @Test
    void aRebootToTheOsPassesThroughTheBootManagerWhoseWatchdogContinues() throws Exception {
        bus.control(PORT).reboot(BootTarget.OS);
        assertThat(arrivalsUntil(Mode.NORMAL)).containsExactly("left", "UEFI/BOOT_MANAGER", "left", "NORMAL");
    }

    @Test
    void nokdKeepsThePhoneInTheBootManager() throws Exception {
        SimPhoneControl control = bus.control(PORT);
        control.reboot(BootTarget.BOOT_MANAGER);
        assertThat(arrivalsUntil(Mode.UEFI)).containsExactly("left", "UEFI/BOOT_MANAGER");
        control.disableWatchdog();
        // Well past the 5 s watchdog (5 ms real): nothing happens.
        assertThat(events.poll(300, TimeUnit.MILLISECONDS)).isNull();
        assertThat(phone.mode()).isEqualTo(Mode.UEFI);
    }

    @Test
    void anInterruptedFlashKeepsBootingIntoTheFlashApp() throws Exception {
        phone.flashingIncomplete(true);
        bus.control(PORT).reboot(BootTarget.OS);
        assertThat(arrivalsUntil(Mode.UEFI)).containsExactly("left", "UEFI/FLASH_APP");
        assertThat(phone.uefiApp()).isEqualTo(SimUefiApp.FLASH_APP);
    }

    @Test
    void flashAppArrivesDirectly() throws Exception {
        bus.control(PORT).reboot(BootTarget.FLASH_APP);
        assertThat(arrivalsUntil(Mode.UEFI)).containsExactly("left", "UEFI/FLASH_APP");
        UsbDevice d = bus.devices().get(0);
        assertThat(d.vidPid()).isEqualTo("0421:0714");
    }

    @Test
    void aKeyResetRestartsAHungPhone() throws Exception {
        SimPhone hung = new SimPhone(SimModels.standard().require("RM-914"), "356938035643809", "S2", Mode.NORMAL, 70,
                LinkKind.PACKET, EnumSet.of(SimFault.STALL));
        PortPath port = PortPath.parse("1-4");
        bus.attach(port, hung);
        assertThat(events.poll(5, TimeUnit.SECONDS)).isInstanceOf(BusEvent.Attached.class);
        bus.keyReset(port);
        List<String> seen = new ArrayList<>();
        while (seen.isEmpty() || !seen.get(seen.size() - 1).equals("NORMAL")) {
            BusEvent e = events.poll(10, TimeUnit.SECONDS);
            assertThat(e).isNotNull();
            if (e.device().port().equals(port)) {
                seen.add(e instanceof BusEvent.Attached ? e.device().personality().mode().name() : "left");
            }
        }
        assertThat(seen).containsExactly("left", "UEFI", "left", "NORMAL");
        assertThat(hung.has(SimFault.STALL)).isFalse();
    }

    @Test
    void powerOffLeavesForGood() throws Exception {
        bus.control(PORT).reboot(BootTarget.OFF);
        BusEvent e = events.poll(10, TimeUnit.SECONDS);
        assertThat(e).isInstanceOf(BusEvent.Detached.class);
        assertThat(events.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(bus.devices()).isEmpty();
        assertThat(bus.phoneAt(PORT)).isPresent();
    }

    @Test
    void otherTargetsEnumerateInTheirModes() throws Exception {
        bus.control(PORT).reboot(BootTarget.LABEL);
        assertThat(arrivalsUntil(Mode.LABEL)).containsExactly("left", "LABEL");
        bus.control(PORT).reboot(BootTarget.EDL);
        assertThat(arrivalsUntil(Mode.EDL_PBL)).containsExactly("left", "EDL_PBL");
    }

    /**
     * A firmware restarts its own phone only. On a real bus the host's write of NOKR completes when the phone has
     * the bytes, so the flash app may act on it after the host moved on; if its phone was unplugged meanwhile and
     * another plugged into the port, that other phone must not restart (CI, 2026-12-04: EvidenceTest's swapped
     * phone was restarted by the first phone's late NOKR and left the bus during ConfirmIdentity).
     */
    @Test
    void aLateRestartOfAnUnpluggedPhoneLeavesThePhonePluggedInSinceAlone() throws Exception {
        SimPhoneControl firstPhones = bus.control(PORT);
        bus.detach(PORT);
        SimPhone other = new SimPhone(SimModels.standard().require("RM-1038"), "490154203237518", "S2", Mode.NORMAL, 70,
                LinkKind.PACKET, EnumSet.noneOf(SimFault.class));
        bus.attach(PORT, other);
        assertThat(events.poll(5, TimeUnit.SECONDS)).isInstanceOf(BusEvent.Detached.class);
        assertThat(events.poll(5, TimeUnit.SECONDS)).isInstanceOf(BusEvent.Attached.class);

        firstPhones.reboot(BootTarget.OS);
        firstPhones.reboot(BootTarget.EDL);

        // Time is the subject: well past a restart's drop and arrival (a few seconds of bench time, ms here).
        assertThat(events.poll(300, TimeUnit.MILLISECONDS)).isNull();
        assertThat(bus.devices()).singleElement().satisfies(d -> assertThat(d.personality().mode()).isEqualTo(Mode.NORMAL));
        assertThat(firstPhones.phone()).isSameAs(phone);
    }
}
