package dev.lumiaagent.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The options {@code batch} and {@code station} share: the job, the bus, the bench settings, the jobs directory, the store. */
abstract class BenchCommandBase implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB", description = "info, soft-reset, hard-reset, reflash or emergency.")
    String job;

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

    int execute(String kind, BenchRun.Body body) throws IOException {
        return BenchRun.execute(kind, job, spec, busOptions, bench, jobs, storeOptions, body);
    }
}
