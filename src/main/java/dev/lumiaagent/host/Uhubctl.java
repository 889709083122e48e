package dev.lumiaagent.host;

import dev.lumiaagent.exec.Exec;
import dev.lumiaagent.transport.PortPath;
import dev.lumiaagent.transport.PortPower.CycleOutcome;
import dev.lumiaagent.transport.PortPower.CycleResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * uhubctl 2.5.0 (Debian bookworm), run through {@link Exec}: its listing parsed into hubs and ports, and a port's
 * power cycled with the outcome named. Every text matched here is quoted from notes-18 §1 with its source
 * (uhubctl.c @v2.5.0, tag v2.5.0, commit 20276ad5; real logs from upstream issues). uhubctl has no JSON output
 * (notes §1.1: none in 2.5.0, none in 2.6.0), so the text is the interface.
 */
public final class Uhubctl {
    public static final String PROGRAM = "uhubctl";
    /** How to get it on Debian/Ubuntu. */
    public static final String INSTALL = "sudo apt install uhubctl";
    /** A cycle is off, the delay, on (twins too): 30 s is far more than the 2 s it takes; a hub that hangs is stopped then. */
    static final Duration CYCLE_BOUND = Duration.ofSeconds(30);
    static final Duration LIST_BOUND = Duration.ofSeconds(15);
    /** Seconds between off and on ({@code -d}, uhubctl's own default is 2: notes §1.1). */
    static final String CYCLE_DELAY = "2";

    // uhubctl.c @v2.5.0 1183-1185: printf("Current status for hub %s [%s]\n", ...); "New status for hub" for the after-state
    private static final Pattern HEADER = Pattern.compile("^(Current|New) status for hub (\\S+) \\[(.*)\\]$");
    // get_device_description (704-711) + the hub suffix ", USB %x.%02x, %d ports, %s" with ppps|ganged|nops (690-699)
    private static final Pattern HUB_DESC = Pattern.compile("^([0-9a-f]{4}:[0-9a-f]{4})(?: (.*?))?, USB (\\d+\\.\\d+), (\\d+) ports, (ppps|ganged|nops)$");
    // print_port_status (722-813): two spaces, "Port %d: %04x", the words, then " [<device>]" when connected
    private static final Pattern PORT = Pattern.compile("^  Port (\\d+): ([0-9a-f]{4})(.*)$");
    private static final Pattern DEVICE = Pattern.compile("^([0-9a-f]{4}:[0-9a-f]{4})(?: (.*))?$");

    // notes §1.5 (uhubctl.c @v2.5.0 1132-1167; issue #510): the texts uhubctl answers failures with
    static final String PERMISSION_TEXT = "There were permission problems while accessing USB.";
    static final String NO_DEVICES_AT = "No compatible devices detected at location ";
    static final String NO_DEVICES = "No compatible devices detected!";
    // §1.4 (uhubctl.c @v2.5.0 570-576, perror at the libusb fallback): a switch that failed while rc stays 0
    static final String CONTROL_FAILED = "Failed to control port power!";

    private final Exec exec;
    private final Duration listBound;
    private final Duration cycleBound;

    public Uhubctl(Exec exec) {
        this(exec, LIST_BOUND, CYCLE_BOUND);
    }

    /** With other bounds: a test whose subject is the timeout. */
    public Uhubctl(Exec exec, Duration listBound, Duration cycleBound) {
        this.exec = Objects.requireNonNull(exec, "exec");
        this.listBound = listBound;
        this.cycleBound = cycleBound;
    }

    public static Uhubctl system() {
        return new Uhubctl(Exec.system());
    }

    public boolean installed() {
        return exec.which(PROGRAM).isPresent();
    }

