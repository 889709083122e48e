package dev.lumiaagent.flow;

import dev.lumiaagent.protocol.wire.DeviceRefusal;
import dev.lumiaagent.protocol.wire.ProtocolException;
import dev.lumiaagent.transport.TransportException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a flow body and always ends in a named {@link Outcome}, reported to the listeners. */
public final class FlowRunner {
    private static final Logger LOG = LoggerFactory.getLogger(FlowRunner.class);

    private FlowRunner() {
    }

    /** A flow: plans its steps from the phone's mode, then runs them. */
    public interface Flow {
        String name();

        /** The fixed list of step names for this run. */
        List<String> plan();

        Outcome run(FlowContext ctx) throws InterruptedException;
    }

    public static Outcome run(Flow flow, FlowContext ctx) {
        Outcome outcome;
        try {
            ctx.planned(flow.name(), flow.plan());
            outcome = flow.run(ctx);
        } catch (FlowFailure f) {
            outcome = f.outcome();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = new Outcome(Reason.INTERRUPTED, flow.name() + " was stopped before it finished.",
                    "Check the phone's state with `lumia-agent devices`, then run the command again.");
        } catch (RuntimeException e) {
            LOG.debug("{} failed unexpectedly", flow.name(), e);
            FlowFailure f = e instanceof TransportException || e instanceof ProtocolException || e instanceof DeviceRefusal
                    ? ctx.translate(flow.name(), e)
                    : new FlowFailure(Reason.INTERNAL_ERROR, flow.name() + " failed unexpectedly: " + e,
                    "Run the command again with -v and send the output to the maintainers.");
            outcome = f.outcome();
        }
        if (!outcome.succeeded() && outcome.reason() != Reason.INTERRUPTED && Thread.currentThread().isInterrupted()) {
            // Stopped from outside (Ctrl-C, a station shutting down) while a step ran: what the step hit next (a
            // file channel closed by the interrupt, a wait cut short) is a consequence, not the phone's fault; the
            // job is unfinished and stays resumable.
            outcome = new Outcome(Reason.INTERRUPTED, flow.name() + " was stopped before it finished (" + outcome.summary() + ")",
                    "Check the phone's state with `lumia-agent devices`, then run `lumia-agent resume`.");
        }
        ctx.finished(flow.name(), outcome);
        return outcome;
    }
}
