package dev.lumiaagent.host;

import dev.lumiaagent.exec.Exec;
import dev.lumiaagent.transport.usb.LibUsbBus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code lumia-agent doctor}: checks this host for what the agent needs and names each fix. Every file it reads is
 * under {@link Settings#root()} (tests give a fake /sys, /etc, /proc, /dev; the real one is {@code /}), every program
 * it runs goes through {@link Exec} (tests put fakes first on PATH), and no check can throw: a check that breaks is a
 * PROBLEM naming the check.
 */
public final class Doctor {
    /** FFUs are 1–2 GiB each; a library of a few models wants several. */
    public static final long DEFAULT_MIN_FREE = 8L << 30;
    static final Duration SHORT = Duration.ofSeconds(15);

    /**
     * What the doctor looks at.
     *
     * @param root        the file system root (normally {@code /})
     * @param os          which checks apply
     * @param exec        how programs are run
     * @param env         the environment (user, seat)
     * @param user        the user the agent runs as
     * @param firmwareDir the firmware library's directory
     * @param minFree     the free space under which the disk check warns
     * @param libusb      the libusb check (a real LibUsbBus unless a test gives another)
     * @param store       the record store check (the CLI opens the configured store)
     */
    public record Settings(Path root, HostOs os, Exec exec, Map<String, String> env, String user, Path firmwareDir, long minFree,
                           Supplier<Finding> libusb, Supplier<Finding> store) {
    }

    private final Settings s;
    private Duration timeout = SHORT;

    public Doctor(Settings settings) {
        this.s = settings;
    }

    /** How long each program may run (default 15 s; pnputil gets four times that). Tests shorten it to see a timeout. */
    public Doctor timeout(Duration bound) {
        this.timeout = bound;
        return this;
    }

    /** Every check that applies to the host's OS, in a fixed order. */
    public List<Finding> run() {
        List<Finding> all = new ArrayList<>();
        add(all, "libusb", s.libusb());
        if (s.os() == HostOs.LINUX) {
            add(all, "udev-rules", this::udevRules);
            add(all, "access", this::access);
            add(all, "qcserial", this::qcserial);
            add(all, "modemmanager", this::modemManager);
            add(all, "usbmon", this::usbmon);
        } else if (s.os() == HostOs.WINDOWS) {
            addAll(all, "winusb", this::windowsDrivers);
        } else {
            all.add(Finding.info("host", "on " + (s.os() == HostOs.MACOS ? "macOS" : "this system")
                    + " the udev rules, plugdev/uaccess, qcserial, ModemManager and usbmon checks do not apply: libusb opens the "
                    + "phones without a driver or rules, and --capture is Linux only", ""));
        }
        add(all, "uhubctl", this::uhubctl);
        add(all, "disk", this::disk);
        add(all, "store", s.store());
        return all;
    }

    /** The worst severity of {@code findings} (OK when there are none). */
    public static Severity worst(List<Finding> findings) {
        Severity w = Severity.OK;
        for (Finding f : findings) {
            if (f.severity().worseThan(w)) {
                w = f.severity();
            }
        }
        return w;
    }

    private static void add(List<Finding> all, String check, Supplier<Finding> c) {
        addAll(all, check, () -> List.of(c.get()));
    }

    private static void addAll(List<Finding> all, String check, Supplier<List<Finding>> c) {
        try {
            all.addAll(c.get());
        } catch (RuntimeException e) {
            all.add(Finding.problem(check, "the check itself failed (" + e + ")",
                    "run `lumia-agent -v doctor` and send the output to the maintainers"));
        }
    }

    private Path at(String absolute) {
        return HostFiles.under(s.root(), absolute);
    }

    private Optional<String> read(String absolute) {
        try {
            return Optional.of(Files.readString(at(absolute), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    // ---- libusb -------------------------------------------------------------------------------------------------

    /** The real check: libusb_init through the agent's own USB adapter, exactly as every command starts it. */
    public static Finding libusbThroughTheAgent() {
        try (LibUsbBus bus = new LibUsbBus()) {
            String what = bus.describe();
            if (bus.available() && what.contains("no USB bus on this machine")) {
                // libusb started but sees not even a root hub: a container without the host's bus, or a VM without USB
                return Finding.info("libusb", what, "in a container, pass the host's USB bus in (`--device /dev/bus/usb`)");
            }
            if (bus.available()) {
                return Finding.ok("libusb", what);
            }
            return Finding.problem("libusb", what, "install libusb (`sudo apt install libusb-1.0-0`); in a container, pass the "
                    + "host's USB bus in (`--device /dev/bus/usb`)");
        } catch (RuntimeException | LinkageError e) {
            return Finding.problem("libusb", "libusb did not load (" + e + ")", "install libusb (`sudo apt install libusb-1.0-0`)");
        }
    }

    // ---- udev rules ---------------------------------------------------------------------------------------------

    Finding udevRules() {
        Path installed = at(HostFiles.RULES_PATH);
        if (!Files.exists(installed)) {
            if ("root".equals(s.user())) {
                // root opens the phones without them: the agent works as it runs now, but no other user (nor the service,
                // which runs as its own user) can, and nothing tells ModemManager to leave a 9008 phone alone
                return Finding.warning("udev-rules", HostFiles.RULES_PATH + " is missing: root (this run) can open the phones, "
                        + "no other user or service can, and ModemManager may probe them", "run `sudo lumia-agent setup`");
            }
            return Finding.problem("udev-rules", HostFiles.RULES_PATH + " is missing: only root can open the phones, and "
                    + "ModemManager may probe them", "run `sudo lumia-agent setup`");
        }
        try {
            byte[] have = Files.readAllBytes(installed);
            if (HostFiles.sha256(have).equals(HostFiles.sha256(HostFiles.rules()))) {
                return Finding.ok("udev-rules", HostFiles.RULES_PATH + " is installed and current");
            }
            return Finding.warning("udev-rules", HostFiles.RULES_PATH + " is out of date (it differs from the rules this agent "
                    + "carries)", "run `sudo lumia-agent setup`");
        } catch (IOException e) {
            return Finding.warning("udev-rules", HostFiles.RULES_PATH + " cannot be read (" + e.getMessage() + ")",
                    "run `sudo lumia-agent doctor`, or `sudo lumia-agent setup` to install it again");
        }
    }

    // ---- who may open the phones --------------------------------------------------------------------------------

    Finding access() {
        String user = s.user();
        if ("root".equals(user)) {
            return Finding.ok("access", "running as root: every phone can be opened (a service should not run as root: "
                    + "`sudo lumia-agent setup --service` runs it as its own user in plugdev)");
        }
        Set<String> groups = groups(user);
        if (groups.contains("plugdev")) {
            Optional<Set<String>> session = sessionGroups();
            if (session.isPresent() && !session.get().contains("plugdev")) {
                // usermod changes the user database; a running session keeps the groups it logged in with (id(1) without
                // a name shows the caller's own), so the phones stay closed to it until the next login
                return Finding.warning("access", user + " is in plugdev, but this session started before that and does not have "
                        + "the group yet: the phones open only after the next login", "log out and in again (or, in this shell "
                        + "only, `newgrp plugdev`)");
            }
            return Finding.ok("access", user + " is in plugdev: the rules' GROUP=\"plugdev\" lets " + user + " open the phones, "
                    + "also over SSH and from a service");
        }
        boolean plugdevExists = read("/etc/group").map(g -> g.lines().anyMatch(l -> l.startsWith("plugdev:"))).orElse(false);
        String seat = s.env().getOrDefault("XDG_SEAT", "");
        String fix = (plugdevExists ? "" : "`sudo groupadd --system plugdev`, then ") + "`sudo usermod -aG plugdev " + user
                + "` and log in again";
        if (!seat.isBlank()) {
            // uaccess is logind's ACL for the active local seat (73-seat-late.rules, notes-18 §2): it ends when the user
            // switches away and never covers SSH sessions or services
            return Finding.info("access", user + " is on the local seat " + seat + ": the rules' TAG+=\"uaccess\" lets " + user
                    + " open the phones while this session is the active one; not in plugdev, so SSH and services cannot", fix);
        }
        return Finding.warning("access", user + " is not in plugdev and has no local seat (no uaccess): only root can open "
                + "the phones", fix);
    }

    /**
     * The user's groups: {@code id -Gn USER}, which asks the system's user database through NSS (so groups from LDAP or
     * SSSD count, as on a company's machines); where {@code id} cannot run, from /etc/group (members) and /etc/passwd
     * (primary group), as it would list them for local users.
     */
    private Set<String> groups(String user) {
        Exec.Result id = s.exec().run("id", List.of("-Gn", user), timeout);
        if (id.ok()) {
            return words(id.stdout());
        }
        Set<String> groups = new LinkedHashSet<>();
        String primaryGid = read("/etc/passwd").flatMap(p -> p.lines().map(l -> l.split(":", -1))
                .filter(f -> f.length > 3 && f[0].equals(user)).map(f -> f[3]).findFirst()).orElse("");
        read("/etc/group").ifPresent(g -> g.lines().forEach(l -> {
            String[] f = l.split(":", -1);
            if (f.length < 4) {
                return;
            }
            if (f[2].equals(primaryGid) || List.of(f[3].split(",")).contains(user)) {
                groups.add(f[0]);
            }
        }));
        return groups;
    }

    /** The groups this process runs with ({@code id -Gn}, no name: the caller's own), or empty when id cannot tell. */
    private Optional<Set<String>> sessionGroups() {
        Exec.Result id = s.exec().run("id", List.of("-Gn"), timeout);
        return id.ok() ? Optional.of(words(id.stdout())) : Optional.empty();
    }

    private static Set<String> words(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : text.strip().split("\\s+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    // ---- qcserial on a 9008 phone -------------------------------------------------------------------------------

    Finding qcserial() {
        Path devices = at("/sys/bus/usb/devices");
        List<String> held = new ArrayList<>();
        int edl = 0;
        if (Files.isDirectory(devices)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(devices)) {
                List<Path> all = new ArrayList<>();
                ds.forEach(all::add);
                all.sort(null);
                for (Path dev : all) {
                    String name = dev.getFileName().toString();
                    if (name.contains(":") || !"05c6".equals(attr(dev, "idVendor")) || !"9008".equals(attr(dev, "idProduct"))) {
                        continue;
                    }
                    edl++;
                    for (Path itf : all) {
                        String n = itf.getFileName().toString();
                        if (n.startsWith(name + ":") && "qcserial".equals(driver(itf))) {
                            held.add(name + " (" + n + tty(itf) + ")");
                        }
                    }
                }
            } catch (IOException e) {
                return Finding.info("qcserial", "/sys/bus/usb/devices cannot be listed (" + e.getMessage() + ")", "");
            }
        }
        if (!held.isEmpty()) {
            String tty = held.get(0).contains("/dev/ttyUSB") ? held.get(0).replaceAll(".*(/dev/ttyUSB\\d+).*", "$1") : "/dev/ttyUSBn";
            return Finding.warning("qcserial", "qcserial holds the 05c6:9008 phone at " + String.join(", ", held)
                    + ": the agent must detach it first and ModemManager may probe the tty", "use the tty: `lumia-agent emergency "
                    + "--serial " + tty + "`, or keep qcserial off: `sudo cp udev-rules/blacklist-qcserial.conf "
                    + HostFiles.QCSERIAL_BLACKLIST + " && sudo modprobe -r qcserial` (not on a laptop whose own modem uses qcserial)");
        }
        if (edl > 0) {
            return Finding.ok("qcserial", edl + " 05c6:9008 phone" + (edl == 1 ? "" : "s") + " connected, none held by qcserial");
        }
        return Finding.ok("qcserial", "no 05c6:9008 phone connected (nothing for qcserial to hold)");
    }

    private static String attr(Path dev, String name) {
        try {
            return Files.readString(dev.resolve(name), StandardCharsets.US_ASCII).strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The interface's driver: the name its {@code driver} symlink points to (notes-18 §4). */
    private static String driver(Path itf) {
        try {
            Path link = itf.resolve("driver");
            return Files.isSymbolicLink(link) ? Files.readSymbolicLink(link).getFileName().toString() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String tty(Path itf) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(itf, "ttyUSB*")) {
            for (Path p : ds) {
                return " → /dev/" + p.getFileName();
            }
        } catch (IOException | RuntimeException e) {
            // no tty child: qcserial bound but no port yet
        }
        return "";
    }

    // ---- ModemManager -------------------------------------------------------------------------------------------

    Finding modemManager() {
        Exec.Result r = s.exec().run("systemctl", List.of("is-active", "ModemManager"), timeout);
        boolean filtered = read(HostFiles.RULES_PATH).map(t -> HostFiles.ignoredByModemManager(t, "05c6:9008")).orElse(false);
        switch (r.outcome()) {
            case MISSING:
                return Finding.info("modemmanager", "systemctl is not here: cannot tell whether ModemManager runs", "");
            case TIMED_OUT:
            case NOT_STARTED:
                return Finding.warning("modemmanager", r.describe(), "check `systemctl status ModemManager` by hand");
            default:
                break;
        }
        String state = r.stdout().strip();
        if (r.exitCode() == 0 && (state.equals("active") || state.equals("reloading"))) {
            if (filtered) {
                return Finding.ok("modemmanager", "ModemManager is active; the installed rules set ID_MM_DEVICE_IGNORE, so it "
                        + "leaves the phones alone (works under its default STRICT filter since 1.12)");
            }
            // the modemmanager package's own 77-mm-qdl-device-blacklist.rules ignores 05c6:9008 only: not f006, not the
            // phones' normal, label and UEFI IDs (notes-18 §3, grepped in the 1.20.4 .deb)
            boolean qdlOnly = Files.exists(at("/lib/udev/rules.d/77-mm-qdl-device-blacklist.rules"))
                    || Files.exists(at("/usr/lib/udev/rules.d/77-mm-qdl-device-blacklist.rules"));
            return Finding.warning("modemmanager", "ModemManager is active and nothing tells it to ignore the phones"
                    + (qdlOnly ? " (its package's 77-mm-qdl-device-blacklist.rules covers 05c6:9008 only)" : ": it probes a "
                    + "qcserial tty and can eat the 9008 phone's one-time Sahara HELLO"),
                    "run `sudo lumia-agent setup` (the rules set ID_MM_DEVICE_IGNORE), or `sudo systemctl disable --now ModemManager`");
        }
        if (r.stderr().contains("has not been booted with systemd")) {
            // a container or a host without systemd as PID 1: rc 1 and this text (notes-18 §5), not "inactive"
            return Finding.info("modemmanager", "systemd is not running here: ModemManager is not running either", "");
        }
        if (r.exitCode() == 3 || r.exitCode() == 4) {
            // 3 "inactive" also for a unit that does not exist on systemd 252 (bookworm); 4 from 253 on (notes-18 §5,
            // https://github.com/systemd/systemd/issues/25680)
            return Finding.ok("modemmanager", "ModemManager is not running (" + (state.isEmpty() ? "not active" : state) + ")");
        }
        return Finding.warning("modemmanager", "cannot tell whether ModemManager runs: " + r.describe(),
                "check `systemctl status ModemManager` by hand");
    }

    // ---- usbmon ---------------------------------------------------------------------------------------------------

    Finding usbmon() {
        // /dev/usbmon0 first: usbmon may be built in (=y), then there is no module line (notes-18 §4)
        if (Files.exists(at("/dev/usbmon0"))) {
            return Finding.ok("usbmon", "/dev/usbmon0 is there: --capture can record USB traffic");
        }
        boolean loaded = read("/proc/modules").map(m -> m.lines().anyMatch(l -> l.startsWith("usbmon "))).orElse(false)
                || Files.isDirectory(at("/sys/module/usbmon"));
        if (loaded) {
            return Finding.info("usbmon", "usbmon is loaded but /dev/usbmon0 is missing: --capture cannot open it",
                    "`sudo mknod -m 0600 /dev/usbmon0 c $(awk '$2==\"usbmon\"{print $1}' /proc/devices) 0`, or reboot");
        }
        return Finding.info("usbmon", "usbmon is not loaded: --capture cannot record USB traffic", "`sudo modprobe usbmon`");
    }

    // ---- uhubctl --------------------------------------------------------------------------------------------------

    Finding uhubctl() {
        Uhubctl.Listing l = new Uhubctl(s.exec(), timeout, timeout).list();
        return switch (l.outcome()) {
            case MISSING -> Finding.info("uhubctl", "uhubctl is not installed: port power recovery is off", "`" + Uhubctl.INSTALL + "`");
            case LISTED -> {
                List<String> hubs = l.hubs().stream().filter(Hub::canSwitchPorts).map(Hub::location).toList();
                yield Finding.ok("uhubctl", "uhubctl can switch port power on " + hubs.size() + " hub" + (hubs.size() == 1 ? "" : "s")
                        + (hubs.isEmpty() ? "" : ": " + String.join(", ", hubs)));
            }
            // uhubctl 2.5.0 prints its errors on stderr with rc 1 (notes-18 §1.5)
            case PERMISSION -> Finding.warning("uhubctl", "uhubctl cannot open the hubs as " + s.user() + " (permission problems)",
                    "install uhubctl's udev rule (https://git.io/JIB2Z) or run the station as root");
            case NONE -> Finding.info("uhubctl", "no hub here can switch port power (uhubctl: No compatible devices detected): port power "
                    + "recovery is off", "plug the phones into a hub with per-port power switching (ppps)");
            case FAILED, TIMED_OUT -> Finding.warning("uhubctl", l.detail(), "run `uhubctl` by hand to see why");
        };
    }

    // ---- disk -----------------------------------------------------------------------------------------------------

    Finding disk() {
        Path dir = s.firmwareDir().toAbsolutePath();
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Finding.warning("disk", "no part of " + dir + " exists", "give --firmware-dir DIR on a disk with room");
        }
        try {
            long free = Files.getFileStore(existing).getUsableSpace();
            String gib = String.format(Locale.ROOT, "%.1f GiB", free / (double) (1L << 30));
            if (free < s.minFree()) {
                return Finding.warning("disk", gib + " free for the firmware library " + dir + " (FFUs are 1–2 GiB each)",
                        "free space there, or give --firmware-dir DIR on a bigger disk");
            }
            return Finding.ok("disk", gib + " free for the firmware library " + dir);
        } catch (IOException e) {
            return Finding.warning("disk", "the free space of " + existing + " cannot be read (" + e.getMessage() + ")",
                    "give --firmware-dir DIR on a disk with room");
        }
    }

    // ---- Windows --------------------------------------------------------------------------------------------------

    List<Finding> windowsDrivers() {
        Exec.Result r = s.exec().run("pnputil", List.of("/enum-devices", "/connected"), timeout.multipliedBy(4));
        String addDriver = "`pnputil /add-driver " + HostFiles.WINUSB_INF + " /install` as administrator (lumia-agent setup prints it)";
        if (r.outcome() == Exec.Outcome.MISSING) {
            return List.of(Finding.warning("winusb", "pnputil is not here: the drivers cannot be checked", "Windows 10 1903 or newer has it"));
        }
        if (!r.ok()) {
            // builds older than 1903 answer /enum-devices with their usage text (notes-18 §7)
            return List.of(Finding.warning("winusb", "pnputil cannot list devices: " + r.describe(),
                    "Windows 10 1903 or newer is needed for `pnputil /enum-devices`"));
        }
        Set<String> ours = HostFiles.infHardwareIds(HostFiles.text(HostFiles.winusbInf()));
        List<Finding> out = new ArrayList<>();
        for (PnpDevice d : PnpDevice.parse(r.stdout())) {
            String id = d.hardwareId();
            if (!ours.contains(id)) {
                continue;
            }
            String what = id + " (" + d.description() + ")";
            if (id.startsWith("USB\\VID_05C6&PID_9008") && d.className().equalsIgnoreCase("Ports")) {
                String com = d.comPort().isEmpty() ? "COMn" : d.comPort();
                out.add(d.started()
                        ? Finding.info("qualcomm-com", what + ": the Qualcomm COM driver holds the 9008 phone on " + com,
                                "use it: `lumia-agent emergency --serial " + com + "`, or bind WinUSB: " + addDriver)
                        : Finding.problem("qualcomm-com", what + ": the Qualcomm COM driver is bound but the device is " + d.status(),
                                "reinstall the Qualcomm driver or bind WinUSB: " + addDriver));
            } else if (d.className().equalsIgnoreCase("USBDevice") && d.started()) {
                out.add(Finding.ok("winusb", what + ": WinUSB is bound (" + d.driverName() + ")"));
            } else {
                out.add(Finding.problem("winusb", what + ": not bound to WinUSB (class " + blank(d.className()) + ", status "
                        + blank(d.status()) + ", driver " + blank(d.driverName()) + "): the agent cannot open it", addDriver));
            }
        }
        if (out.isEmpty()) {
            out.add(Finding.info("winusb", "no Lumia phone connected: which driver binds them cannot be checked now",
                    "connect a phone and run doctor again"));
        }
        return out;
    }

    private static String blank(String s) {
        return s.isEmpty() ? "none" : s;
    }
}
