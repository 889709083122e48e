package dev.lumiaagent.cli;

import dev.lumiaagent.job.JobSettings;
import java.io.Console;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Who runs the jobs and where: {@code --operator NAME} / {@code $LUMIA_AGENT_OPERATOR} and {@code --site NAME} /
 * {@code $LUMIA_AGENT_SITE}, else the station's config file ({@link StationConfig}). Both are on every record; an
 * erasure certificate needs both named on purpose, so for an erasing job without them the agent asks once at a
 * terminal; without a terminal (a script, a service) the jobs run and each certificate is refused by name.
 */
final class CertifyOptions {
    static final String ENV_OPERATOR = "LUMIA_AGENT_OPERATOR";
    static final String ENV_SITE = "LUMIA_AGENT_SITE";
    static final Set<String> ERASING = Set.of("hard-reset", "reflash", "emergency");

    @Option(names = "--operator", paramLabel = "NAME",
            description = "Who runs the job, for the records and the erasure certificates (default $" + ENV_OPERATOR
                    + ", else the station config's operator; else asked at a terminal for an erasing job; records then name the login).")
    String operator;

    @Option(names = "--site", paramLabel = "NAME",
            description = "Where the phones are erased, for the certificates (default $" + ENV_SITE + ", else the station config's site).")
    String site;

    @Option(names = "--station", paramLabel = "NAME", description = "This station's name in the records (default: the station config's, else the host name).")
    String station;

    @picocli.CommandLine.Mixin
    KeyDirOption keys;

    java.nio.file.Path keyDir() {
        return keys.dir();
    }

    /** Reads the environment; tests replace it. */
    java.util.function.Function<String, String> env = System::getenv;

    private StationConfig config() {
        return StationConfig.load();
    }

    String station() {
        return given(station).or(() -> config().get("station")).orElseGet(BenchOptions::defaultStation);
    }

    Optional<String> namedOperator() {
        return given(operator).or(() -> given(env.apply(ENV_OPERATOR))).or(() -> config().get("operator"));
    }

    Optional<String> namedSite() {
        return given(site).or(() -> given(env.apply(ENV_SITE))).or(() -> config().get("site"));
    }

    /**
     * The settings for a run of {@code command}: certified by the named operator and site; for an erasing job on a
     * terminal, what is missing is asked once; otherwise what is missing is said once, with how to give it.
     */
    JobSettings settings(int maxParallel, int retries, java.time.Duration reattach, String command, PrintWriter out) {
        return settings(maxParallel, retries, reattach, command, out, true);
    }

    /** As above; {@code ask} false where no one can answer at the terminal (a station started from the dashboard). */
    JobSettings settings(int maxParallel, int retries, java.time.Duration reattach, String command, PrintWriter out, boolean ask) {
        Optional<String> who = namedOperator();
        Optional<String> where = namedSite();
        boolean erasing = command == null || ERASING.contains(command);
        if (erasing && (who.isEmpty() || where.isEmpty())) {
            Console console = ask ? System.console() : null;
            if (console != null) {
                out.println("An erasure certificate names who erased the phones and where (asked once; Enter leaves it out, "
                        + "and the certificates are then refused).");
                out.flush();
                if (who.isEmpty()) {
                    who = given(console.readLine("Operator (your name): "));
                }
                if (where.isEmpty()) {
                    where = given(console.readLine("Site (where the phones are): "));
                }
            }
        }
        String login = System.getProperty("user.name", "unknown");
        JobSettings base = new JobSettings(maxParallel, retries, reattach, station(), who.orElse(login));
        if (who.isPresent() && where.isPresent()) {
            return base.certifiedBy(who.get(), where.get());
        }
        if (erasing) {
            out.println("note: " + missing(who.isEmpty(), where.isEmpty()) + ": the jobs run and are recorded, and each erasure "
                    + "certificate is refused; give " + how(who.isEmpty(), where.isEmpty()) + " (or set them in " + StationConfig.defaultFile() + ")");
            out.flush();
        }
        return base;
    }

    static String missing(boolean noOperator, boolean noSite) {
        return noOperator && noSite ? "no operator and no site named" : noOperator ? "no operator named" : "no site named";
    }

    static String how(boolean noOperator, boolean noSite) {
        String o = "--operator NAME or $" + ENV_OPERATOR;
        String s = "--site NAME or $" + ENV_SITE;
        return noOperator && noSite ? o + ", and " + s : noOperator ? o : s;
    }

    private static Optional<String> given(String v) {
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }
}
