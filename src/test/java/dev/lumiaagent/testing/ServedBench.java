package dev.lumiaagent.testing;

import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.sim.SimServer;
import dev.lumiaagent.time.AgentClock;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A simulated bench (200× clock) the test plugs phones into, served on a loopback port so that agents in
 * this or another process reach it with {@code --bus sim://…}; closed after each test.
 * Use with {@code @RegisterExtension final ServedBench bench = new ServedBench();}.
 */
public final class ServedBench implements AfterEachCallback {
    private final SimBus bus = new SimBus(AgentClock.scaled(200));
    private SimServer server;

    public SimBus bus() {
        return bus;
    }

    /** Starts serving (once) and returns the {@code sim://127.0.0.1:PORT} address. */
    public synchronized String uri() {
        if (server == null) {
            try {
                server = SimServer.start(bus, 0);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("could not serve the simulated bench on loopback", e);
            }
        }
        return server.uri();
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
        bus.close();
    }
}
