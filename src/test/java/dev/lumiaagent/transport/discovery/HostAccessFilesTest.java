package dev.lumiaagent.transport.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the host-access files (udev rules, Windows INF) in step with the personality table: a PID
 * the agent recognises but the OS will not let it open is a support call waiting to happen.
 * Paths are relative to the project root, Maven's working directory for tests.
 */
class HostAccessFilesTest {
    private static final Path RULES = Path.of("udev-rules", "51-lumia-agent.rules");
    private static final Path INF = Path.of("drivers", "windows", "lumia-agent-winusb.inf");
    private static final Pattern USB_RULE = Pattern.compile(
            "^ATTR\\{idVendor\\}==\"([0-9a-f]{4})\", ATTR\\{idProduct\\}==\"([0-9a-f]{4})\",(.*)$");

    @Test
    void everyConcreteVidPidInThePersonalityTableHasAUsbRule() throws IOException {
        Set<String> covered = new TreeSet<>();
        for (String line : ruleLines()) {
            Matcher m = USB_RULE.matcher(line);
            if (m.matches()) {
                assertThat(m.group(3)).as(line)
                        .contains("TAG+=\"uaccess\"", "GROUP=\"plugdev\"", "MODE=\"0660\"",
                                "ENV{ID_MM_DEVICE_IGNORE}=\"1\"");
                covered.add(m.group(1) + ":" + m.group(2));
            }
        }
        assertThat(covered).containsExactlyInAnyOrderElementsOf(concreteVidPids());
    }

    @Test
    void noRuleMatchesAWholeVendor() throws IOException {
        for (String line : ruleLines()) {
            if (line.contains("idVendor")) {
                assertThat(line).as("a vendor-wide rule would grab keyboards, mice and modems")
                        .contains("idProduct");
            }
        }
    }

    @Test
    void theQdlTtyIsOpenToTheUserAndClosedToModemManager() throws IOException {
        assertThat(ruleLines()).anySatisfy(line -> assertThat(line)
                .startsWith("ATTRS{idVendor}==\"05c6\", ATTRS{idProduct}==\"9008\"")
                .contains("TAG+=\"uaccess\"", "ENV{ID_MM_DEVICE_IGNORE}=\"1\""));
        assertThat(Files.readString(RULES)).contains("LABEL=\"lumia_agent_tty\"", "SUBSYSTEM==\"tty\"");
    }

    @Test
    void infBindsTheProtocolInterfacesForEveryArchitecture() throws IOException {
        byte[] raw = Files.readAllBytes(INF);
        for (byte b : raw) {
            assertThat(b & 0xFF).as("INF files must be plain ASCII").isLessThan(0x80);
        }
        String inf = new String(raw, StandardCharsets.US_ASCII);
        List<String> ids = List.of(
                "USB\\VID_0421&PID_0661&MI_02", "USB\\VID_0421&PID_0661&MI_03",
                "USB\\VID_0421&PID_06FC&MI_02", "USB\\VID_0421&PID_06FC&MI_03",
                "USB\\VID_045E&PID_0A00&MI_02", "USB\\VID_045E&PID_0A00&MI_03",
                "USB\\VID_0421&PID_0660&MI_04", "USB\\VID_0421&PID_0713&MI_04",
                "USB\\VID_045E&PID_0A01&MI_04",
                "USB\\VID_0421&PID_066E", "USB\\VID_0421&PID_0714", "USB\\VID_045E&PID_0A02",
                "USB\\VID_0421&PID_05EE", "USB\\VID_0421&PID_0658", "USB\\VID_045E&PID_0658",
                "USB\\VID_05C6&PID_9008");
        for (String section : List.of("NTx86", "NTamd64", "NTarm64")) {
            String body = section(inf, "LumiaAgent." + section);
            for (String id : ids) {
                assertThat(body).as(section).containsPattern(Pattern.quote(id) + "\\r?\\n");
            }
        }
        assertThat(inf).contains("Include = winusb.inf", "Needs   = WINUSB.NT", "WINUSB.NT.Services",
                "{7EAFF726-34CC-4204-B09D-F95471B873CF}", "{F4FE0C27-7304-4ED7-AAB5-130893B84B6F}",
                "{9E3BD5F7-9690-4FCC-8810-3E2650CD6ECC}", "{71DE994D-8B7C-43DB-A27E-2AE7CD579A0C}");
    }

    private static Set<String> concreteVidPids() {
        Set<String> ids = new TreeSet<>();
        for (PersonalityTable.Rule r : PersonalityTable.standard().rules()) {
            if (r.pid() != -1) {
                ids.add(String.format(Locale.ROOT, "%04x:%04x", r.vid(), r.pid()));
            }
        }
        return ids;
    }

    private static List<String> ruleLines() throws IOException {
        return Files.readAllLines(RULES).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
    }

    private static String section(String inf, String name) {
        int start = inf.indexOf("[" + name + "]");
        assertThat(start).as("section [%s]", name).isNotNegative();
        int end = inf.indexOf("\n[", start + 1);
        return inf.substring(start, end < 0 ? inf.length() : end + 1);
    }
}
