package dev.lumiaagent.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lumiaagent.exec.Exec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code lumia-agent setup}: installs what the agent needs on a Linux host (the udev rules; with a service, the station's
 * environment, config and systemd unit), runs the commands that make them take effect, and records exactly what it
 * wrote (each file with its SHA-256) so that {@code --uninstall} takes back exactly that. Not root with the real root:
 * prints what it would do and the command to run, and changes nothing. Windows: prints the pnputil commands.
 */
public final class Setup {
    public static final String UNIT = "lumia-agent-station.service";
    public static final String UNIT_PATH = "/etc/systemd/system/" + UNIT;
    public static final String ENV_PATH = "/etc/lumia-agent/station.env";
    public static final String CONFIG_PATH = "/etc/lumia-agent/station.properties";
    public static final String MANIFEST_PATH = "/etc/lumia-agent/setup-manifest.json";
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    /** What the station service runs; each field optional but the job. */
    public record Station(String job, String firmwareDir, String consentPolicy, String station, String operator, String site,
                         String store) {
    }

    /**
     * @param root    the file system to install into ({@code /}; another directory for tests and image building)
     * @param asRoot  whether this process may write the system's files (null: ask {@code id -u})
     * @param java    the java binary the unit runs
     * @param jar     the agent's jar the unit runs (null when not running from a jar: then --service needs one given)
     * @param station the service's settings, null for no service
     * @param rerun   the command that runs this same setup, shown with sudo to a user who is not root
     * @param drivers where the Windows INF files are (null: not found next to the agent)
     */
    public record Settings(Path root, HostOs os, Exec exec, Boolean asRoot, Path java, Path jar, Station station, boolean force,
                           List<String> rerun, Path drivers) {
    }

    /** How a setup or uninstall ended. */
    public enum Status {
        /** Everything was written and every command took effect. */
        DONE,
        /** Written, but a command did not take effect or a changed file was left (each named). */
        DONE_WITH_WARNINGS,
        /** A file could not be written or removed: the message says which and why. */
        FAILED,
        /** Nothing was changed: the output says what to run instead. */
        NOTHING_CHANGED
    }

    private final Settings s;
    private final PrintWriter out;
    private final List<String> planned = new ArrayList<>();
    private boolean warned;
    private Duration timeout = COMMAND_TIMEOUT;

    public Setup(Settings settings, PrintWriter out) {
        this.s = settings;
        this.out = out;
    }

    /** How long each command may run (default 60 s). Tests shorten it to see a timeout. */
    public Setup timeout(Duration bound) {
        this.timeout = bound;
        return this;
    }

    private Path at(String absolute) {
        return HostFiles.under(s.root(), absolute);
    }

    private boolean realRoot() {
        return s.root().toAbsolutePath().normalize().equals(s.root().toAbsolutePath().getRoot());
    }

    /** Root (uid 0) by {@code id -u}; where id cannot say, by the user name. */
    boolean isRoot() {
        if (s.asRoot() != null) {
            return s.asRoot();
        }
        Exec.Result r = s.exec().run("id", List.of("-u"), Duration.ofSeconds(10));
        if (r.ok()) {
            return r.stdout().strip().equals("0");
        }
        return "root".equals(System.getProperty("user.name"));
    }

    // ---- install ------------------------------------------------------------------------------------------------

