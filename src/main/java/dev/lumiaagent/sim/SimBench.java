package dev.lumiaagent.sim;

import dev.lumiaagent.time.AgentClock;

/** Builds an in-process simulated bus from a bench spec. */
public final class SimBench {
    private SimBench() {
    }

    public static SimBus start(BenchSpec spec) {
        return start(spec, AgentClock.scaled(spec.clockSpeed()));
    }

    public static SimBus start(BenchSpec spec, AgentClock clock) {
        SimBus bus = new SimBus(clock);
        for (BenchSpec.PhoneSpec p : spec.phones()) {
            bus.attach(p.port(), p.build());
            if (!p.hub().equals(BenchSpec.HUB_PPPS)) {
                bus.hubCannotSwitch(p.port(), p.hub());
            }
        }
        return bus;
    }
}