    /** uhubctl's location and port for a phone's port path: everything up to the last '.', and the last number (notes §6). */
    public static Location locationOf(PortPath port) {
        List<Integer> ports = port.ports();
        int last = ports.get(ports.size() - 1);
        if (ports.size() == 1) {
            return new Location(String.valueOf(port.bus()), last); // a root-hub port: the hub is the bus, "1"
        }
        StringBuilder hub = new StringBuilder().append(port.bus()).append('-');
        for (int i = 0; i < ports.size() - 1; i++) {
            hub.append(i > 0 ? "." : "").append(ports.get(i));
        }
        return new Location(hub.toString(), last);
    }

    /** A hub location and one of its ports, as {@code -l} and {@code -p} take them. */
    public record Location(String hub, int port) {
        /** The port path of {@code port} on the hub at {@code hub} ("1" + 2 → 1-2, "1-2" + 3 → 1-2.3). */
        public static PortPath pathOf(String hub, int port) {
            return PortPath.parse(hub.contains("-") ? hub + "." + port : hub + "-" + port);
        }
    }

    /** A listing: the hubs found, or why there are none. */
    public record Listing(Outcome outcome, List<Hub> hubs, String detail, Exec.Result run) {
        public Listing {
            hubs = List.copyOf(hubs);
        }

        public Optional<Hub> hub(String location) {
            return hubs.stream().filter(h -> h.location().equalsIgnoreCase(location)).findFirst();
        }
    }

    /** How a listing ended. */
    public enum Outcome {
        LISTED, NONE, PERMISSION, MISSING, FAILED, TIMED_OUT
    }

    /** {@code uhubctl}: every hub that can switch its ports (ganged and nops hubs are not listed without {@code -f}, notes §1.2). */
    public Listing list() {
        return listing(exec.run(PROGRAM, List.of(), listBound));
    }

    /** {@code uhubctl -l LOC} (with {@code -f}: also a ganged or nops hub, which is how we learn why a hub cannot switch). */
    public Listing list(String location, boolean force) {
        List<String> args = new ArrayList<>();
        if (force) {
            args.add("-f");
        }
        args.add("-l");
        args.add(location);
        return listing(exec.run(PROGRAM, args, listBound));
    }

    private Listing listing(Exec.Result r) {
        switch (r.outcome()) {
            case MISSING:
                return new Listing(Outcome.MISSING, List.of(), "uhubctl is not installed", r);
            case TIMED_OUT:
                return new Listing(Outcome.TIMED_OUT, List.of(), r.describe(), r);
            case NOT_STARTED:
                return new Listing(Outcome.FAILED, List.of(), r.describe(), r);
            default:
                break;
        }
        if (r.ok()) {
            return new Listing(Outcome.LISTED, parse(r.stdout()), "", r);
        }
        if (r.stderr().contains(PERMISSION_TEXT)) {
            return new Listing(Outcome.PERMISSION, List.of(), permissionDetail(), r);
        }
        if (r.stderr().contains(NO_DEVICES) || r.stderr().contains(NO_DEVICES_AT)) {
            return new Listing(Outcome.NONE, List.of(), firstLine(r.stderr()), r);
        }
        return new Listing(Outcome.FAILED, List.of(), r.describe(), r);
    }