    public Status install() {
        if (s.os() == HostOs.WINDOWS) {
            return windows();
        }
        if (s.os() != HostOs.LINUX) {
            out.println("nothing to install on " + (s.os() == HostOs.MACOS ? "macOS" : "this system")
                    + ": libusb opens the phones without drivers or rules. `lumia-agent doctor` checks the rest.");
            return Status.NOTHING_CHANGED;
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(HostFiles.RULES_PATH, HostFiles.rules());
        if (s.station() != null) {
            if (s.jar() == null) {
                throw new IllegalArgumentException("setup --service needs the agent's jar for the unit's ExecStart, and this agent "
                        + "is not running from a jar: give --jar PATH");
            }
            files.put(CONFIG_PATH, stationProperties(s.station()));
            files.put(ENV_PATH, stationEnv(s.station()));
            files.put(UNIT_PATH, unit(s.java(), s.jar()));
        }
        List<List<String>> commands = new ArrayList<>();
        commands.add(List.of("udevadm", "control", "--reload"));
        commands.add(List.of("udevadm", "trigger", "--subsystem-match=usb", "--action=add"));
        if (s.station() != null) {
            commands.add(List.of("systemctl", "daemon-reload"));
            commands.add(List.of("systemctl", "enable", "--now", UNIT));
        }
        // The rules already tell ModemManager to ignore every phone ID, 05c6:9008 and 05c6:f006 included
        // (ENV{ID_MM_DEVICE_IGNORE}="1" on each line; honoured under MM's default STRICT filter since 1.12, notes-18 §3),
        // so no separate 77-mm-… filter file is installed: it would only repeat those lines.
        String rules = HostFiles.text(HostFiles.rules());
        boolean mmCovered = HostFiles.ignoredByModemManager(rules, "05c6:9008") && HostFiles.ignoredByModemManager(rules, "05c6:f006");

        if (realRoot() && !isRoot()) {
            out.println("not root: nothing was changed. As root, setup would:");
            files.keySet().forEach(f -> out.println("  write " + f));
            out.println("  write " + MANIFEST_PATH + " (what was written, with each file's SHA-256, for --uninstall)");
            commands.forEach(c -> out.println("  run   " + String.join(" ", c)));
            out.println("Run it as root:");
            out.println("  sudo " + String.join(" ", s.rerun()));
            return Status.NOTHING_CHANGED;
        }
        Map<String, String> manifest = new LinkedHashMap<>(readManifest().orElse(Map.of()));
        try {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                write(f.getKey(), f.getValue());
                manifest.put(f.getKey(), HostFiles.sha256(f.getValue()));
                out.println("wrote " + at(f.getKey()));
            }
            writeManifest(manifest);
            out.println("wrote " + at(MANIFEST_PATH) + " (" + manifest.size() + " files recorded for --uninstall)");
        } catch (IOException e) {
            return failed(e);
        }
        out.println(mmCovered ? "ModemManager: the rules set ID_MM_DEVICE_IGNORE for every phone ID, 05c6:9008 and 05c6:f006 "
                + "included, so no separate ModemManager filter is needed"
                : "ModemManager: warning: the rules do not cover 05c6:9008 and 05c6:f006; run `lumia-agent doctor`");
        for (List<String> c : commands) {
            runNamed(c);
        }
        return warned ? Status.DONE_WITH_WARNINGS : Status.DONE;
    }

    private Status windows() {
        // Windows: installing a driver is the administrator's act in Device Manager or pnputil; the agent prints the exact
        // commands and changes nothing (one INF per /add-driver call, so its return value means something: notes-18 §7)
        out.println("Windows: nothing was changed. In an administrator's terminal, run:");
        Path inf = s.drivers() == null ? Path.of("drivers", "windows", HostFiles.WINUSB_INF) : s.drivers().resolve(HostFiles.WINUSB_INF);
        out.println("  pnputil /add-driver \"" + inf.toString().replace('/', '\\') + "\" /install");
        out.println("(the INF is in the lumia-agent distribution's drivers\\windows folder; pnputil returns 0 when installed, "
                + "259 when no connected device matched or a better driver is bound, 3010 when Windows must restart)");
        out.println("Then check with `lumia-agent doctor`.");
        return Status.NOTHING_CHANGED;
    }

    // ---- uninstall ----------------------------------------------------------------------------------------------

