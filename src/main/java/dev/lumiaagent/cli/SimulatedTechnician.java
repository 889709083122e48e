package dev.lumiaagent.cli;

import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.transport.PortPath;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * On an in-process simulated bench nobody stands at the phones, so this listener plays the person:
 * when a flow asks for a key sequence, it "holds Volume-Down + Power" on that simulated phone a few
 * seconds (of bench time) later. Used only with --simulate / --bench; real runs wait for a person.
 */
final class SimulatedTechnician implements FlowListener, AutoCloseable {
    private static final Duration REACTION = Duration.ofSeconds(4);
    private final SimBus bus;
    private final PrintWriter out;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "simulated-technician");
        t.setDaemon(true);
        return t;
    });

    SimulatedTechnician(SimBus bus, PrintWriter out) {
        this.bus = bus;
        this.out = out;
    }

    @Override
    public void actionRequired(PortPath port, String step, List<String> instructions) {
        long nanos = bus.clock().toReal(REACTION).toNanos();
        timer.schedule(() -> {
            synchronized (out) {
                out.println("      (simulated technician on " + port + ": holding Volume-Down + Power until it vibrates)");
                out.flush();
            }
            bus.keyReset(port);
        }, nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
