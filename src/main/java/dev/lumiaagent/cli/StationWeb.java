package dev.lumiaagent.cli;

import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.web.ApiError;
import dev.lumiaagent.web.Controls;
import dev.lumiaagent.web.WebServer;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/**
 * {@code station … --web}: the running station's bench served live, and its controls: stop (as Ctrl-C: running
 * jobs are interrupted and stay resumable); no second station while this one runs; resume after it stops.
 */
final class StationWeb implements Controls {
    /** The dashboard while it serves; closing it stops serving. */
    interface Served extends AutoCloseable {
        @Override
        void close();
    }

    private final JobContext ctx;
    private final JobSpec spec;
    private final CountDownLatch stopRequest;
    private final String started = Instant.now().toString();
    private final WebServer server;
    private volatile boolean stopped;

    private StationWeb(WebOptions options, JobContext ctx, JobSpec spec, CountDownLatch stopRequest) {
        this.ctx = ctx;
        this.spec = spec;
        this.stopRequest = stopRequest;
        this.server = new WebServer(options.settings(), viewOf(ctx), ctx.store(), ctx.journal(), this).fleet(options.fleet());
    }

    /**
     * Serves the station's bench when {@code --web} was given (else nothing); {@code stopRequest} is counted down by
     * {@code POST /api/v1/station/stop}.
     */
    static Served serve(WebOptions options, JobContext ctx, JobSpec spec, CountDownLatch stopRequest, PrintWriter out) {
        if (options == null || !options.enabled()) {
            return () -> { };
        }
        StationWeb w = new StationWeb(options, ctx, spec, stopRequest);
        try {
            w.server.start();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        synchronized (out) {
            out.println(w.server.startLine());
            out.flush();
        }
        return w.server::close;
    }

    /** The bench view of a bench run's console (BenchRun makes the console the run's listener). */
    static dev.lumiaagent.view.BenchView viewOf(JobContext ctx) {
        dev.lumiaagent.job.JobListener l = ctx.listener();
        java.util.Optional<BenchConsole> console = l instanceof BenchConsole ? java.util.Optional.of((BenchConsole) l)
                : l instanceof dev.lumiaagent.job.Listeners ? ((dev.lumiaagent.job.Listeners) l).find(BenchConsole.class)
                : java.util.Optional.empty();
        return console.map(BenchConsole::view).orElseThrow(() -> new IllegalStateException("the bench run has no console"));
    }

    @Override
    public StationState station() {
        return new StationState(!stopped, spec.command(), spec.params(), spec.consent().orElse(null), started, ctx.bus().describe(), false);
    }

    @Override
    public StationState start(JobSpec other, String consent) {
        throw new ApiError(409, "a station is running here already (" + spec.command() + ")",
                "stop it first with POST /api/v1/station/stop, or run `lumia-agent serve` to start stations from the dashboard");
    }

    @Override
    public StationState stop() {
        stopped = true;
        stopRequest.countDown();
        return station();
    }

    @Override
    public String resume(String jobId, String consent) {
        throw new ApiError(409, "a station is running on this bus: resuming beside it could take its phones",
                "stop the station (POST /api/v1/station/stop), then resume with `lumia-agent resume` or from `lumia-agent serve`");
    }


}
