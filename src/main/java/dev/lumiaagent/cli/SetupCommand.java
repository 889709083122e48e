package dev.lumiaagent.cli;

import dev.lumiaagent.exec.Exec;
import dev.lumiaagent.host.HostOs;
import dev.lumiaagent.host.Setup;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lumia-agent setup}: installs (or with --uninstall removes) the host files the agent needs. */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = {"Linux, as root: installs the udev rules (/etc/udev/rules.d/51-lumia-agent.rules: plugdev and the "
                + "local seat may open the phones, ModemManager ignores them) and reloads udev; with --service also the "
                + "station's environment and config (/etc/lumia-agent/) and a systemd unit (lumia-agent-station.service), "
                + "enabled and started. Records each file it wrote with its SHA-256 in /etc/lumia-agent/setup-manifest.json; "
                + "--uninstall removes exactly those (a file changed since is named and left, unless --force).",
                "Not root: prints what it would do and the sudo command, and changes nothing. Windows: prints the pnputil "
                        + "commands that install the WinUSB driver, and changes nothing."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done, or nothing to do (the output says which)", "1:a file could not be written or removed",
                "2:the command line was wrong", "10:done, but a step did not take effect or a changed file was left (named)"})
final class SetupCommand implements Callable<Integer> {
    @Option(names = "--uninstall", description = "Remove exactly what setup installed (per its manifest), disable the unit, reload udev.")
    boolean uninstall;

    @Option(names = "--force", description = "With --uninstall: also remove files that were changed since setup wrote them.")
    boolean force;

    @Option(names = "--service", description = "Also install and start the station as a systemd service.")
    boolean service;

    @Option(names = "--job", paramLabel = "JOB", defaultValue = "reflash",
            description = "With --service: the station's job: info, soft-reset, hard-reset, reflash or emergency (default ${DEFAULT-VALUE}).")
    String job;

    @Option(names = "--firmware-dir", paramLabel = "DIR", description = "With --service: the station's firmware library.")
    Path firmwareDir;

    @Option(names = "--consent-policy", paramLabel = "FILE", description = "With --service: the station's consent policy file.")
    Path consentPolicy;

    @Option(names = "--station", paramLabel = "NAME", description = "With --service: the station's name (station.properties).")
    String station;

    @Option(names = "--operator", paramLabel = "NAME", description = "With --service: who runs the station.")
    String operator;

    @Option(names = "--site", paramLabel = "NAME", description = "With --service: where the station is.")
    String site;

    @Option(names = "--store", paramLabel = "URL", description = "With --service: the record store the station writes to.")
    String store;

    @Option(names = "--jar", paramLabel = "FILE", description = "With --service: the agent's jar for the unit (default: the jar running now).")
    Path jar;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "Install into DIR instead of / (for building images and for tests; default ${DEFAULT-VALUE}).")
    Path root;

    @Option(names = "--os", paramLabel = "OS", hidden = true, description = "For testing: set up as on linux, windows or macos.")
    String os;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (force && !uninstall) {
            throw new IllegalArgumentException("--force goes with --uninstall only");
        }
        boolean stationOptions = firmwareDir != null || consentPolicy != null || station != null || operator != null || site != null
                || store != null || jar != null;
        if (stationOptions && !service && !uninstall) {
            throw new IllegalArgumentException("--firmware-dir, --consent-policy, --station, --operator, --site, --store and --jar "
                    + "are the service's settings: add --service");
        }
        Optional<Path> running = Setup.runningJar();
        Path theJar = jar != null ? jar.toAbsolutePath() : running.orElse(null);
        if (jar != null && !Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("--jar " + jar + " is not a file");
        }
        Setup.Station st = service ? new Setup.Station(job, abs(firmwareDir), abs(consentPolicy), station, operator, site, store) : null;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Setup setup = new Setup(new Setup.Settings(root, os == null ? HostOs.current() : HostOs.fromOsName(os), Exec.system(), null,
                java, theJar, st, force, rerun(java, running), drivers(running)), out);
        Setup.Status status = uninstall ? setup.uninstall() : setup.install();
        out.flush();
        switch (status) {
            case FAILED:
                return ExitCode.FAILED.code();
            case DONE_WITH_WARNINGS:
                return ExitCode.WARNINGS.code();
            default:
                return ExitCode.OK.code();
        }
    }

    private static String abs(Path p) {
        return p == null ? null : p.toAbsolutePath().normalize().toString();
    }

    /** This same command, to run with sudo: the jar's java and path when running from a jar. */
    private List<String> rerun(Path java, Optional<Path> running) {
        List<String> cmd = new ArrayList<>();
        if (running.isPresent()) {
            cmd.add(java.toString());
            cmd.add("-jar");
            cmd.add(running.get().toString());
        } else {
            cmd.add("lumia-agent");
        }
        cmd.addAll(shellWords(spec.commandLine().getParseResult().originalArgs()));
        return cmd;
    }

    /**
     * The agent's arguments from "setup" on (picocli's original arguments are the whole command line: "-v setup …"),
     * quoted for a POSIX shell where needed, so the printed sudo line can be pasted as it is.
     */
    static List<String> shellWords(List<String> original) {
        int at = original.indexOf("setup");
        List<String> words = new ArrayList<>();
        for (String a : original.subList(Math.max(at, 0), original.size())) {
            words.add(a.isEmpty() || a.matches(".*[\\s'\"$\\\\;&|<>()*?`].*") ? "'" + a.replace("'", "'\\''") + "'" : a);
        }
        if (at < 0) {
            words.add(0, "setup");
        }
        return words;
    }

    /** The distribution's drivers/windows folder next to the jar (or its parent), if there is one. */
    private static Path drivers(Optional<Path> running) {
        List<Path> candidates = new ArrayList<>();
        running.map(Path::getParent).ifPresent(d -> {
            candidates.add(d.resolve("drivers").resolve("windows"));
            if (d.getParent() != null) {
                candidates.add(d.getParent().resolve("drivers").resolve("windows"));
            }
        });
        candidates.add(Path.of("drivers", "windows").toAbsolutePath());
        return candidates.stream().filter(Files::isDirectory).findFirst().orElse(null);
    }
}
