package dev.lumiaagent.flow;

import dev.lumiaagent.protocol.wire.DeviceRefusal;
import dev.lumiaagent.protocol.wire.ProtocolException;
import dev.lumiaagent.time.AgentClock;
import dev.lumiaagent.time.Deadline;
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
 * {@link #step}, which reports start and finish, holds the step to its bound, and turns transport and
 * protocol faults and device refusals into named outcomes (DESIGN §4). Listener failures never reach
 * the flow. Knows no protocol: a refusal is a {@link DeviceRefusal}, whichever protocol said it.
 */
public final class FlowContext {
    private static final Logger LOG = LoggerFactory.getLogger(FlowContext.class);
    /**
     * How long past its bound a step may still return: a wait cut at the step's deadline comes back a
     * poll later, and the body then says what it found ("the phone did not return"), which names the
     * outcome better than the step's timeout would.
     */
    static final Duration GRACE = Duration.ofSeconds(1);

    private final Bus bus;
    private final AgentClock clock;
    private final PortPath port;
    private final List<FlowListener> listeners;
    /** The running step's deadline on {@link #clock}; null between steps. Set by the flow's thread, read by any. */
    private volatile Deadline stepDeadline;

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
     * The running step's deadline on the flow's clock (its bound from when it started, never later than
     * that of a step around it): a wait inside the step takes the shorter of its own bound and what is
     * left of this, {@link #within(Duration)}. Between steps, and in a step without a bound, a deadline
     * that never passes.
     */
    public Deadline deadline() {
        Deadline d = stepDeadline;
        return d != null ? d : Deadline.none(clock);
    }

    /**
     * A wait's own {@code bound} from now, cut at the running step's deadline: what
     * {@link PhoneWatcher#awaitArrival(java.util.function.Predicate, Deadline, PhoneWatcher.Tick)} and
     * its kin take, so no wait inside a step outlasts the step.
     */
    public Deadline within(Duration bound) {
        return Deadline.after(clock, bound).min(deadline());
    }

    /**
     * Runs a named step under a deadline of its {@code bound} on the flow's clock ({@link #deadline()}).
     * A {@link FlowFailure} passes through; transport and protocol faults and device refusals become one
     * with the step named in it. A step still running past its bound ends in {@link Reason#STEP_TIMEOUT}:
     * checked when the body returns, or gives up on a transfer timeout (a wait that ran out because the
     * step's time did). A zero (or negative) bound is no bound: a step that only hands over to a person
     * or decides, reported as such. The check allows {@link #GRACE} for a body to report on a wait that
     * ended at the deadline.
     *
     * <p>On a clock that runs faster than real time (a simulated bench), the host's own work — transfers,
     * whose timeouts are real time, and computing — does not speed up with it, so such a step is overdue
     * only once its bound has passed in real time as well; on the system clock the two are the same.
     */
    public <T> T step(String name, String description, Duration bound, StepBody<T> body) throws InterruptedException {
        emit(l -> l.stepStarted(port, name, description, bound));
        boolean bounded = !bound.isNegative() && !bound.isZero();
        Deadline own = bounded ? Deadline.after(clock, bound) : Deadline.none(clock);
        Deadline overdue = bounded ? Deadline.after(clock, bound.plus(GRACE)) : own;
        if (bounded && clock.realPerVirtual() < 1.0) {
            overdue = overdue.max(Deadline.after(AgentClock.system(), bound.plus(GRACE)));
        }
        Deadline outer = stepDeadline;
        stepDeadline = outer == null ? own : own.min(outer);
        T result;
        try {
            result = body.run();
        } catch (FlowFailure f) {
            throw finished(name, f);
        } catch (TransportException | ProtocolException | DeviceRefusal e) {
            throw finished(name, e instanceof TransferTimeout && overdue.expired() ? overran(name, bound, e) : translate(name, e));
        } finally {
            stepDeadline = outer;
        }
        if (overdue.expired()) {
            throw finished(name, overran(name, bound, null));
        }
        emit(l -> l.stepFinished(port, name, true, ""));
        return result;
    }

    private FlowFailure finished(String name, FlowFailure f) {
        emit(l -> l.stepFinished(port, name, false, f.outcome().summary()));
        return f;
    }

    /** A step past its bound: named with the bound, and what the last wait said when one gave up. */
    private FlowFailure overran(String step, Duration bound, RuntimeException last) {
        String within = bound.toSeconds() < 1 ? bound.toMillis() + " ms" : PhoneWatcher.human(bound);
        return new FlowFailure(Reason.STEP_TIMEOUT, step + " did not finish within its bound of " + within + " on " + port
                + (last == null ? "" : " (" + last.getMessage() + ")") + ".",
                "Check the phone's screen and `lumia-agent devices`: if the phone is not listed or not in the mode the step needs, "
                        + "unplug and replug it (hold Volume-Down + Power for 10 s if it is dark), then run the command again; "
                        + "the agent starts from whatever mode the phone is in.");
    }

    /** The named outcome for a fault below the flow, in the words of the step it hit. */
    public FlowFailure translate(String step, RuntimeException e) {
        if (e instanceof DeviceRefusal) {
            DeviceRefusal r = (DeviceRefusal) e;
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

    /** A step waits for the phone: {@code waited} so far of {@code bound} ({@link FlowListener#waiting}). */
    public void waiting(String step, Duration waited, Duration bound, String status) {
        emit(l -> l.waiting(port, step, waited, bound, status));
    }

    public void actionRequired(String step, List<String> instructions) {
        emit(l -> l.actionRequired(port, step, instructions));
    }

    public void gate(dev.lumiaagent.flow.gate.GateResult result) {
        emit(l -> l.gate(port, result));
    }

    /** What was erased, or a verification performed ({@link FlowListener#evidence}). */
    public void evidence(Evidence evidence) {
        emit(l -> l.evidence(port, evidence));
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
