package dev.lumiaagent.cli;

import ch.qos.logback.classic.Level;
import dev.lumiaagent.transport.AccessDenied;
import dev.lumiaagent.transport.BusUnavailable;
import dev.lumiaagent.transport.TransportException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.UnmatchedArgumentException;

/** {@code lumia-agent}: finds Lumia phones over USB in any state and recovers them. */
@Command(name = "lumia-agent", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Finds Nokia / Microsoft Lumia phones over USB in whatever state they are in, and recovers them.",
        subcommands = {DevicesCommand.class, InfoCommand.class, SoftResetCommand.class, HardResetCommand.class, ReflashCommand.class, EmergencyCommand.class, JobsCommand.class, ResumeCommand.class, ReportCommand.class, AuditCommand.class, CertificateCommand.class, BatchCommand.class, StationCommand.class, ServeCommand.class, DiagCommand.class, DoctorCommand.class, SetupCommand.class, PortsCommand.class, SimulateCommand.class, FfuCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the operation failed; the message says why and what to do next",
                "2:the command line was wrong", "3:no phone was found",
                "4:the USB bus or the simulator could not be reached",
                "5:the operating system refused access to the phone",
                "6:the record store could not be opened, read or written",
                "7:the audit log's hash chain is broken",
                "8:a bench run had no failures but skipped some phones", "9:a certificate did not verify",
                "10:doctor found warnings, or setup finished but a step did not take effect",
                "11:doctor found problems", "130:stopped by the user (Ctrl-C)"})
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
            e.println("error: " + usageError(ex));
            e.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            e.flush();
            return ExitCode.USAGE.code();
        });
        return cl.execute(args);
    }

    /**
     * What was wrong with the command line, in a person's words: a mistyped command or option is named, with
     * the nearest ones picocli finds ({@link UnmatchedArgumentException#getSuggestions()}).
     */
    static String usageError(CommandLine.ParameterException ex) {
        if (!(ex instanceof UnmatchedArgumentException)) {
            // picocli's own messages may start with "Error: " (a missing required option): the line already says error
            return ex.getMessage() == null ? ex.toString() : ex.getMessage().replaceFirst("^(?i)error:\\s*", "");
        }
        UnmatchedArgumentException u = (UnmatchedArgumentException) ex;
        List<String> unmatched = u.getUnmatched();
        if (unmatched.isEmpty()) {
            return ex.getMessage();
        }
        String first = unmatched.get(0);
        CommandLine.Model.CommandSpec spec = ex.getCommandLine().getCommandSpec();
        List<String> suggestions = u.getSuggestions();
        if (u.isUnknownOption()) {
            return "Unknown option '" + first + "' for '" + spec.qualifiedName() + "'." + didYouMean(suggestions, 3);
        }
        if (!spec.subcommands().isEmpty() && spec.positionalParameters().isEmpty()) {
            // picocli orders every command by likeness: the first is the one meant, if any
            return "Unknown command '" + first + "'." + didYouMean(suggestions, 1);
        }
        return "Unexpected argument '" + first + "' for '" + spec.qualifiedName() + "' (it takes "
                + (spec.positionalParameters().isEmpty() ? "no arguments, only options" : "no more arguments") + ").";
    }

    private static String didYouMean(List<String> suggestions, int most) {
        if (suggestions.isEmpty()) {
            return "";
        }
        List<String> shown = suggestions.subList(0, Math.min(most, suggestions.size()));
        return " Did you mean " + shown.stream().map(s -> "'" + s + "'").collect(Collectors.joining(" or ")) + "?";
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

    /**
     * The agent's version and when it was built, from {@code build.properties}, which the build fills in
     * (Maven resource filtering): the same from the jar and from {@code target/classes}. "(development build)"
     * only when the file was not filtered (classes compiled outside Maven).
     */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // as if absent
        }
        String version = p.getProperty("version", "");
        String built = p.getProperty("built", "");
        if (version.isBlank() || version.contains("${")) {
            return "(development build)";
        }
        return built.isBlank() || built.contains("${") ? version : version + " (built " + built + ")";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lumia-agent " + version()};
        }
    }
}
