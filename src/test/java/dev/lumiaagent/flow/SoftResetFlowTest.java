package dev.lumiaagent.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.sim.SimUefiApp;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import dev.lumiaagent.transport.discovery.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Soft reset end to end: the real flow, sessions and codecs over the simulated bus against simulated
 * phones that speak the protocols. The bench clock runs 200x, so a 5-minute bound is 1.5 s of real time,
 * and scheduling jitter of a busy CI machine (tens of ms) stays well inside every bound.
 */
class SoftResetFlowTest {
    private static final PortPath PORT = PortPath.parse("1-2");
    private final SimBus bus = new SimBus(AgentClock.scaled(200));
    private final Recorder recorder = new Recorder();

    @AfterEach
    void close() {
        bus.close();
    }

    /** Records the flow's events; tests may act as the person at the phone on some of them. */
    static final class Recorder implements FlowListener {
        final List<String> steps = new ArrayList<>();
        final List<List<String>> plans = new ArrayList<>();
        final List<String> instructions = new ArrayList<>();
        BiConsumer<String, Recorder> onStep = (s, r) -> { };
        Runnable onAction = () -> { };

        @Override
        public void planned(PortPath port, String flow, List<String> s) {
            plans.add(s);
        }

        @Override
        public void stepStarted(PortPath port, String step, String description, Duration bound) {
            steps.add(step);
            onStep.accept(step, this);
        }

        @Override
        public void actionRequired(PortPath port, String step, List<String> lines) {
            instructions.addAll(lines);
            onAction.run();
        }
    }

    private SimPhone phone(String model, Mode mode, Set<SimFault> faults) {
        return new SimPhone(SimModels.standard().require(model), "356938035643809", "USB1", mode, 60, LinkKind.PACKET,
                faults.isEmpty() ? EnumSet.noneOf(SimFault.class) : EnumSet.copyOf(faults));
    }

    private Outcome run(Optional<UsbDevice> start) {
        FlowContext ctx = new FlowContext(bus, bus.clock(), PORT, List.of(recorder));
        return FlowRunner.run(new SoftResetFlow(start, SoftResetFlow.Bounds.standard()), ctx);
    }

    private Outcome runOn(SimPhone p) {
        return run(Optional.of(bus.attach(PORT, p)));
    }

