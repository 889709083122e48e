package dev.lumiaagent.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the agent's command line in-process and captures what a person would see. */
final class CliRunner {
    record Result(int exitCode, String out, String err) {
    }

    static Result run(String... args) {
        return run(new StringWriter(), args);
    }

    /** As {@link #run(String...)}, printing to {@code out}, which the test may watch while the command runs. */
    static Result run(StringWriter out, String... args) {
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private CliRunner() {
    }
}
