package dev.lumiaagent.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.image.ffu.FfuFile;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimPhone;
import dev.lumiaagent.testing.TestPhones;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.UsbDevice;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reflash stopped from outside mid-write (Ctrl-C, a station shutting down) ends INTERRUPTED — whatever
 * the interrupt made the step hit next (the FFU's file channel closed by it) — so its job stays resumable.
 */
class FlowInterruptTest {
    @TempDir
    Path dir;

    private final SimBus bus = new SimBus(AgentClock.scaled(200));

    @AfterEach
    void close() {
        Thread.interrupted();
        bus.close();
    }

    @Test
    void aReflashInterruptedMidWriteEndsInterruptedNotFailed() throws Exception {
        SimPhone phone = TestPhones.normal("RM-1104", "356938035643809");
        UsbDevice d = bus.attach(PortPath.parse("1-2"), phone);
        Path ffu = TestPhones.libraryFfu(dir, phone.model().productType(), 16L << 20);
        FlowListener stopper = new FlowListener() {
            @Override
            public void progress(PortPath port, String step, double fraction, String status) {
                if (step.equals(ReflashFlow.WRITE_CHUNKS) && fraction >= 0.3) {
                    Thread.currentThread().interrupt(); // the flow's own thread is told to stop
                }
            }
        };
        Outcome o;
        try (FfuFile file = FfuFile.open(ffu)) {
            o = FlowRunner.run(new ReflashFlow(d, file, "rm1104.ffu", Consent.given("test"), ReflashFlow.Bounds.standard()),
                    new FlowContext(bus, bus.clock(), d.port(), List.of(stopper)));
        }
        assertThat(o.reason()).as(o.toString()).isEqualTo(Reason.INTERRUPTED);
        assertThat(o.nextStep()).contains("resume");
        assertThat(phone.flashingIncomplete()).isTrue();
    }
}
