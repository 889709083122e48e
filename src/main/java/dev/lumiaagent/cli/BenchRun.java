package dev.lumiaagent.cli;

import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.bench.Tally;
import dev.lumiaagent.flow.FlowListener;
import dev.lumiaagent.job.JobJournal;
import dev.lumiaagent.sim.SimBus;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.PortPath;
import ch.qos.logback.classic.Level;
import dev.lumiaagent.job.JobLog;
import dev.lumiaagent.transport.TracingBus;
import dev.lumiaagent.job.JobPlans;
import dev.lumiaagent.job.JobSpec;
import dev.lumiaagent.flow.gate.Consent;
import java.util.Optional;
import dev.lumiaagent.job.JobSettings;
import dev.lumiaagent.job.FirmwareFiles;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStoreException;
import java.io.IOException;
import dev.lumiaagent.view.BenchView;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.time.Duration;
import dev.lumiaagent.bench.Bench;

/** What {@code batch} and {@code station} do alike: store, bus, console, per-job extras, Ctrl-C, tally, exit code. */
final class BenchRun {
    private BenchRun() {
    }

    /** A bench command's own work on the prepared context. */
    interface Body {
        /** Says what is about to happen (one line). */
        String header(JobContext ctx);

        /** Runs until done; interrupted by Ctrl-C. {@code spec}: the job every phone gets (null for resume: each phone its own). */
        void run(JobContext ctx, JobSpec spec) throws InterruptedException;

        /** The jobs that ended, also after an interruption. */
        Tally tally();
    }

    /**
     * Opens the record store (a failure is printed with its next step, exit 6), the bus with a protocol
     * trace per job, the console; builds the job; runs the body with Ctrl-C turned into an interruption
     * that leaves running jobs resumable; prints the tally; returns the exit code.
     */
    static int execute(String kind, String job, CommandSpec spec, BusOptions busOptions, BenchOptions bench, JobOptions jobs,
                       StoreOptions storeOptions, Body body) throws IOException {
        String j = BenchOptions.checkJob(job);
        return execute(kind, j, spec, busOptions, bench.settings(jobs.certify, j, spec.commandLine().getOut()), out -> bench.job(j, out), jobs,
                storeOptions, body);
    }

    /** How a run gets its spec (null for resume) and the consent given for it, once the console is up. */
    interface Preparing {
        BenchOptions.Built prepare(PrintWriter out) throws IOException;
    }