    /** Parses uhubctl's listing (also the blocks of an action: the last block of each hub wins); USB3 twins paired. */
    public static List<Hub> parse(String stdout) {
        List<Hub> hubs = new ArrayList<>();
        Hub current = null;
        List<HubPort> ports = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            Matcher h = HEADER.matcher(line.stripTrailing());
            if (h.matches()) {
                if (current != null) {
                    add(hubs, current, ports);
                }
                current = header(h.group(2), h.group(3));
                ports = new ArrayList<>();
                continue;
            }
            Matcher p = PORT.matcher(line.stripTrailing());
            if (p.matches() && current != null) {
                ports.add(port(Integer.parseInt(p.group(1)), p.group(2), p.group(3)));
            }
        }
        if (current != null) {
            add(hubs, current, ports);
        }
        return pairTwins(hubs);
    }

    private static void add(List<Hub> hubs, Hub header, List<HubPort> ports) {
        Hub full = new Hub(header.location(), header.vidPid(), header.name(), header.usbVersion(), header.portCount(),
                header.switching(), ports, Optional.empty());
        hubs.removeIf(x -> x.location().equals(full.location())); // an action prints a hub several times: keep the last
        hubs.add(full);
    }

    private static Hub header(String location, String description) {
        Matcher d = HUB_DESC.matcher(description);
        if (!d.matches()) {
            // Not the 2.5.0 form (an older uhubctl?): keep the hub, say nothing of its switching we cannot read.
            return new Hub(location, "", description, "", 0, Hub.Switching.NOPS, List.of(), Optional.empty());
        }
        return new Hub(location, d.group(1), d.group(2) == null ? "" : d.group(2).strip(), d.group(3), Integer.parseInt(d.group(4)),
                Hub.Switching.valueOf(d.group(5).toUpperCase(java.util.Locale.ROOT)), List.of(), Optional.empty());
    }

    private static HubPort port(int number, String status, String rest) {
        String words = rest;
        Optional<String> device = Optional.empty();
        String deviceName = "";
        int bracket = rest.indexOf(" [");
        if (bracket >= 0 && rest.endsWith("]")) {
            words = rest.substring(0, bracket);
            String desc = rest.substring(bracket + 2, rest.length() - 1).strip(); // "[]": connected, not enumerated (PR #541)
            Matcher m = DEVICE.matcher(desc);
            if (m.matches()) {
                device = Optional.of(m.group(1));
                deviceName = m.group(2) == null ? "" : m.group(2).strip();
            }
        }
        List<String> list = words.isBlank() ? List.of() : List.of(words.strip().split("\\s+"));
        return new HubPort(number, status, list, device, deviceName);
    }

    /**
     * USB3 twins (notes §1.3): uhubctl pairs them by the BOS Container ID, which its listing does not print. From the
     * listing we pair a SuperSpeed hub with a USB2 hub of the same vendor and port count, preferring the same port path
     * on another bus, else the only such hub. An assumption, marked so: #613's pair 2-1.3 (2109:0822) / 1-1.4
     * (2109:2822) and #481's 2-2 / 1-5 (0bda) both fit it.
     */
    private static List<Hub> pairTwins(List<Hub> hubs) {
        List<Hub> out = new ArrayList<>(hubs);
        for (int i = 0; i < out.size(); i++) {
            Hub ss = out.get(i);
            if (!ss.superSpeed() || ss.vidPid().isEmpty() || ss.twin().isPresent()) {
                continue;
            }
            String vendor = ss.vidPid().substring(0, 4);
            List<Hub> candidates = out.stream().filter(h -> !h.superSpeed() && h.twin().isEmpty() && h.vidPid().startsWith(vendor)
                    && h.portCount() == ss.portCount()).toList();
            Optional<Hub> same = candidates.stream().filter(h -> pathPart(h.location()).equals(pathPart(ss.location()))).findFirst();
            Optional<Hub> twin = same.isPresent() ? same : candidates.size() == 1 ? Optional.of(candidates.get(0)) : Optional.empty();
            if (twin.isPresent()) {
                int j = out.indexOf(twin.get());
                out.set(j, twin.get().withTwin(ss.location()));
                out.set(i, ss.withTwin(twin.get().location()));
            }
        }
        return out;
    }

    private static String pathPart(String location) {
        int dash = location.indexOf('-');
        return dash < 0 ? "" : location.substring(dash);
    }

    /**
     * {@code uhubctl -l HUB -p N -a cycle -d 2}, judged by what it printed: it exits 0 once a hub was found even when
     * switching failed (rc = 0 at uhubctl.c @v2.5.0 1238; notes §1.4), so the port's "New status" lines must read off
     * and then power, and stderr must not say the control failed.
     */
    public CycleResult cycle(PortPath port) {
        Location at = locationOf(port);
        Exec.Result r = exec.run(PROGRAM, List.of("-l", at.hub(), "-p", String.valueOf(at.port()), "-a", "cycle", "-d", CYCLE_DELAY),
                cycleBound);
        switch (r.outcome()) {
            case MISSING:
                return new CycleResult(CycleOutcome.MISSING, port, "uhubctl is not installed",
                        "Install it (" + INSTALL + "), or " + lower(CycleResult.manual(port)));
            case TIMED_OUT:
                return new CycleResult(CycleOutcome.TIMED_OUT, port, r.describe(),
                        CycleResult.manual(port) + " Check the hub with `uhubctl -l " + at.hub() + "`.");
            case NOT_STARTED:
                return new CycleResult(CycleOutcome.FAILED, port, r.describe(), CycleResult.manual(port));
            default:
                break;
        }
        if (!r.ok()) {
            if (r.stderr().contains(PERMISSION_TEXT)) {
                return new CycleResult(CycleOutcome.PERMISSION, port, permissionDetail(),
                        "Run `lumia-agent setup` (it installs uhubctl's udev rule for hubs, then re-plug or reboot), or run the agent as root; "
                                + "meanwhile " + lower(CycleResult.manual(port)));
            }
            if (r.stderr().contains(NO_DEVICES_AT) || r.stderr().contains(NO_DEVICES)) {
                String why = whyNotSwitchable(at.hub());
                return new CycleResult(CycleOutcome.NOT_SWITCHABLE, port, why, CycleResult.manual(port));
            }
            return new CycleResult(CycleOutcome.FAILED, port, r.describe(), CycleResult.manual(port));
        }
        return judge(port, at, r);
    }

    private CycleResult judge(PortPath port, Location at, Exec.Result r) {
        List<String> states = new ArrayList<>(); // the port's New status words, pass by pass: off, then power
        String hub = null;
        boolean isNew = false;
        for (String line : r.stdout().split("\n")) {
            Matcher h = HEADER.matcher(line.stripTrailing());
            if (h.matches()) {
                hub = h.group(2);
                isNew = h.group(1).equals("New");
                continue;
            }
            Matcher p = PORT.matcher(line.stripTrailing());
            if (isNew && at.hub().equalsIgnoreCase(hub) && p.matches() && Integer.parseInt(p.group(1)) == at.port()) {
                states.add(port(at.port(), p.group(2), p.group(3)).powered() ? "power" : "off");
            }
        }
        boolean controlFailed = r.stderr().contains(CONTROL_FAILED);
        if (!controlFailed && states.size() >= 2 && states.get(0).equals("off") && states.get(states.size() - 1).equals("power")) {
            return new CycleResult(CycleOutcome.CYCLED, port, "uhubctl -l " + at.hub() + " -p " + at.port() + ": off, then on", "");
        }
        String said = states.isEmpty() ? "it printed no new status for port " + at.port() : "port " + at.port() + " read " + String.join(", then ", states);
        String err = r.stderr().isBlank() ? "" : " (" + firstLine(r.stderr()) + ")";
        return new CycleResult(CycleOutcome.FAILED, port, "uhubctl exited 0 but the port was not switched off and on: " + said + err,
                CycleResult.manual(port) + " Check the hub with `uhubctl -l " + at.hub() + "`.");
    }

    /** Why uhubctl found no hub to switch at {@code hub}: {@code -f} lists a ganged or nops hub (notes §1.2, PR #541). */
    String whyNotSwitchable(String hub) {
        Listing forced = list(hub, true);
        Optional<Hub> found = forced.hub(hub);
        if (found.isPresent() && !found.get().canSwitchPorts()) {
            return "hub " + hub + " cannot switch its ports' power (" + found.get().switching().word() + ")";
        }
        if (found.isPresent()) {
            return "uhubctl found no compatible hub at " + hub + " (" + found.get().description() + ")";
        }
        return "there is no hub at " + hub + " that uhubctl can switch";
    }

    static String permissionDetail() {
        return "uhubctl may not switch the hub's ports as this user (\"" + PERMISSION_TEXT + "\")";
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }

    private static String lower(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