    @Test
    void fromNormalModeOverUsb() {
        SimPhone p = phone("RM-914", Mode.NORMAL, Set.of());
        Outcome o = runOn(p);
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(o.summary()).contains("IMEI 356938035643809").contains("back in normal mode");
        assertThat(recorder.steps).containsExactly("ReadIdentity", "SendReset", "AwaitLeave", "AwaitReturn", "ConfirmIdentity");
        assertThat(p.mode()).isEqualTo(Mode.NORMAL);
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void fromLabelMode() {
        SimPhone p = phone("RM-1045", Mode.LABEL, Set.of());
        Outcome o = runOn(p);
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void overAStreamLinkToo() {
        SimPhone p = new SimPhone(SimModels.standard().require("RM-1104"), "356938035643809", "U", Mode.NORMAL, 60,
                LinkKind.STREAM, EnumSet.noneOf(SimFault.class));
        bus.streamChunk(7);
        Outcome o = runOn(p);
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(p.violations()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(SimUefiApp.class)
    void fromEachUefiApp(SimUefiApp app) {
        SimPhone p = phone("RM-1085", Mode.UEFI, Set.of());
        p.uefiApp(app);
        Outcome o = runOn(p);
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(recorder.steps).containsExactly("ReadIdentity", "SendReset", "AwaitLeave", "AwaitReturn", "ConfirmIdentity");
        assertThat(p.mode()).isEqualTo(Mode.NORMAL);
        assertThat(p.violations()).isEmpty();
    }

    @Test
    void aPhoneThatDoesNotAnswerGetsTheGuidedKeyResetWatchedOverUsb() {
        SimPhone p = phone("RM-914", Mode.NORMAL, Set.of(SimFault.STALL));
        recorder.onAction = () -> bus.keyReset(PORT); // the person at the phone follows the instructions
        Outcome o = runOn(p);
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(o.summary()).contains("after the key reset");
        assertThat(recorder.plans).hasSize(2);
        assertThat(recorder.plans.get(1)).containsExactly("ReadIdentity", "GuidedKeyReset", "AwaitLeave", "AwaitReturn", "ConfirmIdentity");
        assertThat(recorder.instructions).anyMatch(l -> l.contains("Volume-Down and Power")).anyMatch(l -> l.contains("Do not touch the screen"));
    }

    @Test
    void guidedWhenTheKeysAreNeverPressedEndsNamed() {
        SimPhone p = phone("RM-914", Mode.NORMAL, Set.of(SimFault.STALL));
        Outcome o = runOn(p);
        assertThat(o.reason()).isEqualTo(Reason.PHONE_DID_NOT_LEAVE);
        assertThat(o.nextStep()).contains("10-15 seconds");
    }

    @Test
    void guidedForAPhoneNotOnTheBusWaitsForItToAppear() {
        recorder.onAction = () -> bus.attach(PORT, phone("RM-1073", Mode.NORMAL, Set.of()));
        Outcome o = run(Optional.empty());
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(recorder.steps).containsExactly("GuidedKeyReset", "AwaitReturn", "ConfirmIdentity");
    }

    @Test
    void fromEmergencyDownloadTheKeyResetIsGuided() {
        SimPhone p = phone("RM-1073", Mode.EDL_PBL, Set.of());
        recorder.onAction = () -> bus.keyReset(PORT);
        Outcome o = runOn(p);
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.DONE);
        assertThat(recorder.plans.get(0)).startsWith("GuidedKeyReset");
    }

    @Test
    void aDeadBatteryIsNamedNotRetried() {
        Outcome o = runOn(phone("RM-914", Mode.NORMAL, Set.of(SimFault.DEAD_BATTERY)));
        assertThat(o.reason()).isEqualTo(Reason.BATTERY_DEAD);
        assertThat(o.nextStep()).contains("20 minutes");
    }

    @Test
    void aPhoneThatNeverReturns() {
        recorder.onStep = (step, r) -> {
            if (step.equals("AwaitReturn")) {
                bus.detach(PORT); // pulled out while rebooting
            }
        };
        Outcome o = runOn(phone("RM-914", Mode.NORMAL, Set.of()));
        assertThat(o.reason()).isEqualTo(Reason.PHONE_DID_NOT_RETURN);
        assertThat(o.summary()).contains("did not come back").contains("300 s");
    }

    @Test
    void aPhoneThatComesBackInTheFlashAppAndStays() {
        SimPhone p = phone("RM-1038", Mode.NORMAL, Set.of());
        p.flashingIncomplete(true);
        Outcome o = runOn(p);
        assertThat(o.reason()).isEqualTo(Reason.RETURNED_IN_WRONG_MODE);
        assertThat(o.summary()).contains("came back in UEFI");
        assertThat(o.nextStep()).contains("reflash");
    }

    @Test
    void aDifferentPhoneOnThePortIsAnErrorNotASuccess() {
        recorder.onStep = (step, r) -> {
            if (step.equals("AwaitReturn")) {
                bus.detach(PORT);
                bus.attach(PORT, new SimPhone(SimModels.standard().require("RM-914"), "490154203237518", "OTHER",
                        Mode.NORMAL, 50, LinkKind.PACKET, EnumSet.noneOf(SimFault.class)));
            }
        };
        Outcome o = runOn(phone("RM-914", Mode.NORMAL, Set.of()));
        assertThat(o.reason()).isEqualTo(Reason.DIFFERENT_PHONE);
        assertThat(o.summary()).contains("490154203237518").contains("356938035643809");
    }

    @Test
    void aJsonRpcErrorToTheResetIsADeviceVerdict() {
        SimPhone p = phone("RM-914", Mode.NORMAL, Set.of());
        recorder.onStep = (step, r) -> {
            if (step.equals("SendReset")) {
                p.inject(SimFault.NAK_NEXT);
            }
        };
        Outcome o = runOn(p);
        assertThat(o.reason()).isEqualTo(Reason.DEVICE_REJECTED);
        assertThat(o.summary()).contains("refused the reset").contains("-32000");
        assertThat(p.mode()).isEqualTo(Mode.NORMAL);
    }

    @Test
    void nokuFromTheUefiAppIsNamed() {
        SimPhone p = phone("RM-1104", Mode.UEFI, Set.of());
        p.inject(SimFault.NAK_NEXT);
        Outcome o = runOn(p);
        assertThat(o.reason()).isEqualTo(Reason.UNSUPPORTED_COMMAND);
        assertThat(o.summary()).contains("NOKU");
    }
}
