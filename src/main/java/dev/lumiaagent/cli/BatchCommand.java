package dev.lumiaagent.cli;

import dev.lumiaagent.bench.Bench;
import dev.lumiaagent.job.JobContext;
import dev.lumiaagent.job.JobSettings;
import dev.lumiaagent.bench.Tally;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lumia-agent batch JOB}: one job on every phone of the bench, one worker per port, under a cap. */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = {"Runs one job (info, soft-reset, hard-reset, reflash, emergency) on every phone on the chosen ports: "
                + "one worker per port, at most --max-parallel at once, the rest queued; faults that are safe to repeat are "
                + "retried after the phone is back and identified again. One line per port while it runs, a tally at the end.",
                "Every job is checkpointed (for `resume`) and recorded (store + audit log) before its outcome is printed. "
                + "Exit code 0 only when every phone succeeded; 1 when any failed; 8 when none failed but some were skipped."})
final class BatchCommand extends BenchCommandBase {
    @Option(names = "--ports", paramLabel = "all|P,P…", defaultValue = "all",
            description = "The ports to work on: all (every phone on the bus now), or port paths like 1-1.3,1-1.4.")
    String ports;

    @Override
    public Integer call() throws IOException {
        var portSet = BenchRun.ports(ports);
        return execute("batch", new BenchRun.Body() {
            private Bench run;

            @Override
            public String header(JobContext ctx) {
                JobSettings s = ctx.settings();
                return "on " + (portSet.isPresent() ? portSet.get().size() + " ports" : ctx.bus().devices().size() + " phones")
                        + " of " + ctx.bus().describe() + ": at most " + s.maxParallel() + " at once, " + s.retries() + " retr"
                        + (s.retries() == 1 ? "y" : "ies");
            }

            @Override
            public void run(JobContext ctx, dev.lumiaagent.job.JobSpec spec) throws InterruptedException {
                run = new Bench(ctx);
                run.batch(spec, portSet);
            }

            @Override
            public Tally tally() {
                return run == null ? new Tally() : run.tally();
            }
        });
    }
}
