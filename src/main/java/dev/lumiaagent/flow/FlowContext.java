package dev.lumiaagent.flow;

import dev.lumiaagent.protocol.flashapp.NokRefused;
import dev.lumiaagent.protocol.wire.ProtocolException;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.transport.AccessDenied;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.DeviceGone;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.TransferTimeout;
import dev.lumiaagent.transport.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One flow's run on one phone: the bus, the clock, the port, and the listeners. Steps run through
 * {@link #step}, which reports start and finish, and turns transport and protocol faults into named
 * outcomes (DESIGN §4). Listener failures never reach the flow.
 */
public final class FlowContext {
    private static final Logger LOG = LoggerFactory.getLogger(FlowContext.class);

    private final Bus bus;
    private final AgentClock clock;
    private final PortPath port;
    private final List<FlowListener> listeners;

    public FlowContext(Bus bus, AgentClock clock, PortPath port, List<FlowListener> listeners) {
        this.bus = bus;
        this.clock = clock;
        this.port = port;
        this.listeners = List.copyOf(listeners);
    }

    public Bus bus() {
        return bus;
    }

    public AgentClock clock() {
        return clock;
    }

    public PortPath port() {
        return port;
    }

    /** A step's body. */
    @FunctionalInterface
    public interface StepBody<T> {
        T run() throws InterruptedException;
    }

    /**
     * Runs a named step. A {@link FlowFailure} passes through; transport and protocol faults become
     * one with the step named in it.
     */
    public <T> T step(String name, String description, Duration bound, StepBody<T> body) throws InterruptedException {
        emit(l -> l.stepStarted(port, name, description, bound));
        try {
            T result = body.run();
            emit(l -> l.stepFinished(port, name, true, ""));
            return result;
        } catch (FlowFailure f) {
            emit(l -> l.stepFinished(port, name, false, f.outcome().summary()));
            throw f;
        } catch (TransportException | ProtocolException | NokRefused e) {
            FlowFailure f = translate(name, e);
            emit(l -> l.stepFinished(port, name, false, f.outcome().summary()));
            throw f;
        }
    }

    /** The named outcome for a fault below the flow, in the words of the step it hit. */
    public FlowFailure translate(String step, RuntimeException e) {
        if (e instanceof NokRefused) {
            NokRefused r = (NokRefused) e;
            return new FlowFailure(r.unsupported() ? Reason.UNSUPPORTED_COMMAND : Reason.DEVICE_REJECTED,
                    step + ": " + e.getMessage() + ".", r.nextStep());
        }
        if (e instanceof DeviceGone) {
            return new FlowFailure(Reason.PHONE_LEFT, step + ": the phone left the USB bus (" + e.getMessage() + ").",
                    ((DeviceGone) e).nextStep());
        }
        if (e instanceof TransferTimeout) {
            return new FlowFailure(Reason.PHONE_NOT_ANSWERING, step + ": the phone did not answer (" + e.getMessage() + ").",
                    ((TransferTimeout) e).nextStep());
        }
        if (e instanceof AccessDenied) {
            return new FlowFailure(Reason.ACCESS_DENIED, step + ": " + e.getMessage(), ((AccessDenied) e).nextStep());
        }
        if (e instanceof TransportException) {
            return new FlowFailure(Reason.PHONE_NOT_ANSWERING, step + ": " + e.getMessage(), ((TransportException) e).nextStep());
        }
        return new FlowFailure(Reason.PROTOCOL_DESYNC, step + ": the phone's answer did not parse (" + e.getMessage() + ").",
                "Unplug and replug the phone, then run the command again. If it repeats, run with -v and send the output to the maintainers.");
    }

    public void progress(String step, double fraction, String status) {
        emit(l -> l.progress(port, step, fraction, status));
    }

    public void actionRequired(String step, List<String> instructions) {
        emit(l -> l.actionRequired(port, step, instructions));
    }

    public void gate(dev.lumiaagent.flow.gate.GateResult result) {
        emit(l -> l.gate(port, result));
    }

    void planned(String flow, List<String> steps) {
        emit(l -> l.planned(port, flow, steps));
    }

    void finished(String flow, Outcome outcome) {
        emit(l -> l.finished(port, flow, outcome));
    }

    private void emit(Consumer<FlowListener> event) {
        for (FlowListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("a flow listener failed: {}", e.toString());
            }
        }
    }
}
