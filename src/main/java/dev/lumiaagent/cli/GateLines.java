package dev.lumiaagent.cli;

import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.flow.gate.GateResult;
import dev.lumiaagent.transport.PortPath;
import java.io.PrintWriter;
import java.util.Locale;

/** Prints each pre-flight gate's verdict as it is decided. */
final class GateLines {
    private GateLines() {
    }

    static FlowListener printer(PrintWriter out) {
        return new FlowListener() {
            @Override
            public void gate(PortPath port, GateResult g) {
                synchronized (out) {
                    out.println("      gate " + g.gate().label() + ": " + g.verdict().name().toLowerCase(Locale.ROOT) + " — " + g.detail());
                    out.flush();
                }
            }
        };
    }
}
