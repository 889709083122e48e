package dev.lumiaagent.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.flow.gate.Gate;
import dev.lumiaagent.flow.gate.GateResult;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModel;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.sim.SimUefiApp;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hard reset end to end over the simulated bus at 200x: the person at the phone is played by the
 * test's listener (keyed by the step that asks for action), the factory reset takes 10 minutes of
 * bench time with a restart in the middle, and the flow watches it all over USB.
 */
class HardResetFlowTest {
    private static final PortPath PORT = PortPath.parse("1-5");
    private static final SimModel L950 = SimModels.standard().require("RM-1104");
    private final SimBus bus = new SimBus(AgentClock.scaled(200));
    private final List<String> steps = new CopyOnWriteArrayList<>();
    private final List<List<String>> plans = new CopyOnWriteArrayList<>();
    private final List<String> instructions = new CopyOnWriteArrayList<>();
    private final List<GateResult> gates = new CopyOnWriteArrayList<>();
    private final List<String> actionSteps = new CopyOnWriteArrayList<>();
    private boolean personActs = true;

    @TempDir
    Path dir;

    @BeforeEach
    void resetTime() {
        bus.factoryResetTime(Duration.ofMinutes(10));
    }

    @AfterEach
    void close() {
        bus.close();
    }

    private final FlowListener person = new FlowListener() {
        @Override
        public void planned(PortPath port, String flow, List<String> s) {
            plans.add(s);
        }

        @Override
        public void stepStarted(PortPath port, String step, String description, Duration bound) {
            steps.add(step + ": " + description);
        }

        @Override
        public void gate(PortPath port, GateResult result) {
            gates.add(result);
        }

        @Override
        public void actionRequired(PortPath port, String step, List<String> lines) {
            actionSteps.add(step);
            instructions.addAll(lines);
            if (!personActs) {
                return;
            }
            if (step.equals(HardResetFlow.GUIDED_KEYS)) {
                bus.keyHardReset(port);
            } else if (step.equals(HardResetFlow.SETTINGS_RESET)) {
                bus.settingsReset(port);
            }
        }
    };

    private SimPhone phone(Mode mode, Set<SimFault> faults) {
        return new SimPhone(L950, "356938035643809", "USB5", mode, 70, LinkKind.PACKET,
                faults.isEmpty() ? EnumSet.noneOf(SimFault.class) : EnumSet.copyOf(faults));
    }

    private Outcome run(Optional<UsbDevice> start, HardResetFlow.Method method, HardResetFlow.FfuSource ffu, Consent consent,
                        HardResetFlow.Bounds bounds) {
        HardResetFlow flow = new HardResetFlow(start, method, ffu, consent, bounds, ReflashFlow.Bounds.standard());
        return FlowRunner.run(flow, new FlowContext(bus, bus.clock(), PORT, List.of(person)));
    }

    private Outcome run(SimPhone p, HardResetFlow.Method method) {
        return run(Optional.of(bus.attach(PORT, p)), method, HardResetFlow.FfuSource.none(), Consent.given("test"),
                HardResetFlow.Bounds.standard());
    }

    private static List<String> names(List<String> stepLines) {
        List<String> out = new ArrayList<>();
        stepLines.forEach(s -> out.add(s.substring(0, s.indexOf(':'))));
        return out;
    }

