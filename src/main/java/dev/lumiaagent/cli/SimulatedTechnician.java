package dev.lumiaagent.cli;

import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.flow.HardResetFlow;
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
 * seconds (of bench time) later; for a hard reset (told by the step name) it enters the hard-reset key
 * sequence, or taps Settings → reset as the owner would. Used only with --simulate / --bench; real runs wait for a person.
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
        String what;
        Runnable act;
        if (HardResetFlow.GUIDED_KEYS.equals(step)) {
            what = "Volume-Down + Power until it vibrates, Volume-Down until the \"!\", then quickly Up, Down, Power, Down";
            act = () -> bus.keyHardReset(port);
        } else if (HardResetFlow.SETTINGS_RESET.equals(step)) {
            what = "tapping Settings → about → reset your phone, Yes, Yes";
            act = () -> bus.settingsReset(port);
        } else {
            what = "holding Volume-Down + Power until it vibrates";
            act = () -> bus.keyReset(port);
        }
        timer.schedule(() -> {
            synchronized (out) {
                out.println("      (simulated technician on " + port + ": " + what + ")");
                out.flush();
            }
            try {
                act.run();
            } catch (IllegalStateException e) {
                synchronized (out) {
                    out.println("      (simulated technician on " + port + ": could not do it: " + e.getMessage() + ")");
                    out.flush();
                }
            }
        }, nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
