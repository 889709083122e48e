package dev.lumiaagent.cli;

import dev.lumiaagent.bench.Station;
import dev.lumiaagent.bench.Tally;
import dev.lumiaagent.flow.gate.Consent;
import dev.lumiaagent.job.Job;
import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.web.ApiError;
import dev.lumiaagent.web.Controls;
import dev.lumiaagent.web.WebServer;
import dev.lumiaagent.web.WebSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code lumia-agent serve}: the dashboard without a station running — history, records, reports, diagnostics —
 * and, with a token, a station started, stopped and jobs resumed from it, on the bus the usual options select. A
 * station started here runs through the same BenchRun and Station as {@code station JOB}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves the dashboard (a live page and a REST API under /api/v1, described at /api/v1/openapi.json) on "
                + "127.0.0.1:" + WebSettings.DEFAULT_PORT + " (or --web [ADDR:]PORT) until stopped (Ctrl-C): the job history, the "
                + "records report and each job's log, trace and diagnostics bundle; with --web-token, the controls too: start "
                + "a station job (POST /api/v1/station/start) on the bus chosen by the bus options, stop it, resume an "
                + "interrupted job. An erasing job needs \"consent\": true in the request, as --yes on the command line."})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    WebOptions web;

    @Mixin
    BusOptions busOptions;

    @Mixin
    BenchOptions bench;

    @Mixin
    JobOptions jobs;

    @Mixin
    StoreOptions storeOptions;

    @CommandLine.Option(names = "--rerun-on-reconnect", description = "Stations started from the dashboard run the job again on a phone "
            + "plugged in again after its job.")
    boolean rerunOnReconnect;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (bench.ffu != null || bench.firmwareDir != null || bench.method != null || bench.programmer != null || bench.productType != null
                || bench.consent.yes || bench.consent.policy != null) {
            throw new IllegalArgumentException("serve takes each station's job, its files and the owner's consent from the dashboard "
                    + "(POST /api/v1/station/start with {\"command\", \"params\", \"consent\"}), not from the command line; leave out "
                    + "--ffu, --firmware-dir, --method, --programmer, --product-type, --yes and --consent-policy");
        }
        WebSettings settings = web.settings();
        java.util.List<dev.lumiaagent.web.FleetFile.Station> fleet = web.fleet(); // checked before anything starts
        JobJournal journal = jobs.journal();
        RecordStore store = storeOptions.openOrWarn(spec.commandLine().getErr());
        Stations stations = new Stations(out);
        BenchRun.StopOnShutdown stop = null;
        try (WebServer server = new WebServer(settings, null, store, journal, stations).fleet(fleet)) {
            stations.server = server;
            try {
                server.start();
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            out.println("serve: jobs in " + journal.dir() + "; records in " + (store == null ? "job files only" : store.describe()));
            out.println(server.startLine());
            if (!fleet.isEmpty()) {
                out.println("fleet: " + fleet.size() + " station" + (fleet.size() == 1 ? "" : "s") + " polled every 2 s ("
                        + fleet.stream().map(dev.lumiaagent.web.FleetFile.Station::name).collect(java.util.stream.Collectors.joining(", "))
                        + "): the page's Fleet tab, GET /api/v1/fleet");
            }
            out.println("Ctrl-C stops.");
            out.flush();
            stop = new BenchRun.StopOnShutdown(Thread.currentThread());
            try {
                new CountDownLatch(1).await(); // until Ctrl-C
            } catch (InterruptedException e) {
                stations.shutdown();
            }
            out.println("serve stopped.");
            out.flush();
            return ExitCode.INTERRUPTED.code();
        } finally {
            if (store != null) {
                store.close();
            }
            if (stop != null) {
                stop.done();
            }
        }
    }

    /** The controls: one station (or one resume) at a time, each in its own thread, through BenchRun as the CLI runs them. */
    private final class Stations implements Controls {
        private final PrintWriter out;
        WebServer server;
        private Thread running;
        private CountDownLatch stopRequest;
        private StationState state;

        Stations(PrintWriter out) {
            this.out = out;
        }

        @Override
        public synchronized StationState station() {
            return state != null && running != null && running.isAlive() ? state : StationState.idle(null);
        }

        private void refuseWhileBusy() {
            if (running != null && running.isAlive()) {
                throw new ApiError(409, "a " + (state != null ? state.command() + " station" : "resume") + " is running",
                        "stop it first with POST /api/v1/station/stop");
            }
        }

        @Override
        public synchronized StationState start(JobSpec job, String consent) {
            refuseWhileBusy();
            CountDownLatch stopNow = new CountDownLatch(1);
            Consent given = consent == null ? Consent.none() : Consent.given(consent);
            StationState s = new StationState(true, job.command(), job.params(), consent, Instant.now().toString(), null, true);
            Thread t = new Thread(() -> runStation(job, given, stopNow), "web-station");
            t.setDaemon(true);
            stopRequest = stopNow;
            state = s;
            running = t;
            t.start();
            return s;
        }

        private void runStation(JobSpec job, Consent consent, CountDownLatch stopNow) {
            try {
                BenchRun.execute("station", job.command(), spec, busOptions, bench.settingsWithoutAsking(jobs.certify, job.command(), spec.commandLine().getOut()), o -> new BenchOptions.Built(job, consent),
                        jobs, storeOptions, new BenchRun.Body() {
                            private Station station;

                            @Override
                            public String header(JobContext ctx) {
                                return "started from the dashboard on " + ctx.bus().describe() + ": plug phones in; at most "
                                        + ctx.settings().maxParallel() + " at once";
                            }

                            @Override
                            public void run(JobContext ctx, JobSpec s) throws InterruptedException {
                                server.showBench(StationWeb.viewOf(ctx));
                                station = new Station(ctx, s, rerunOnReconnect).start();
                                try {
                                    stopNow.await();
                                    station.stop(Duration.ZERO); // as Ctrl-C: running jobs are interrupted, resumable
                                } catch (InterruptedException e) {
                                    station.stop(Duration.ZERO);
                                    throw e;
                                }
                            }

                            @Override
                            public Tally tally() {
                                return station == null ? new Tally() : station.tally();
                            }
                        });
            } catch (IOException | RuntimeException e) {
                synchronized (out) {
                    out.println("error: the station started from the dashboard failed: " + e.getMessage());
                    out.flush();
                }
            }
        }

        @Override
        public StationState stop() {
            Thread t;
            synchronized (this) {
                if (running == null || !running.isAlive() || stopRequest == null) {
                    throw new ApiError(409, "no station is running", "start one with POST /api/v1/station/start");
                }
                stopRequest.countDown();
                t = running;
            }
            try {
                t.join(BenchRun.SHUTDOWN_BOUND.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                StationState s = state;
                return new StationState(t.isAlive(), s.command(), s.params(), s.consent(), s.started(), s.bus(), true);
            }
        }

        @Override
        public synchronized String resume(String jobId, String consent) {
            refuseWhileBusy();
            Job job = jobs.journal().load(jobId).orElseThrow(() -> new ApiError(404, "no job " + jobId, "list the jobs with GET /api/v1/jobs"));
            ResumeCommand r = new ResumeCommand();
            CommandLine cl = new CommandLine(r);
            cl.setOut(spec.commandLine().getOut());
            cl.setErr(spec.commandLine().getErr());
            r.busOptions = busOptions;
            r.jobs = jobs;
            r.storeOptions = storeOptions;
            r.port = job.port;
            r.maxParallel = 1;
            if (consent != null) {
                r.consentOptions.yes = true; // consent:true in the request, as --yes
            }
            state = null;
            stopRequest = null;
            Thread t = new Thread(() -> {
                try {
                    r.call();
                } catch (IOException | RuntimeException e) {
                    synchronized (out) {
                        out.println("error: resuming job " + jobId + " from the dashboard failed: " + e.getMessage());
                        out.flush();
                    }
                }
            }, "web-resume");
            t.setDaemon(true);
            running = t;
            t.start();
            return "resuming job " + jobId + " (" + job.command + ") on the phone of port " + job.port;
        }

        /** Ctrl-C: the running station stops (its jobs stay resumable); waited for, bounded. */
        void shutdown() {
            Thread t;
            synchronized (this) {
                if (stopRequest != null) {
                    stopRequest.countDown();
                }
                t = running;
            }
            if (t != null) {
                t.interrupt();
                try {
                    t.join(TimeUnit.MILLISECONDS.convert(BenchRun.SHUTDOWN_BOUND));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