    public Status uninstall() {
        if (s.os() != HostOs.LINUX) {
            out.println("nothing to remove: setup installs files only on Linux" + (s.os() == HostOs.WINDOWS
                    ? " (remove the WinUSB driver with `pnputil /delete-driver oemN.inf /uninstall`; `pnputil /enum-drivers` names N)" : ""));
            return Status.NOTHING_CHANGED;
        }
        Optional<Map<String, String>> recorded = readManifest();
        if (recorded.isEmpty()) {
            out.println("nothing to remove: " + at(MANIFEST_PATH) + " is not there, so setup installed nothing here");
            return Status.NOTHING_CHANGED;
        }
        Map<String, String> files = recorded.get();
        boolean unit = files.containsKey(UNIT_PATH);
        boolean rules = files.containsKey(HostFiles.RULES_PATH);
        if (realRoot() && !isRoot()) {
            out.println("not root: nothing was changed. As root, setup --uninstall would:");
            if (unit) {
                out.println("  run    systemctl disable --now " + UNIT);
            }
            files.keySet().forEach(f -> out.println("  remove " + f));
            out.println("  remove " + MANIFEST_PATH);
            out.println("Run it as root:");
            out.println("  sudo " + String.join(" ", s.rerun()));
            return Status.NOTHING_CHANGED;
        }
        if (unit) {
            runNamed(List.of("systemctl", "disable", "--now", UNIT));
        }
        Map<String, String> left = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path p = at(f.getKey());
                if (!Files.exists(p)) {
                    out.println("already gone: " + p);
                    continue;
                }
                String now = HostFiles.sha256(Files.readAllBytes(p));
                if (!now.equals(f.getValue()) && !s.force()) {
                    out.println("left: " + p + " was changed since setup wrote it (someone's edit); remove it by hand or run "
                            + "setup --uninstall --force");
                    left.put(f.getKey(), f.getValue());
                    warned = true;
                    continue;
                }
                Files.delete(p);
                out.println("removed " + p + (now.equals(f.getValue()) ? "" : " (changed since setup; --force)"));
            }
            if (left.isEmpty()) {
                Files.deleteIfExists(at(MANIFEST_PATH));
                out.println("removed " + at(MANIFEST_PATH));
            } else {
                // keep a record of what is still ours, so that a later --uninstall --force can finish the job
                writeManifest(left);
                out.println("kept " + at(MANIFEST_PATH) + " listing the " + left.size() + " file(s) left");
            }
        } catch (IOException e) {
            return failed(e);
        }
        if (unit) {
            runNamed(List.of("systemctl", "daemon-reload"));
        }
        if (rules) {
            runNamed(List.of("udevadm", "control", "--reload"));
        }
        return warned ? Status.DONE_WITH_WARNINGS : Status.DONE;
    }

    private Status failed(IOException e) {
        String why = e instanceof FileSystemException ? ((FileSystemException) e).getFile() + ": "
                + (e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase())
                + (((FileSystemException) e).getReason() == null ? "" : " (" + ((FileSystemException) e).getReason() + ")")
                : String.valueOf(e.getMessage());
        out.println("error: setup could not finish: " + why);
        out.println("next step: run it as root (`sudo " + String.join(" ", s.rerun()) + "`), or check that the directory is writable");
        return Status.FAILED;
    }

    // ---- commands, each result named ----------------------------------------------------------------------------

    private void runNamed(List<String> command) {
        Exec.Result r = s.exec().run(command.get(0), command.subList(1, command.size()), timeout);
        String what = String.join(" ", command);
        if (r.ok()) {
            out.println("ran " + what + ": ok");
            return;
        }
        warned = true;
        String program = command.get(0);
        String err = r.stderr();
        if (program.equals("udevadm")) {
            if (r.outcome() == Exec.Outcome.MISSING) {
                out.println("warning: udevadm is not installed: udev is not running here: the rules take effect at the next boot");
            } else if (err.contains("No such file or directory") || err.contains("Failed to send")) {
                // no udevd (a container, a chroot): control --reload fails with rc 1 (notes-18 §2)
                out.println("warning: " + r.describe() + ": udev is not running here: the rules take effect at the next boot "
                        + "(or when udevd starts); replug the phones then");
            } else {
                out.println("warning: " + r.describe() + ": the rules take effect at the next boot; then replug the phones");
            }
        } else if (program.equals("systemctl")) {
            if (r.outcome() == Exec.Outcome.MISSING) {
                out.println("warning: systemctl is not installed: the unit is written but not enabled; on a host with systemd run "
                        + "`sudo systemctl daemon-reload && sudo systemctl enable --now " + UNIT + "`");
            } else if (err.contains("has not been booted with systemd")) {
                // no systemd as PID 1: rc 1 and this text (notes-18 §5)
                out.println("warning: " + r.describe() + ": systemd is not running here, so `" + what + "` did not take effect; "
                        + "on a host with systemd run `sudo " + what + "`");
            } else {
                out.println("warning: " + r.describe() + ": run `sudo " + what + "` by hand and read `journalctl -u " + UNIT + "`");
            }
        } else {
            out.println("warning: " + r.describe());
        }
    }

    // ---- files --------------------------------------------------------------------------------------------------

    private void write(String absolute, byte[] content) throws IOException {
        Path p = at(absolute);
        Files.createDirectories(p.getParent());
        Path tmp = p.resolveSibling("." + p.getFileName() + ".lumia-agent-tmp");
        Files.write(tmp, content);
        try {
            // the env file can hold a store URL with a password: root only (systemd reads EnvironmentFile= as root)
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(absolute.equals(ENV_PATH) ? "rw-------" : "rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (an image built on Windows): the default mode stays
        }
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Optional<Map<String, String>> readManifest() {
        Path m = at(MANIFEST_PATH);
        if (!Files.exists(m)) {
            return Optional.empty();
        }
        try {
            JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(m));
            Map<String, String> files = new LinkedHashMap<>();
            for (JsonNode f : root.path("files")) {
                files.put(f.path("path").asText(), f.path("sha256").asText());
            }
            return Optional.of(files);
        } catch (IOException e) {
            throw new IllegalArgumentException(m + " is not setup's manifest (" + e.getMessage() + "): remove the files it "
                    + "names by hand, or delete it and run setup again");
        }
    }

    private void writeManifest(Map<String, String> files) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("writtenBy", "lumia-agent setup");
        root.put("note", "lumia-agent setup --uninstall removes exactly these files, unless one was changed since");
        ArrayNode list = root.putArray("files");
        files.forEach((path, sha) -> list.addObject().put("path", path).put("sha256", sha));
        write(MANIFEST_PATH, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    // ---- the station service's files ----------------------------------------------------------------------------

    static byte[] stationProperties(Station st) {
        Properties p = new Properties();
        if (st.station() != null) {
            p.setProperty("station", st.station());
        }
        if (st.operator() != null) {
            p.setProperty("operator", st.operator());
        }
        if (st.site() != null) {
            p.setProperty("site", st.site());
        }
        StringWriter w = new StringWriter();
        w.write("# Written by `lumia-agent setup --service`; `lumia-agent setup --uninstall` removes it.\n");
        w.write("# The station's name, operator and site (cli/StationConfig keys); options and environment win over it.\n");
        p.stringPropertyNames().stream().sorted().forEach(k -> w.write(k + "=" + escape(p.getProperty(k)) + "\n"));
        return w.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(String v) {
        // the Properties format's own escapes, without the timestamp line Properties.store writes (stable hashes)
        StringBuilder b = new StringBuilder();
        for (char c : v.toCharArray()) {
            if (c == '\\' || c == '=' || c == ':' || c == '#' || c == '!') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** The jobs a station runs (StationCommand's JOB). */
    public static final List<String> JOBS = List.of("info", "soft-reset", "hard-reset", "reflash", "emergency");

    static byte[] stationEnv(Station st) {
        if (!JOBS.contains(st.job())) {
            throw new IllegalArgumentException("--job " + st.job() + " is not a station job: use one of " + String.join(", ", JOBS));
        }
        List<String> args = new ArrayList<>();
        args.add(plain("--job", st.job()));
        if (st.firmwareDir() != null) {
            args.add("--firmware-dir");
            args.add(plain("--firmware-dir", st.firmwareDir()));
        }
        if (st.consentPolicy() != null) {
            args.add("--consent-policy");
            args.add(plain("--consent-policy", st.consentPolicy()));
        }
        StringBuilder b = new StringBuilder();
        b.append("# Written by `lumia-agent setup --service`; `lumia-agent setup --uninstall` removes it.\n");
        b.append("# Read by ").append(UNIT).append(" (EnvironmentFile=): the station's arguments and settings.\n");
        b.append("LUMIA_AGENT_STATION_ARGS=\"").append(String.join(" ", args)).append("\"\n");
        b.append("LUMIA_AGENT_CONFIG=").append(CONFIG_PATH).append('\n');
        if (st.operator() != null) {
            b.append("LUMIA_AGENT_OPERATOR=\"").append(quoted("--operator", st.operator())).append("\"\n");
        }
        if (st.site() != null) {
            b.append("LUMIA_AGENT_SITE=\"").append(quoted("--site", st.site())).append("\"\n");
        }
        if (st.store() != null) {
            b.append("LUMIA_AGENT_STORE=\"").append(quoted("--store", st.store())).append("\"\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One word of ExecStart's {@code $LUMIA_AGENT_STATION_ARGS}: systemd splits that variable at white space. */
    private static String plain(String option, String v) {
        if (v.isBlank() || !v.matches("[^\\s\"'\\\\$]+")) {
            throw new IllegalArgumentException(option + " \"" + v + "\" cannot go into the service's arguments: it must be one word "
                    + "without spaces, quotes, backslashes or $ (move the directory, or link it from such a path)");
        }
        return v;
    }

    /** A value inside double quotes of an EnvironmentFile. */
    private static String quoted(String option, String v) {
        if (v.contains("\"") || v.contains("\\") || v.contains("\n") || v.contains("$")) {
            throw new IllegalArgumentException(option + " cannot contain quotes, backslashes, $ or line breaks for the service's "
                    + "environment file");
        }
        return v;
    }

    static byte[] unit(Path java, Path jar) {
        String exec = plain("the java binary", java.toAbsolutePath().toString()) + " -jar "
                + plain("--jar", jar.toAbsolutePath().toString()) + " station $LUMIA_AGENT_STATION_ARGS";
        String text = "# Written by `lumia-agent setup --service`; `lumia-agent setup --uninstall` removes it.\n"
                + "[Unit]\n"
                + "Description=lumia-agent station: recovers every Lumia phone plugged into this host\n"
                + "Documentation=https://github.com/lumia-agent/lumia-agent/blob/main/docs/host.md\n"
                + "# the udev rules must be applied before the station opens a phone\n"
                + "After=systemd-udevd.service\n"
                + "\n"
                + "[Service]\n"
                + "Type=simple\n"
                + "EnvironmentFile=" + ENV_PATH + "\n"
                + "# a user of its own that systemd makes when the unit starts: setup adds no account it would have to take back;\n"
                + "# plugdev opens the phones (the rules' GROUP=\"plugdev\"); records and job files go under its state directory\n"
                + "DynamicUser=yes\n"
                + "User=lumia-agent\n"
                + "Group=lumia-agent\n"
                + "SupplementaryGroups=plugdev\n"
                + "StateDirectory=lumia-agent\n"
                + "Environment=HOME=/var/lib/lumia-agent\n"
                + "ExecStart=" + exec + "\n"
                + "Restart=on-failure\n"
                + "RestartSec=5\n"
                + "# a stopped station exits 130 (Ctrl-C or SIGTERM, the agent's INTERRUPTED); 143 is a JVM killed by SIGTERM\n"
                + "SuccessExitStatus=130 143\n"
                + "\n"
                + "[Install]\n"
                + "WantedBy=multi-user.target\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The jar this agent runs from, if it runs from one (not from classes, as in tests). */
    public static Optional<Path> runningJar() {
        try {
            Path p = Path.of(Setup.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return p.toString().endsWith(".jar") && Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
