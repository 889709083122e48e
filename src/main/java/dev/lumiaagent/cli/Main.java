package dev.lumiaagent.cli;

import ch.qos.logback.classic.Level;
import dev.lumiaagent.transport.AccessDenied;
import dev.lumiaagent.transport.BusUnavailable;
import dev.lumiaagent.transport.TransportException;
import java.io.PrintWriter;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lumia-agent}: finds Lumia phones over USB in any state and recovers them. */
@Command(name = "lumia-agent", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Finds Nokia / Microsoft Lumia phones over USB in whatever state they are in, and recovers them.",
        subcommands = {DevicesCommand.class, InfoCommand.class, SoftResetCommand.class, HardResetCommand.class, ReflashCommand.class, EmergencyCommand.class, JobsCommand.class, ResumeCommand.class, ReportCommand.class, AuditCommand.class, BatchCommand.class, StationCommand.class, ServeCommand.class, DiagCommand.class, SimulateCommand.class, FfuCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the operation failed; the message says why and what to do next",
                "2:the command line was wrong", "3:no phone was found",
                "4:the USB bus or the simulator could not be reached",
                "5:the operating system refused access to the phone",
                "6:the record store could not be opened, read or written",
                "7:the audit log's hash chain is broken",
                "8:a bench run had no failures but skipped some phones", "130:stopped by the user (Ctrl-C)"})
public final class Main implements Runnable {

    @Option(names = {"-v", "--verbose"}, description = "Log protocol traffic and decisions (DEBUG).", scope = CommandLine.ScopeType.INHERIT)
    void verbose(boolean on) {
        // the console's threshold only: job logs (JobLogAppender) keep their own levels
        JobLogAppender.consoleLevel(on ? Level.DEBUG : Level.WARN);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Ends the process from a shutdown hook (Ctrl-C, SIGTERM) with {@code code}, once the hook's run has
     * printed and closed what it had. {@code System.exit} cannot: while hooks run it blocks for good, and
     * the JVM's own status after a signal is 128 + the signal (143 for SIGTERM), not the agent's 130.
     */
    static void haltFromShutdownHook(int code) {
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(code);
    }

    /** Runs the agent with the given streams and returns the exit code (tests call this). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Locale.setDefault(Locale.ROOT); // English messages and dot decimals whatever the host's locale
        JobLogAppender.consoleLevel(Level.WARN); // quiet unless this run says -v (picocli calls verbose only then)
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExitCodeExceptionMapper(Main::exitCodeFor);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter e = commandLine.getErr();
            if (ex instanceof PhoneSelection.NoSinglePhone) {
                e.println("error: " + ex.getMessage());
                e.println("next step: " + ((PhoneSelection.NoSinglePhone) ex).nextStep);
            } else if (ex instanceof TransportException) {
                TransportException te = (TransportException) ex;
                e.println("error: " + te.getMessage());
                e.println("next step: " + te.nextStep());
            } else if (ex instanceof IllegalArgumentException) {
                e.println("error: " + ex.getMessage());
            } else {
                e.println("error: unexpected failure: " + ex);
                e.println("next step: run again with -v and send the output to the maintainers.");
                LoggerFactory.getLogger(Main.class).debug("unexpected failure", ex);
            }
            e.flush();
            return exitCodeFor(ex);
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter e = ex.getCommandLine().getErr();
            e.println("error: " + ex.getMessage());
            e.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            e.flush();
            return ExitCode.USAGE.code();
        });
        return cl.execute(args);
    }

    static int exitCodeFor(Throwable ex) {
        if (ex instanceof PhoneSelection.NoSinglePhone) {
            return ((PhoneSelection.NoSinglePhone) ex).code.code();
        }
        if (ex instanceof BusUnavailable) {
            return ExitCode.BUS_UNAVAILABLE.code();
        }
        if (ex instanceof AccessDenied) {
            return ExitCode.ACCESS_DENIED.code();
        }
        if (ex instanceof IllegalArgumentException) {
            return ExitCode.USAGE.code();
        }
        return ExitCode.FAILED.code();
    }

    /** The agent's version from the jar manifest, or "(development build)" when run from classes. */
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lumia-agent " + version()};
        }
    }
}
