package dev.lumiaagent.cli;

import dev.lumiaagent.bench.Bench;
import dev.lumiaagent.bench.BenchContext;
import dev.lumiaagent.bench.BenchJob;
import dev.lumiaagent.bench.BenchSettings;
import dev.lumiaagent.bench.FirmwareFiles;
import dev.lumiaagent.bench.Tally;
import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStoreException;
import dev.lumiaagent.transport.Bus;
import dev.lumiaagent.transport.TracingBus;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lumia-agent batch JOB}: one job on every phone of the bench, one worker per port, under a cap. */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = {"Runs one job (info, soft-reset, hard-reset, reflash, emergency) on every phone on the chosen ports: "
                + "one worker per port, at most --max-parallel at once, the rest queued; faults that are safe to repeat are "
                + "retried after the phone is back and identified again. One line per port while it runs, a tally at the end.",
                "Every job is checkpointed (for `resume`) and recorded (store + audit log) before its outcome is printed. "
                + "Exit code 0 only when every phone succeeded; 1 when any failed; 8 when none failed but some were skipped."})
final class BatchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB", description = "info, soft-reset, hard-reset, reflash or emergency.")
    String job;

    @Option(names = "--ports", paramLabel = "all|P,P…", defaultValue = "all",
            description = "The ports to work on: all (every phone on the bus now), or port paths like 1-1.3,1-1.4.")
    String ports;

    @Mixin
    BusOptions busOptions;

    @Mixin
    BenchOptions bench;

    @Mixin
    JobOptions jobs;

    @Mixin
    StoreOptions storeOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        String j = BenchOptions.checkJob(job);
        var portSet = BenchRun.ports(ports);
        BenchSettings settings = bench.settings();
        BenchConsole console = new BenchConsole(out, System.console() != null);
        List<AutoCloseable> toClose = new ArrayList<>(List.of(console));
        RecordStore store;
        try {
            store = storeOptions.open();
        } catch (RecordStoreException e) {
            console.close();
            return StoreOptions.fail(e, spec.commandLine().getErr());
        }
        try (store; Bus raw = busOptions.open(); TracingBus bus = new TracingBus(raw)) {
            BenchJob benchJob = bench.job(j, out, new FirmwareFiles(console::note));
            BenchContext ctx = new BenchContext(bus, busOptions.clock(), benchJob, settings, jobs.journal(), store,
                    BenchRun.newRunId("batch"), console, BenchRun.perJob(raw, bus, jobs.journal().dir(), out, toClose));
            out.println("batch " + j + " on " + (portSet.isPresent() ? portSet.get().size() + " ports" : bus.devices().size() + " phones")
                    + " of " + bus.describe() + ": at most " + settings.maxParallel() + " at once, " + settings.retries() + " retr"
                    + (settings.retries() == 1 ? "y" : "ies") + "; station " + settings.station() + ", operator " + settings.operator()
                    + "; records in " + store.describe());
            out.flush();
            Thread hook = BenchRun.interruptOnShutdown(Thread.currentThread());
            Bench run = new Bench(ctx);
            boolean interrupted = false;
            try {
                run.batch(portSet);
            } catch (InterruptedException e) {
                interrupted = true;
            } finally {
                BenchRun.removeHook(hook);
            }
            Tally tally = run.tally();
            console.printTally("Batch " + j + (interrupted ? " (stopped; unfinished jobs stay resumable with `lumia-agent resume`)" : ""),
                    tally, store.describe());
            return BenchRun.exitCode(tally, interrupted);
        } finally {
            BenchRun.closeAll(toClose);
        }
    }
}
