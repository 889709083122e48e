package dev.lumiaagent.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lumiaagent.protocol.firehose.FirehoseRefused;
import dev.lumiaagent.protocol.firehose.FirehoseResponse;
import dev.lumiaagent.protocol.flashapp.NokRefused;
import dev.lumiaagent.protocol.sahara.SaharaRefused;
import dev.lumiaagent.protocol.sahara.SaharaStatus;
import dev.lumiaagent.sim.LinkKind;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimFault;
import dev.lumiaagent.sim.SimModels;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.testing.SteppedClock;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.discovery.Mode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A step's bound is enforced: the step runs under a deadline on the flow's clock, its waits are cut at
 * it, and a step still running past it ends in {@link Reason#STEP_TIMEOUT} naming the step and bound.
 */
class StepDeadlineTest {
    private static final PortPath PORT = PortPath.parse("1-2");
    private final SimBus bus = new SimBus(AgentClock.scaled(200));
    private final List<String> finished = new ArrayList<>();
    private final FlowListener listener = new FlowListener() {
        @Override
        public void stepFinished(PortPath port, String step, boolean ok, String detail) {
            finished.add(step + (ok ? " ok" : " failed: " + detail));
        }
    };

    @AfterEach
    void close() {
        bus.close();
    }

    // ---------------------------------------------------------------- on a simulated phone

    @Test
    void aStepStillRunningPastItsBoundEndsNamed() {
        // A hung phone: reading its identity waits out the reader's 2 s reply timeout, far past a 200 ms bound.
        SimPhone p = new SimPhone(SimModels.standard().require("RM-914"), "356938035643809", "USB1", Mode.NORMAL, 60,
                LinkKind.PACKET, EnumSet.of(SimFault.STALL));
        SoftResetFlow.Bounds tight = new SoftResetFlow.Bounds(Duration.ofSeconds(60), Duration.ofMinutes(3), Duration.ofMinutes(5),
                Duration.ofMillis(200));
        FlowContext ctx = new FlowContext(bus, bus.clock(), PORT, List.of(listener));
        Outcome o = FlowRunner.run(new SoftResetFlow(Optional.of(bus.attach(PORT, p)), tight), ctx);
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.STEP_TIMEOUT);
        assertThat(o.summary()).contains("ReadIdentity").contains("200 ms").contains(PORT.toString());
        assertThat(o.nextStep()).contains("lumia-agent devices").contains("run the command again");
        assertThat(finished).singleElement().asString().startsWith("ReadIdentity failed: ReadIdentity did not finish");
    }

    @Test
    void aWaitInsideAStepEndsAtTheStepsDeadline() throws Exception {
        FlowContext ctx = new FlowContext(bus, bus.clock(), PORT, List.of(listener));
        Instant start = bus.clock().now();
        try (PhoneWatcher watcher = new PhoneWatcher(bus, bus.clock(), PORT)) {
            Optional<?> back = ctx.step("AwaitNothing", "wait for a phone that never comes", Duration.ofSeconds(30),
                    () -> watcher.awaitArrival(d -> true, ctx.within(Duration.ofMinutes(10)), (w, b) -> { }));
            assertThat(back).isEmpty();
        }
        // Cut at the step's 30 s, not the wait's own 10 min (which would be 3 s of real time at 200x).
        assertThat(Duration.between(start, bus.clock().now())).isLessThan(Duration.ofMinutes(5));
        assertThat(finished).containsExactly("AwaitNothing ok");
    }

    // ---------------------------------------------------------------- the rules, on a stepped clock

    private final SteppedClock clock = new SteppedClock();
    private final FlowContext stepped = new FlowContext(bus, clock, PORT, List.of(listener));

    private Reason failure(Duration bound, FlowContext.StepBody<?> body) {
        try {
            stepped.step("Step", "a step", bound, body);
        } catch (FlowFailure f) {
            return f.outcome().reason();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return Reason.DONE;
    }

    @Test
    void theBodySeesItsStepsDeadline() throws Exception {
        assertThat(stepped.deadline().bounded()).isFalse();
        stepped.step("Step", "a step", Duration.ofSeconds(10), () -> {
            assertThat(stepped.deadline().remaining()).isEqualTo(Duration.ofSeconds(10));
            assertThat(stepped.within(Duration.ofMinutes(1)).remaining()).isEqualTo(Duration.ofSeconds(10));
            assertThat(stepped.within(Duration.ofSeconds(3)).remaining()).isEqualTo(Duration.ofSeconds(3));
            clock.step(Duration.ofSeconds(4));
            assertThat(stepped.deadline().remaining()).isEqualTo(Duration.ofSeconds(6));
            return null;
        });
        assertThat(stepped.deadline().bounded()).isFalse();
    }

    @Test
    void returningPastTheBoundIsATimeoutButUsingTheBoundFullyIsNot() {
        assertThat(failure(Duration.ofSeconds(10), () -> {
            clock.step(Duration.ofSeconds(10)); // a wait that ended at the deadline, then the body reports
            return null;
        })).isEqualTo(Reason.DONE);
        assertThat(failure(Duration.ofSeconds(10), () -> {
            clock.step(Duration.ofSeconds(30));
            return null;
        })).isEqualTo(Reason.STEP_TIMEOUT);
        assertThat(finished).last().asString().contains("Step did not finish within its bound of 10 s");
    }

    @Test
    void aTransferTimeoutPastTheBoundIsTheStepsTimeoutAndBeforeItThePhonesSilence() {
        assertThat(failure(Duration.ofSeconds(10), () -> {
            clock.step(Duration.ofSeconds(2));
            throw new TransferTimeout(TransferTimeout.Direction.IN, Duration.ofSeconds(2), 0);
        })).isEqualTo(Reason.PHONE_NOT_ANSWERING);
        assertThat(failure(Duration.ofSeconds(10), () -> {
            clock.step(Duration.ofSeconds(20));
            throw new TransferTimeout(TransferTimeout.Direction.IN, Duration.ofSeconds(20), 0);
        })).isEqualTo(Reason.STEP_TIMEOUT);
    }

    @Test
    void theBodysOwnOutcomeAndOtherFaultsKeepTheirNamesPastTheBound() {
        assertThat(failure(Duration.ofSeconds(10), () -> {
            clock.step(Duration.ofSeconds(30));
            throw new FlowFailure(Reason.PHONE_DID_NOT_RETURN, "gone", "look");
        })).isEqualTo(Reason.PHONE_DID_NOT_RETURN);
        assertThat(failure(Duration.ofSeconds(10), () -> {
            clock.step(Duration.ofSeconds(30));
            throw new DeviceGone("left");
        })).isEqualTo(Reason.PHONE_LEFT);
    }

    @Test
    void aZeroBoundIsNoBound() {
        assertThat(failure(Duration.ZERO, () -> {
            clock.step(Duration.ofHours(1)); // a person at the phone
            return null;
        })).isEqualTo(Reason.DONE);
    }

    @Test
    void aStepInsideAStepWaitsNoLongerThanTheOuterOne() throws Exception {
        stepped.step("Outer", "outer", Duration.ofSeconds(30), () -> {
            clock.step(Duration.ofSeconds(25));
            return stepped.step("Inner", "inner", Duration.ofMinutes(2), () -> {
                assertThat(stepped.deadline().remaining()).isEqualTo(Duration.ofSeconds(5));
                return null;
            });
        });
        assertThat(finished).containsExactly("Inner ok", "Outer ok");
    }

    @Test
    void deviceRefusalsOfEveryProtocolAreNamedWithoutTheFlowKnowingTheProtocol() {
        assertThat(failure(Duration.ofSeconds(10), () -> {
            throw new NokRefused("NOKV", null);
        })).isEqualTo(Reason.UNSUPPORTED_COMMAND);
        assertThat(failure(Duration.ofSeconds(10), () -> {
            throw new SaharaRefused("command mode", SaharaStatus.of(0x01));
        })).isEqualTo(Reason.DEVICE_REJECTED);
        assertThat(failure(Duration.ofSeconds(10), () -> {
            throw new FirehoseRefused("program", FirehoseResponse.nak(Map.of()));
        })).isEqualTo(Reason.DEVICE_REJECTED);
        assertThatThrownBy(() -> stepped.step("Step", "a step", Duration.ofSeconds(10), () -> {
            throw new NokRefused("NOKXFP Data", null);
        })).isInstanceOf(FlowFailure.class).hasMessageContaining("NOKU");
    }
}
