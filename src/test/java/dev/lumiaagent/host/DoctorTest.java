package dev.lumiaagent.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code doctor}'s checks against a fake root (/etc, /sys, /proc, /dev in a temporary directory; never the machine's
 * own) and fake programs that answer as the real ones do (notes-18, each answer's source named where it is used).
 */
class DoctorTest {
    @TempDir
    Path dir;

    Path root;
    FakePrograms fakes;

    @BeforeEach
    void fakeHost() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        fakes = new FakePrograms(dir);
        write("/etc/group", "root:x:0:\nplugdev:x:46:\nalice:x:1000:\n");
        write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n");
    }

    private Path write(String absolute, String text) throws IOException {
        Path p = HostFiles.under(root, absolute);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private Doctor doctor(HostOs os, String user, Map<String, String> env, long minFree, Supplier<Finding> libusb) {
        return new Doctor(new Doctor.Settings(root, os, fakes.exec(), env, user, dir.resolve("firmware"), minFree, libusb,
                () -> Finding.ok("store", "fake store"))).timeout(Duration.ofSeconds(2));
    }

    private Doctor linux(String user) {
        return doctor(HostOs.LINUX, user, Map.of(), 0, () -> Finding.ok("libusb", "fake libusb"));
    }

    private static Finding only(List<Finding> all, String check) {
        return all.stream().filter(f -> f.check().equals(check)).findFirst().orElseThrow(() -> new AssertionError("no " + check + " in " + all));
    }

    // ---- udev rules ----

    @Test
    void missingRulesAreAProblemFixedBySetup() {
        Finding f = linux("alice").udevRules();
        assertThat(f.severity()).isEqualTo(Severity.PROBLEM);
        assertThat(f.message()).contains("/etc/udev/rules.d/51-lumia-agent.rules is missing");
        assertThat(f.fix()).isEqualTo("run `sudo lumia-agent setup`");
    }

    /** As root the agent opens the phones without the rules: a warning (no other user or service can; ModemManager may probe). */
    @Test
    void missingRulesAreAWarningForRoot() {
        Finding f = linux("root").udevRules();
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.message()).contains("is missing").contains("root (this run) can open the phones").contains("ModemManager");
        assertThat(f.fix()).isEqualTo("run `sudo lumia-agent setup`");
    }

    @Test
    void rulesLikeTheAgentsAreCurrentAndOthersOutOfDate() throws IOException {
        Path p = HostFiles.under(root, HostFiles.RULES_PATH);
        Files.createDirectories(p.getParent());
        Files.write(p, HostFiles.rules());
        assertThat(linux("alice").udevRules().severity()).isEqualTo(Severity.OK);

        write(HostFiles.RULES_PATH, "# an older copy\n");
        Finding f = linux("alice").udevRules();
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.message()).contains("out of date");
        assertThat(f.fix()).isEqualTo("run `sudo lumia-agent setup`");
    }

    @Test
    void theJarCarriesTheRepositorysRulesAndInf() throws IOException {
        assertThat(HostFiles.rules()).isEqualTo(Files.readAllBytes(Path.of("udev-rules", "51-lumia-agent.rules")));
        assertThat(HostFiles.winusbInf()).isEqualTo(Files.readAllBytes(Path.of("drivers", "windows", "lumia-agent-winusb.inf")));
        // setup installs no separate ModemManager filter because of exactly this (notes-18 §3)
        String rules = HostFiles.text(HostFiles.rules());
        assertThat(HostFiles.ignoredByModemManager(rules, "05c6:9008")).isTrue();
        assertThat(HostFiles.ignoredByModemManager(rules, "05c6:f006")).isTrue();
    }

    // ---- access ----

    @Test
    void aPlugdevMemberCanOpenThePhones() throws IOException {
        write("/etc/group", "root:x:0:\nplugdev:x:46:bob,alice\nalice:x:1000:\n");
        Finding f = linux("alice").access();
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.message()).contains("alice is in plugdev");
    }

    @Test
    void aLocalSeatWithoutPlugdevIsUaccessOnly() {
        Finding f = doctor(HostOs.LINUX, "alice", Map.of("XDG_SEAT", "seat0"), 0, () -> Finding.ok("libusb", "")).access();
        assertThat(f.severity()).isEqualTo(Severity.INFO);
        assertThat(f.message()).contains("local seat seat0").contains("uaccess");
        assertThat(f.fix()).contains("sudo usermod -aG plugdev alice");
    }

    @Test
    void neitherPlugdevNorASeatIsAWarningWithTheCommand() throws IOException {
        write("/etc/group", "root:x:0:\nalice:x:1000:\n");
        Finding f = linux("alice").access();
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.fix()).contains("sudo groupadd --system plugdev").contains("sudo usermod -aG plugdev alice");
    }

    /**
     * A company's machine keeps its groups in LDAP/SSSD: /etc/group does not list alice in plugdev, the user database does.
     * id(1) asks it through NSS and prints the names space-separated on one line (coreutils: {@code id -Gn alice} →
     * {@code alice plugdev}).
     */
    @Test
    void aPlugdevMembershipFromTheDirectoryCountsThroughId() throws IOException {
        write("/etc/group", "root:x:0:\nplugdev:x:46:\nalice:x:1000:\n");
        fakes.answering("id", "alice plugdev", "", 0);
        Finding f = linux("alice").access();
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.message()).contains("alice is in plugdev");
        assertThat(fakes.calls()).contains("id -Gn alice", "id -Gn");
    }

    /** `usermod -aG plugdev` done, no new login yet: the database has the group, this session (id without a name) does not. */
    @Test
    void plugdevAddedButNotLoggedInAgainIsAWarningToLogInAgain() {
        fakes.program("id", "if [ \"$#\" -eq 2 ]; then echo 'alice plugdev'; else echo 'alice sudo'; fi");
        Finding f = linux("alice").access();
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.message()).contains("does not have the group yet");
        assertThat(f.fix()).contains("log out and in again").contains("newgrp plugdev");
    }

    @Test
    void anUnknownUserForIdFallsBackToTheGroupFile() throws IOException {
        write("/etc/group", "root:x:0:\nplugdev:x:46:alice\nalice:x:1000:\n");
        fakes.answering("id", "", "id: 'alice': no such user", 1);
        Finding f = linux("alice").access();
        assertThat(f.severity()).isEqualTo(Severity.OK);
    }

    // ---- qcserial ----

    /** A 05c6:9008 device at 1-2 whose interface 1-2:1.0 is bound to qcserial with its tty (sysfs layout, notes-18 §4). */
    private void edlPhone(boolean qcserial) throws IOException {
        Path devices = HostFiles.under(root, "/sys/bus/usb/devices");
        Path dev = Files.createDirectories(devices.resolve("1-2"));
        Files.writeString(dev.resolve("idVendor"), "05c6\n");
        Files.writeString(dev.resolve("idProduct"), "9008\n");
        Path itf = Files.createDirectories(devices.resolve("1-2:1.0"));
        if (qcserial) {
            Files.createSymbolicLink(itf.resolve("driver"), Path.of("../../../../bus/usb/drivers/qcserial"));
            Files.createDirectories(itf.resolve("ttyUSB0"));
        }
        Path other = Files.createDirectories(devices.resolve("1-3"));
        Files.writeString(other.resolve("idVendor"), "046d\n");
        Files.writeString(other.resolve("idProduct"), "c52b\n");
    }

    @Test
    void qcserialOnA9008PhoneIsNamedWithBothFixes() throws IOException {
        edlPhone(true);
        Finding f = linux("alice").qcserial();
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.message()).contains("qcserial holds the 05c6:9008 phone at 1-2 (1-2:1.0 → /dev/ttyUSB0)");
        assertThat(f.fix()).contains("lumia-agent emergency --serial /dev/ttyUSB0").contains("blacklist-qcserial.conf")
                .contains("sudo modprobe -r qcserial");
    }

    @Test
    void a9008PhoneWithoutQcserialAndNoPhoneAreFine() throws IOException {
        assertThat(linux("alice").qcserial().message()).contains("no 05c6:9008 phone connected");
        edlPhone(false);
        Finding f = linux("alice").qcserial();
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.message()).contains("1 05c6:9008 phone connected, none held by qcserial");
    }

    // ---- ModemManager: `systemctl is-active ModemManager` (notes-18 §5, systemd 252) ----

    @Test
    void anActiveModemManagerWithoutTheRulesIsAWarning() {
        fakes.answering("systemctl", "active", "", 0);
        Finding f = linux("alice").modemManager();
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.fix()).contains("sudo lumia-agent setup").contains("ID_MM_DEVICE_IGNORE");
        assertThat(fakes.calls()).containsExactly("systemctl is-active ModemManager");
    }

    @Test
    void thePackagesOwnQdlRuleIsNotEnough() throws IOException {
        // bookworm's modemmanager ships 77-mm-qdl-device-blacklist.rules with 05c6:9008 only (notes-18 §3)
        write("/lib/udev/rules.d/77-mm-qdl-device-blacklist.rules",
                "ATTRS{idVendor}==\"05c6\", ATTRS{idProduct}==\"9008\", ENV{ID_MM_DEVICE_IGNORE}=\"1\"\n");
        fakes.answering("systemctl", "active", "", 0);
        Finding f = linux("alice").modemManager();
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.message()).contains("covers 05c6:9008 only");
    }

    @Test
    void anActiveModemManagerIsFineOnceTheRulesTellItToIgnoreThePhones() throws IOException {
        fakes.answering("systemctl", "active", "", 0);
        Path p = HostFiles.under(root, HostFiles.RULES_PATH);
        Files.createDirectories(p.getParent());
        Files.write(p, HostFiles.rules());
        assertThat(linux("alice").modemManager().severity()).isEqualTo(Severity.OK);
    }

    @Test
    void inactiveOrUnknownUnitIsNotRunning() {
        // bookworm's 252 answers a unit that does not exist with "inactive" and 3, not 4 (systemd issue 25680)
        fakes.answering("systemctl", "inactive", "", 3);
        Finding f = linux("alice").modemManager();
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.message()).contains("not running (inactive)");
    }

    @Test
    void noSystemdIsSaidAsSuchNotAsInactive() {
        fakes.answering("systemctl", "", "System has not been booted with systemd as init system (PID 1). Can't operate.\n"
                + "Failed to connect to bus: Host is down", 1);
        Finding f = linux("alice").modemManager();
        assertThat(f.severity()).isEqualTo(Severity.INFO);
        assertThat(f.message()).contains("systemd is not running here");
    }

    @Test
    void aMissingOrHangingSystemctlIsNamed() {
        assertThat(linux("alice").modemManager().message()).contains("systemctl is not here");
        fakes.hanging("systemctl");
        Finding f = linux("alice").modemManager();
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.message()).contains("systemctl is-active ModemManager: still running after");
    }

    // ---- usbmon (notes-18 §4: /dev/usbmon0 first, then /proc/modules, /sys/module) ----

    @Test
    void usbmonFromItsNodeItsModuleOrNeither() throws IOException {
        Finding none = linux("alice").usbmon();
        assertThat(none.severity()).isEqualTo(Severity.INFO);
        assertThat(none.fix()).isEqualTo("`sudo modprobe usbmon`");

        // /proc/modules line shape from kernel/module/procfs.c m_show (notes-18 §4)
        write("/proc/modules", "udp_diag 12288 0 - Live 0x0000000000000000\nusbmon 45056 0 - Live 0x0000000000000000\n");
        assertThat(linux("alice").usbmon().message()).contains("usbmon is loaded but /dev/usbmon0 is missing");

        write("/dev/usbmon0", "");
        assertThat(linux("alice").usbmon().severity()).isEqualTo(Severity.OK);
    }

    // ---- uhubctl 2.5.0 (notes-18 §1) ----

    @Test
    void uhubctlListsTheHubsItCanSwitch() {
        // listing from https://github.com/mvp/uhubctl/issues/629 (notes-18 §1.2)
        fakes.answering("uhubctl", "Current status for hub 3-1.1 [0bda:5411 Generic 4-Port USB 2.0 Hub, USB 2.10, 4 ports, ppps]\n"
                + "  Port 1: 0103 power enable connect [2c97:1015 Ledger Nano S 0001]\n"
                + "  Port 2: 0100 power\n"
                + "Current status for hub 3-1 [0bda:5411 Generic 4-Port USB 2.0 Hub, USB 2.10, 4 ports, ppps]\n"
                + "  Port 1: 0503 power highspeed enable connect [0bda:5411 Generic 4-Port USB 2.0 Hub, USB 2.10, 4 ports, ppps]", "", 0);
        Finding f = linux("alice").uhubctl();
        assertThat(f.severity()).isEqualTo(Severity.OK);
        assertThat(f.message()).isEqualTo("uhubctl can switch port power on 2 hubs: 3-1.1, 3-1");
        assertThat(fakes.calls()).containsExactly("uhubctl");
    }

    @Test
    void uhubctlWithoutHubsMissingOrWithoutPermission() {
        Finding missing = linux("alice").uhubctl();
        assertThat(missing.severity()).isEqualTo(Severity.INFO);
        assertThat(missing.message()).contains("port power recovery is off");
        assertThat(missing.fix()).isEqualTo("`sudo apt install uhubctl`");

        // [ran] on a machine without USB: rc 1, stderr only (notes-18 §1.5)
        fakes.answering("uhubctl", "", "No compatible devices detected!\nRun with -h to get usage info.", 1);
        Finding none = linux("alice").uhubctl();
        assertThat(none.severity()).isEqualTo(Severity.INFO);
        assertThat(none.message()).contains("no hub here can switch port power");

        // https://github.com/mvp/uhubctl/issues/510 (notes-18 §1.5)
        fakes.answering("uhubctl", "", "There were permission problems while accessing USB.\nFollow https://git.io/JIB2Z for a fix!\n"
                + "No compatible devices detected!\nRun with -h to get usage info.", 1);
        Finding denied = linux("alice").uhubctl();
        assertThat(denied.severity()).isEqualTo(Severity.WARNING);
        assertThat(denied.fix()).contains("https://git.io/JIB2Z");
    }

    // ---- disk ----

    @Test
    void littleFreeSpaceIsAWarning() {
        Finding f = doctor(HostOs.LINUX, "alice", Map.of(), Long.MAX_VALUE, () -> Finding.ok("libusb", "")).disk();
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.message()).contains("free for the firmware library").contains("1–2 GiB each");
        assertThat(f.fix()).contains("--firmware-dir");
        assertThat(linux("alice").disk().severity()).isEqualTo(Severity.OK);
    }

    // ---- the whole run ----

    @Test
    void aBrokenCheckIsAProblemNotACrashAndTheWorstDecides() {
        fakes.answering("systemctl", "inactive", "", 3);
        List<Finding> all = doctor(HostOs.LINUX, "alice", Map.of(), 0, () -> {
            throw new IllegalStateException("boom");
        }).run();
        assertThat(all).extracting(Finding::check).containsExactly("libusb", "udev-rules", "access", "qcserial", "modemmanager",
                "usbmon", "uhubctl", "disk", "store");
        assertThat(only(all, "libusb").severity()).isEqualTo(Severity.PROBLEM);
        assertThat(only(all, "libusb").message()).contains("the check itself failed").contains("boom");
        assertThat(Doctor.worst(all)).isEqualTo(Severity.PROBLEM);
        assertThat(Doctor.worst(List.of(Finding.ok("a", ""), Finding.info("b", "", "")))).isEqualTo(Severity.INFO);
        assertThat(Doctor.worst(List.of())).isEqualTo(Severity.OK);
    }

    @Test
    void macOsSaysWhichChecksDoNotApply() {
        List<Finding> all = doctor(HostOs.MACOS, "alice", Map.of(), 0, () -> Finding.ok("libusb", "")).run();
        assertThat(all).extracting(Finding::check).containsExactly("libusb", "host", "uhubctl", "disk", "store");
        assertThat(only(all, "host").message()).contains("macOS").contains("udev rules, plugdev/uaccess, qcserial, ModemManager and usbmon")
                .contains("do not apply");
    }

    // ---- Windows: `pnputil /enum-devices /connected` (notes-18 §7) ----

    /**
     * Field layout exactly as the real output quoted in notes-18 §7 (https://github.com/johnstevenson/pl2303-legacy/issues/5):
     * the Prolific block is that output; the Lumia blocks are the same fields for our devices.
     */
    static final String PNPUTIL = "Microsoft PnP Utility\n"
            + "\n"
            + "Instance ID:                USB\\VID_067B&PID_2303\\5&12c8f4c0&0&2\n"
            + "Device Description:         Prolific USB-to-Serial Comm Port (COM4)\n"
            + "Class Name:                 Ports\n"
            + "Class GUID:                 {4d36e978-e325-11ce-bfc1-08002be10318}\n"
            + "Manufacturer Name:          Prolific\n"
            + "Status:                     Started\n"
            + "Driver Name:                oem6.inf\n"
            + "\n"
            + "Instance ID:                USB\\VID_0421&PID_0661&MI_02\\6&2b41d6f1&0&0002\n"
            + "Device Description:         Lumia (NCSd)\n"
            + "Class Name:                 USBDevice\n"
            + "Class GUID:                 {88bae032-5a81-49f0-bc3d-a4ff138216d6}\n"
            + "Manufacturer Name:          lumia-agent\n"
            + "Status:                     Started\n"
            + "Driver Name:                oem42.inf\n"
            + "\n"
            + "Instance ID:                USB\\VID_0421&PID_0661&MI_03\\6&2b41d6f1&0&0003\n"
            + "Device Description:         Nokia Lumia 520\n"
            + "Class Name:                 Unknown\n"
            + "Status:                     Problem\n"
            + "\n"
            + "Instance ID:                USB\\VID_05C6&PID_9008\\5&3a2f1c0&0&4\n"
            + "Device Description:         Qualcomm HS-USB QDLoader 9008 (COM5)\n"
            + "Class Name:                 Ports\n"
            + "Class GUID:                 {4d36e978-e325-11ce-bfc1-08002be10318}\n"
            + "Manufacturer Name:          Qualcomm Incorporated\n"
            + "Status:                     Started\n"
            + "Driver Name:                oem17.inf\n";

    @Test
    void pnputilBlocksParse() {
        List<PnpDevice> devices = PnpDevice.parse(PNPUTIL.replace("\n", "\r\n"));
        assertThat(devices).hasSize(4);
        assertThat(devices.get(0)).isEqualTo(new PnpDevice("USB\\VID_067B&PID_2303\\5&12c8f4c0&0&2",
                "Prolific USB-to-Serial Comm Port (COM4)", "Ports", "Started", "oem6.inf"));
        assertThat(devices.get(1).hardwareId()).isEqualTo("USB\\VID_0421&PID_0661&MI_02");
        assertThat(devices.get(3).comPort()).isEqualTo("COM5");
    }

    @Test
    void windowsChecksWinUsbOnEachLumiaInterfaceAndTheQualcommComDriver() {
        fakes.answering("pnputil", PNPUTIL, "", 0);
        List<Finding> all = doctor(HostOs.WINDOWS, "alice", Map.of(), 0, () -> Finding.ok("libusb", "")).run();
        assertThat(fakes.calls()).contains("pnputil /enum-devices /connected");
        assertThat(all).extracting(Finding::check).doesNotContain("udev-rules", "qcserial", "modemmanager", "usbmon", "access");
        assertThat(all).filteredOn(f -> f.message().contains("VID_067B")).isEmpty();

        assertThat(all).anySatisfy(f -> {
            assertThat(f.check()).isEqualTo("winusb");
            assertThat(f.severity()).isEqualTo(Severity.OK);
            assertThat(f.message()).contains("USB\\VID_0421&PID_0661&MI_02").contains("WinUSB is bound (oem42.inf)");
        });
        assertThat(all).anySatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.PROBLEM);
            assertThat(f.message()).contains("USB\\VID_0421&PID_0661&MI_03").contains("not bound to WinUSB (class Unknown, status Problem");
            assertThat(f.fix()).contains("pnputil /add-driver lumia-agent-winusb.inf /install");
        });
        assertThat(all).anySatisfy(f -> {
            assertThat(f.check()).isEqualTo("qualcomm-com");
            assertThat(f.severity()).isEqualTo(Severity.INFO);
            assertThat(f.message()).contains("Qualcomm COM driver holds the 9008 phone on COM5");
            assertThat(f.fix()).contains("lumia-agent emergency --serial COM5");
        });
    }

    @Test
    void windowsWithoutPhonesOrWithAnOldPnputil() {
        fakes.answering("pnputil", "Microsoft PnP Utility\n", "", 0);
        assertThat(doctor(HostOs.WINDOWS, "alice", Map.of(), 0, () -> Finding.ok("libusb", "")).windowsDrivers())
                .singleElement().satisfies(f -> assertThat(f.message()).contains("no Lumia phone connected"));
        fakes.answering("pnputil", "Microsoft PnP Utility\n\nPNPUTIL [/add-driver <...> | /delete-driver <...> ...]", "", 1);
        assertThat(doctor(HostOs.WINDOWS, "alice", Map.of(), 0, () -> Finding.ok("libusb", "")).windowsDrivers())
                .singleElement().satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.WARNING);
                    assertThat(f.fix()).contains("1903");
                });
    }
}