    @Test
    void autoOnAWorkingPhoneIsTheSettingsResetWatchedThroughTheGears() {
        SimPhone p = phone(Mode.NORMAL, Set.of());
        Outcome o = run(p, HardResetFlow.Method.AUTO);
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(o.summary()).contains("by settings").contains("IMEI 356938035643809").contains("first-start setup");
        assertThat(steps).anyMatch(s -> s.startsWith("ChooseMethod: method settings: the phone runs its OS"));
        assertThat(names(steps)).containsExactly("ReadPhone", "ChooseMethod", "PreFlight", "ResetFromSettings", "AwaitLeave",
                "AwaitResetFinish", "ConfirmIdentity");
        assertThat(instructions).anyMatch(l -> l.contains("Settings → about → reset your phone"));
        assertThat(p.outOfBox()).isTrue();
        assertThat(p.userDataErased()).isTrue();
        assertThat(p.gearCycles()).isEqualTo(1);
        assertThat(p.mode()).isEqualTo(Mode.NORMAL);
        assertThat(gates).extracting(GateResult::gate).contains(Gate.BATTERY, Gate.BACKUP_WARNING, Gate.RESET_PROTECTION, Gate.CONSENT);
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void autoOnAHungPhoneGuidesBothKeyStepsAndTheQuickFourKeySequence() {
        SimPhone p = phone(Mode.NORMAL, Set.of(SimFault.STALL));
        Outcome o = run(p, HardResetFlow.Method.AUTO);
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(o.summary()).contains("by keys");
        assertThat(steps).anyMatch(s -> s.startsWith("ChooseMethod: method keys: the phone does not answer over USB"));
        assertThat(plans.get(plans.size() - 1)).containsExactly("ReadPhone", "ChooseMethod", "PreFlight", "GuidedKeyHardReset",
                "AwaitLeave", "AwaitResetFinish", "ConfirmIdentity");
        assertThat(actionSteps).containsExactly(HardResetFlow.GUIDED_KEYS);
        assertThat(instructions).anyMatch(l -> l.contains("Volume-Down and Power together until the phone vibrates"))
                .anyMatch(l -> l.contains("hold Volume-Down until a large \"!\""))
                .anyMatch(l -> l.contains("quickly") && l.contains("Volume-Up, Volume-Down, Power, Volume-Down"));
        assertThat(p.outOfBox()).isTrue();
        assertThat(p.has(SimFault.STALL)).isFalse();
    }

    @Test
    void autoInTheFlashAppIsTheUsbWipeOfData() {
        SimPhone p = phone(Mode.UEFI, Set.of());
        p.uefiApp(SimUefiApp.FLASH_APP);
        Outcome o = run(p, HardResetFlow.Method.AUTO);
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(o.summary()).contains("by usb-wipe").contains("erased the user Data partition")
                .contains("did not touch the modem NV, the OS version or reset protection");
        assertThat(steps).anyMatch(s -> s.startsWith("ChooseMethod: method usb-wipe: the phone is in its UEFI flash app"))
                .anyMatch(s -> s.startsWith("EraseUserData: usb-wipe: erase the user Data partition (NOKXFP \"Data\")"));
        assertThat(names(steps)).containsExactly("ReadPhone", "ChooseMethod", "PreFlight", "EraseUserData", "Reboot", "AwaitLeave",
                "AwaitResetFinish", "ConfirmIdentity");
        assertThat(actionSteps).isEmpty();
        assertThat(p.userDataErased()).isTrue();
        assertThat(p.outOfBox()).isTrue();
        assertThat(p.mode()).isEqualTo(Mode.NORMAL);
        assertThat(gates).anyMatch(g -> g.gate() == Gate.BATTERY && g.detail().contains("70 %"));
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void keysAskedForOnAWorkingPhone() {
        SimPhone p = phone(Mode.NORMAL, Set.of());
        Outcome o = run(p, HardResetFlow.Method.KEYS);
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(actionSteps).containsExactly(HardResetFlow.GUIDED_KEYS);
        assertThat(p.outOfBox()).isTrue();
    }

    @Test
    void reflashWithAGivenFfuIsDelegatedAndAutoPrefersIt() throws Exception {
        Path ffu = TestPhones.libraryFfu(dir, L950.productType(), 8L << 20);
        SimPhone p = phone(Mode.NORMAL, Set.of());
        Outcome o = run(Optional.of(bus.attach(PORT, p)), HardResetFlow.Method.AUTO, info -> Optional.of(ffu), Consent.given("test"),
                HardResetFlow.Bounds.standard());
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(o.summary()).startsWith("Hard reset by reflash (factory state): ").contains(ffu.getFileName().toString());
        assertThat(steps).anyMatch(s -> s.startsWith("ChooseMethod: method reflash: an FFU for this phone is at hand"));
        assertThat(plans).anyMatch(pl -> pl.contains(ReflashFlow.WRITE_CHUNKS));
        assertThat(names(steps)).contains(ReflashFlow.WRITE_CHUNKS, ReflashFlow.CONFIRM_IDENTITY);
        assertThat(p.flashesCompleted()).isEqualTo(1);
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void reflashAskedForWithoutAnFfuIsNamed() {
        Outcome o = run(phone(Mode.NORMAL, Set.of()), HardResetFlow.Method.REFLASH);
        assertThat(o.reason()).isEqualTo(Reason.FFU_INVALID);
        assertThat(o.nextStep()).contains("--ffu");
    }

    @Test
    void aResetThatNeverFinishesIsDetectedAndTheNextStepIsAReflash() {
        SimPhone p = phone(Mode.NORMAL, Set.of(SimFault.RESET_NEVER_FINISHES));
        bus.factoryResetTime(Duration.ofMinutes(4));
        HardResetFlow.Bounds tight = new HardResetFlow.Bounds(Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofMinutes(15),
                Duration.ofSeconds(30));
        Outcome o = run(Optional.of(bus.attach(PORT, p)), HardResetFlow.Method.SETTINGS, HardResetFlow.FfuSource.none(),
                Consent.given("test"), tight);
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.RESET_NEVER_FINISHED);
        assertThat(o.summary()).contains("did not finish within 15 min").contains("restarted").contains("without reaching normal mode");
        assertThat(o.nextStep()).contains("reflash");
        assertThat(p.gearCycles()).isGreaterThanOrEqualTo(2);
        assertThat(p.outOfBox()).isFalse();
    }

    @Test
    void noConsentErasesNothing() {
        SimPhone p = phone(Mode.UEFI, Set.of());
        p.uefiApp(SimUefiApp.FLASH_APP);
        Outcome o = run(Optional.of(bus.attach(PORT, p)), HardResetFlow.Method.AUTO, HardResetFlow.FfuSource.none(), Consent.none(),
                HardResetFlow.Bounds.standard());
        assertThat(o.reason()).isEqualTo(Reason.NO_CONSENT);
        assertThat(o.nextStep()).contains("--yes");
        assertThat(names(steps)).doesNotContain("EraseUserData");
        assertThat(p.userDataErased()).isFalse();
        assertThat(gates).anyMatch(g -> g.gate() == Gate.BACKUP_WARNING);
    }

    @Test
    void aDeadBatteryIsRefusedBeforeAnything() {
        SimPhone p = phone(Mode.NORMAL, Set.of(SimFault.DEAD_BATTERY));
        Outcome o = run(p, HardResetFlow.Method.AUTO);
        assertThat(o.reason()).isEqualTo(Reason.BATTERY_DEAD);
        assertThat(o.nextStep()).contains("20 minutes");
        assertThat(actionSteps).isEmpty();
    }

    @Test
    void keysNeverEnteredEndNamed() {
        personActs = false;
        SimPhone p = phone(Mode.NORMAL, Set.of(SimFault.STALL));
        Outcome o = run(p, HardResetFlow.Method.AUTO);
        assertThat(o.reason()).isEqualTo(Reason.PHONE_DID_NOT_LEAVE);
        assertThat(o.nextStep()).contains("quickly");
        assertThat(p.outOfBox()).isFalse();
    }

    @Test
    void settingsOnAHungPhoneIsRefusedWithKeysAsNextStep() {
        Outcome o = run(phone(Mode.NORMAL, Set.of(SimFault.STALL)), HardResetFlow.Method.SETTINGS);
        // in the right mode, not answering: named as that, not as the wrong mode
        assertThat(o.reason()).isEqualTo(Reason.PHONE_NOT_ANSWERING);
        assertThat(o.summary()).contains("normal").contains("does not answer");
        assertThat(o.nextStep()).contains("--method keys");
    }

    @Test
    void usbWipeOnAHungFlashAppIsNamedNotAnsweringNotTheWrongMode() {
        SimPhone p = phone(Mode.UEFI, Set.of(SimFault.STALL));
        p.uefiApp(SimUefiApp.FLASH_APP);
        Outcome o = run(p, HardResetFlow.Method.USB_WIPE);
        assertThat(o.reason()).isEqualTo(Reason.PHONE_NOT_ANSWERING);
        assertThat(o.nextStep()).contains("Volume-Down + Power").contains("--method keys");
        assertThat(p.userDataErased()).isFalse();
    }

    @Test
    void usbWipeFromTheOsIsStillTheWrongMode() {
        Outcome o = run(phone(Mode.NORMAL, Set.of()), HardResetFlow.Method.USB_WIPE);
        assertThat(o.reason()).isEqualTo(Reason.NOT_SUPPORTED_IN_MODE);
        assertThat(o.summary()).contains("UEFI flash app");
    }
}
