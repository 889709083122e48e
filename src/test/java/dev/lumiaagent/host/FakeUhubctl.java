package dev.lumiaagent.host;

import dev.lumiaagent.exec.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * A fake {@code uhubctl} for tests: a {@code #!/bin/sh} script first on the PATH given to {@link Exec#withEnvironment},
 * which appends its argument list to {@code calls.txt} and answers with uhubctl 2.5.0's own texts, each quoted below
 * from /work/notes-18.md §1 with that note's source. Public so the cli tests use the same answers.
 */
public final class FakeUhubctl {
    /**
     * A ppps hub with a Lumia and a 9008. The hub line is issue #629's (https://github.com/mvp/uhubctl/issues/629, 2025);
     * the port lines follow print_port_status's format (uhubctl.c @v2.5.0 722-813, notes §1.2): 0503 = power highspeed
     * enable connect. The phones' description strings are assumed (manufacturer/product as the phones report them).
     */
    public static final String PPPS_LISTING = ""
            + "Current status for hub 1-2 [0bda:5411 Generic 4-Port USB 2.0 Hub, USB 2.10, 4 ports, ppps]\n"
            + "  Port 1: 0100 power\n"
            + "  Port 2: 0100 power\n"
            + "  Port 3: 0503 power highspeed enable connect [0421:0661 Microsoft Lumia 950]\n"
            + "  Port 4: 0503 power highspeed enable connect [05c6:9008 Qualcomm CDMA Technologies MSM QHSUSB__BULK]\n";

    /** A USB3 hub's two halves, verbatim from https://github.com/mvp/uhubctl/issues/481 (uhubctl 2.5.0-2-g19dfdad7; notes §1.3). */
    public static final String TWIN_LISTING = ""
            + "Current status for hub 2-2 [0bda:0411 Generic USB3.2 Hub, USB 3.20, 4 ports, ppps]\n"
            + "  Port 1: 02a0 power 5gbps Rx.Detect\n"
            + "  Port 2: 02a0 power 5gbps Rx.Detect\n"
            + "  Port 3: 02a0 power 5gbps Rx.Detect\n"
            + "  Port 4: 02a0 power 5gbps Rx.Detect\n"
            + "Current status for hub 1-5 [0bda:5411 Generic USB2.1 Hub, USB 2.10, 4 ports, ppps]\n"
            + "  Port 1: 0100 power\n"
            + "  Port 2: 0100 power\n"
            + "  Port 3: 0100 power\n"
            + "  Port 4: 0100 power\n";

    /** A ganged hub, listed only with {@code -f}: verbatim from https://github.com/mvp/uhubctl/pull/541 (2023; notes §1.2), its location 3-4 kept. */
    public static final String GANGED_LISTING = ""
            + "Current status for hub 3-4 [1a40:0101 USB 2.0 Hub, USB 2.00, 4 ports, ganged]\n"
            + "  Port 1: 0103 power enable connect [0a5c:2763 Broadcom BCM2708 Boot]\n"
            + "  Port 2: 0100 power\n"
            + "  Port 3: 0100 power\n"
            + "  Port 4: 0503 power highspeed enable connect [0bda:8152 Realtek USB 10/100 LAN 00E04C360150]\n";

    /**
     * {@code uhubctl -l 1-2 -p 3 -a cycle -d 2}: two Current/Sent/New blocks with only the Port 3 line (notes §1.4, main loop
     * uhubctl.c @v2.5.0 1168-1237; shape of issue #601's cycle log). Right after power-on the phone is not enumerated
     * yet, so the last New status reads 0100 power (notes §1.4).
     */
    public static final String CYCLE_1_2_PORT_3 = ""
            + "Current status for hub 1-2 [0bda:5411 Generic 4-Port USB 2.0 Hub, USB 2.10, 4 ports, ppps]\n"
            + "  Port 3: 0503 power highspeed enable connect [0421:0661 Microsoft Lumia 950]\n"
            + "Sent power off request\n"
            + "New status for hub 1-2 [0bda:5411 Generic 4-Port USB 2.0 Hub, USB 2.10, 4 ports, ppps]\n"
            + "  Port 3: 0000 off\n"
            + "Current status for hub 1-2 [0bda:5411 Generic 4-Port USB 2.0 Hub, USB 2.10, 4 ports, ppps]\n"
            + "  Port 3: 0000 off\n"
            + "Sent power on request\n"
            + "New status for hub 1-2 [0bda:5411 Generic 4-Port USB 2.0 Hub, USB 2.10, 4 ports, ppps]\n"
            + "  Port 3: 0100 power\n";

    /** notes §1.5, verified by running Debian's uhubctl 2.5.0-1: stderr, rc 1. */
    public static String noDevicesAt(String location) {
        return "No compatible devices detected at location " + location + "!\nRun with -h to get usage info.\n";
    }

    /** notes §1.5, real log https://github.com/mvp/uhubctl/issues/510 (2.5.0-13): stderr, rc 1. */
    public static final String PERMISSION = "There were permission problems while accessing USB.\n"
            + "Follow https://git.io/JIB2Z for a fix!\n"
            + "No compatible devices detected!\n"
            + "Run with -h to get usage info.\n";

    private final Path dir;

    public FakeUhubctl(Path dir) {
        this.dir = dir;
    }

    /**
     * Writes the fake: {@code cases} is the body of a shell {@code case "$*" in … esac} (the joined arguments); the
     * default branch answers like uhubctl with no hub at the asked location (§1.5).
     */
    public FakeUhubctl answer(String cases) throws IOException {
        Files.createDirectories(dir);
        Path p = dir.resolve("uhubctl");
        Files.writeString(p, "#!/bin/sh\n"
                + "printf '%s\\n' \"$*\" >> '" + calls() + "'\n"
                + "case \"$*\" in\n" + cases + "\n"
                + "*) echo 'No compatible devices detected!' >&2; echo 'Run with -h to get usage info.' >&2; exit 1;;\n"
                + "esac\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return this;
    }

    /** One case branch printing {@code stdout} (a heredoc, so the text is byte for byte) and {@code stderr}, exiting {@code rc}. */
    public static String when(String args, String stdout, String stderr, int rc) {
        StringBuilder sb = new StringBuilder("'" + args + "')\n");
        if (!stdout.isEmpty()) {
            sb.append("cat <<'OUT'\n").append(stdout).append(stdout.endsWith("\n") ? "" : "\n").append("OUT\n");
        }
        if (!stderr.isEmpty()) {
            sb.append("cat >&2 <<'ERR'\n").append(stderr).append(stderr.endsWith("\n") ? "" : "\n").append("ERR\n");
        }
        return sb.append("exit ").append(rc).append(";;\n").toString();
    }

    public Path calls() {
        return dir.resolve("calls.txt");
    }

    public List<String> recorded() throws IOException {
        return Files.exists(calls()) ? Files.readAllLines(calls()) : List.of();
    }

    public Exec exec() {
        return Exec.withEnvironment(Map.of("PATH", dir + ":/usr/bin:/bin"));
    }

    public Map<String, String> environment() {
        return Map.of("PATH", dir + ":/usr/bin:/bin");
    }
}