    /** As above, for a run whose job is not one spec for every phone ({@code resume}: each phone its own job). */
    static int execute(String kind, String j, CommandSpec spec, BusOptions busOptions, JobSettings settings, Preparing preparing,
                       JobOptions jobs, StoreOptions storeOptions, Body body) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        boolean terminal = System.console() != null;
        BenchConsole console = new BenchConsole(out, terminal, new BenchView(busOptions.clock(), kind + (j == null ? "" : " " + j)),
                terminal ? ScreenSize.ofTerminal() : ScreenSize.fromEnvironment());
        List<AutoCloseable> toClose = new ArrayList<>(List.of(console));
        // A store that cannot be opened does not stop the run (as with a single phone): every job still has its
        // job file, and `resume` and `jobs` work from those; the line says so before anything is done.
        RecordStore store = storeOptions.openOrWarn(spec.commandLine().getErr());
        String records = store == null ? "job files only (the record store cannot be opened)" : store.describe();
        StopOnShutdown stop = null;
        try (Bus raw = busOptions.open(); TracingBus bus = new TracingBus(raw)) {
            BenchOptions.Built built = preparing.prepare(out);
            Consent consent = built.consent();
            JobContext ctx = new JobContext(bus, busOptions.clock(), settings, jobs.journal(), store,
                    newRunId(kind), console, perJob(raw, bus, jobs.journal().dir(), out, toClose),
                    new JobPlans.Means(consent, Optional.of(new FirmwareFiles(console::note)), console::note), JobOptions.certifying(j, jobs.certify.keyDir()));
            out.println(kind + (j == null ? "" : " " + j) + " " + body.header(ctx) + "; station " + settings.station() + ", operator "
                    + settings.operator() + (settings.site() == null ? "" : ", site " + settings.site()) + "; records in " + records);
            out.flush();
            stop = new StopOnShutdown(Thread.currentThread());
            boolean interrupted = false;
            try {
                body.run(ctx, built.spec());
            } catch (InterruptedException e) {
                interrupted = true;
            }
            // A signal that came after the body returned still stops the run; the flag is cleared so that closing
            // the store and the bus below is not cut short by it.
            interrupted |= stop.fired() | Thread.interrupted();
            // a batch, and a station session, end with the summary of their certificates (resume's jobs belong to their runs)
            String certificates = "batch".equals(kind) || "station".equals(kind) ? summarize(ctx, console) : null;
            String title = Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + (j == null ? "" : " " + j);
            console.printTally(title + (interrupted ? " stopped (Ctrl-C): interrupted jobs are resumable with "
                    + Tally.resumeCommand("P") + " (listed below); queued phones were not started" : ""), body.tally(), records);
            if (certificates != null) {
                out.println(certificates);
                out.flush();
            }
            return exitCode(body.tally(), interrupted);
        } finally {
            closeAll(toClose);
            if (store != null) {
                store.close();
            }
            if (stop != null) {
                stop.done();
            }
        }
    }

    /**
     * A batch (or a station session) of erasing jobs ends with one summary of its certificates (counts, each phone, each certificate's SHA-256),
     * signed like them, stored as {@code batch-<run id>} and audited; `lumia-agent certificate --since` writes it out.
     */
    private static String summarize(JobContext ctx, BenchConsole console) {
        if (ctx.store() == null || ctx.certifying().key().isEmpty()) {
            return null;
        }
        try {
            List<dev.lumiaagent.record.JobRecord> jobs = ctx.store().jobs(null).stream().filter(r -> ctx.runId().equals(r.runId)).toList();
            if (jobs.isEmpty() || jobs.stream().noneMatch(r -> CertifyOptions.ERASING.contains(r.command))) {
                return null;
            }
            List<dev.lumiaagent.record.StoredCertificate> rows = new ArrayList<>();
            for (dev.lumiaagent.record.JobRecord r : jobs) {
                ctx.store().certificate(r.jobId).ifPresent(rows::add);
            }
            dev.lumiaagent.certificate.Decision.Issued summary = dev.lumiaagent.certificate.BatchSummary.of(ctx.runId(), jobs, rows,
                    ctx.certifying().key().get(), new dev.lumiaagent.certificate.Tool("lumia-agent", Main.version()), Instant.now());
            ctx.store().saveCertificate(summary.row());
            ctx.store().audit().append(ctx.settings().station(), ctx.settings().operator(), summary.row().jobId(), null,
                    dev.lumiaagent.job.Certifying.ISSUED_EVENT, "batch summary: JSON SHA-256 " + summary.row().jsonSha256()
                            + ", PDF SHA-256 " + summary.row().pdfSha256() + ", " + rows.stream().filter(
                                    dev.lumiaagent.record.StoredCertificate::isIssued).count() + " certificates of " + jobs.size() + " jobs");
            long issued = rows.stream().filter(dev.lumiaagent.record.StoredCertificate::isIssued).count();
            return "Certificates: " + issued + " issued, " + (rows.size() - issued) + " refused (each with its reason); summary "
                    + summary.row().jobId() + " — `lumia-agent certificate --since 24h -o DIR` writes them";
        } catch (RuntimeException e) {
            return "The batch summary of the certificates could not be made or stored: " + e.getMessage();
        }
    }

    /** A run id that sorts by time: the first job id form, prefixed. */
    static String newRunId(String kind) {
        return kind + "-" + JobJournal.newId(Instant.now());
    }

    /**
     * Per-job extras, next to the job file in the jobs directory: the job's own log ({@code ID.log}: its
     * steps, progress, gates, outcome, and the agent's log lines for that job, protocol packets included)
     * and the protocol trace of its phone ({@code ID.trace}: every transfer on its port while the job runs)
     * — what {@code lumia-agent diag} bundles. On an in-process simulated bench, also the simulated
     * technician who presses the keys a guided step asks for (nobody stands at simulated phones).
     */
    static JobContext.PerJob perJob(Bus raw, TracingBus tracing, Path jobsDir, PrintWriter out, List<AutoCloseable> toClose) {
        SimBus sim = BusOptions.simulated(raw);
        SimulatedTechnician technician = sim != null ? new SimulatedTechnician(sim, out) : null;
        if (technician != null) {
            toClose.add(technician);
        }
        JobLogAppender.install(Level.INFO);
        toClose.add(JobLogAppender::uninstall);
        return (jobId, port) -> {
            JobLog log = JobLog.open(jobsDir.resolve(jobId + ".log"), Clock.systemUTC()).register(jobId);
            tracing.traceTo(port, jobsDir.resolve(jobId + ".trace"));
            JobOptions.noteCapture(raw, jobsDir, jobId);
            return new JobContext.Extras() {
                @Override
                public List<FlowListener> listeners() {
                    List<FlowListener> l = new ArrayList<>();
                    l.add(log);
                    if (technician != null) {
                        l.add(technician);
                    }
                    return l;
                }

                @Override
                public void note(String line) {
                    log.note(line);
                }

                @Override
                public void close() {
                    tracing.stopTracing(port);
                    log.close();
                }
            };
        };
    }

    /** How long the shutdown hook waits for the stopped run: the workers' bound, then the tally and closing the store. */
    static final Duration SHUTDOWN_BOUND = Bench.STOP_BOUND.plusSeconds(5);

    /**
     * Ctrl-C (SIGINT) or SIGTERM during a run. The JVM runs its shutdown hooks and then exits with the
     * signal's status (143 for SIGTERM), and while they run a {@code System.exit} blocks for good. So the
     * hook interrupts the main thread (the workers stop, their jobs end INTERRUPTED with their last
     * checkpoint written), waits — bounded — only for the run to say it is done (tally printed, store and
     * bus closed), and then ends the process itself with 130. It never joins the main thread: after the run
     * the main thread is inside {@code System.exit}, which never returns while the hook runs (the 30 s hang
     * of issue "Step 3 of 7").
     */
    static final class StopOnShutdown {
        private final CountDownLatch done = new CountDownLatch(1);
        private final AtomicBoolean fired = new AtomicBoolean();
        private final Thread hook;

        StopOnShutdown(Thread main) {
            hook = new Thread(() -> {
                fired.set(true);
                main.interrupt();
                boolean finished;
                try {
                    finished = done.await(SHUTDOWN_BOUND.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    finished = false;
                }
                if (!finished) {
                    System.err.println("stopping took longer than " + SHUTDOWN_BOUND.toSeconds() + " s; exiting. Unfinished jobs stay "
                            + "RUNNING in their job files: `lumia-agent jobs`, then `lumia-agent resume --port P`.");
                }
                Main.haltFromShutdownHook(ExitCode.INTERRUPTED.code());
            }, "bench-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        /** The hook started: the run was stopped from outside. */
        boolean fired() {
            return fired.get();
        }

        /** The run is over (tally printed, everything closed): the hook, if it runs, may end the process now. */
        void done() {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook is running and ends the process
            }
        }
    }

    static int exitCode(Tally tally, boolean interrupted) {
        if (interrupted) {
            return ExitCode.INTERRUPTED.code();
        }
        if (tally.failed() > 0) {
            return ExitCode.FAILED.code();
        }
        if (tally.total() == 0) {
            return ExitCode.NO_PHONE.code();
        }
        return tally.allSucceeded() ? ExitCode.OK.code() : ExitCode.INCOMPLETE.code();
    }

    static void closeAll(List<AutoCloseable> all) {
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                // closing listeners at the end of a run
            }
        }
    }

    static java.util.Optional<java.util.Set<PortPath>> ports(String spec) {
        if (spec == null || spec.isBlank() || spec.equalsIgnoreCase("all")) {
            return java.util.Optional.empty();
        }
        java.util.Set<PortPath> set = new java.util.LinkedHashSet<>();
        for (String p : spec.split(",")) {
            if (!p.isBlank()) {
                set.add(PortPath.parse(p.trim()));
            }
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException("--ports takes all, or port paths separated by commas (1-1.3,1-1.4)");
        }
        return java.util.Optional.of(set);
    }
}
