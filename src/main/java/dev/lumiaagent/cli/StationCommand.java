package dev.lumiaagent.cli;

import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.bench.Station;
import dev.lumiaagent.bench.Tally;
import java.io.IOException;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lumia-agent station JOB}: plug a phone in and it runs, until stopped. */
@Command(name = "station", mixinStandardHelpOptions = true,
        description = {"Runs until stopped (Ctrl-C): every phone that attaches in a mode the job can start from gets the job "
                + "(info, soft-reset, hard-reset, reflash, emergency), at most --max-parallel at once. A phone's own restarts "
                + "during its job are part of the job; the same phone plugged in again after its job is left alone unless "
                + "--rerun-on-reconnect; another phone on the same port is a new job.",
                "Ctrl-C stops taking phones and stops the running jobs, which stay resumable with `lumia-agent resume`."})
final class StationCommand extends BenchCommandBase {
    @Option(names = "--rerun-on-reconnect", description = "Run the job again on a phone that is plugged in again after its job.")
    boolean rerunOnReconnect;

    @Option(names = "--stop-after", paramLabel = "N", description = "Stop once N jobs have ended (for scripts and demos).")
    Integer stopAfter;

    @Option(names = "--for", paramLabel = "DURATION", description = "Stop after this long, e.g. 90s, 30m, 8h (running jobs finish first).")
    String runFor;

    @picocli.CommandLine.Mixin
    WebOptions web;

    @Override
    public Integer call() throws IOException {
        Duration limit = runFor == null ? null : parseDuration(runFor);
        if (stopAfter != null && stopAfter < 1) {
            throw new IllegalArgumentException("--stop-after takes a positive number of jobs");
        }
        if (web.enabled()) {
            web.settings(); // refused before anything starts: a non-loopback address without a token
        }
        java.util.concurrent.CountDownLatch webStop = new java.util.concurrent.CountDownLatch(1);
        return execute("station", new BenchRun.Body() {
            private Station station;

            @Override
            public String header(JobContext ctx) {
                return "on " + ctx.bus().describe() + ": plug phones in; at most " + ctx.settings().maxParallel() + " at once"
                        + (rerunOnReconnect ? ", phones plugged in again are run again" : "") + ". Ctrl-C stops";
            }

            @Override
            public void run(JobContext ctx, dev.lumiaagent.job.JobSpec spec) throws InterruptedException {
                station = new Station(ctx, spec, rerunOnReconnect);
                // --web: the bench served live; POST /api/v1/station/stop counts webStop down (as Ctrl-C, jobs stay resumable)
                try (StationWeb.Served served = StationWeb.serve(web, ctx, spec, webStop, StationCommand.this.spec.commandLine().getOut())) {
                    station.start();
                    long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
                    while (System.nanoTime() < deadline && webStop.getCount() > 0) {
                        if (stopAfter != null && station.awaitFinished(stopAfter, Duration.ofMillis(200))) {
                            break;
                        } else if (stopAfter == null) {
                            webStop.await(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                        }
                    }
                    // stop taking phones; the running jobs finish (stopped from the dashboard: they are interrupted)
                    station.stop(webStop.getCount() == 0 ? Duration.ZERO : Duration.ofDays(1));
                } catch (InterruptedException e) {
                    try {
                        station.stop(Duration.ZERO); // interrupt the running jobs: they stay resumable
                    } catch (InterruptedException again) {
                        Thread.currentThread().interrupt();
                    }
                    throw e;
                }
            }

            @Override
            public Tally tally() {
                return station == null ? new Tally() : station.tally();
            }
        });
    }

    /** 90s, 30m, 8h, 2d, or an ISO-8601 duration (PT30M). */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.startsWith("pt") || t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            switch (t.charAt(t.length() - 1)) {
                case 's': return Duration.ofSeconds(n);
                case 'm': return Duration.ofMinutes(n);
                case 'h': return Duration.ofHours(n);
                case 'd': return Duration.ofDays(n);
                default: break;
            }
        } catch (RuntimeException e) {
            // fall through to the named error
        }
        throw new IllegalArgumentException("--for takes a duration like 90s, 30m, 8h or 2d, not '" + text + "'");
    }
}
