package dev.lumiaagent.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host files the agent carries in its jar (the pom copies them from {@code udev-rules/} and {@code drivers/windows/}):
 * what {@code setup} installs and what {@code doctor} compares the installed copies with. One source, so the installed
 * rules are byte for byte the repository's (HostAccessFilesTest checks those against the personality table).
 */
public final class HostFiles {
    public static final String RULES_NAME = "51-lumia-agent.rules";
    /** Where udev reads the administrator's rules (udev(7), notes-18 §2): /etc wins over the packages' /lib. */
    public static final String RULES_PATH = "/etc/udev/rules.d/" + RULES_NAME;
    public static final String WINUSB_INF = "lumia-agent-winusb.inf";
    public static final String QCSERIAL_BLACKLIST = "/etc/modprobe.d/blacklist-qcserial.conf";

    private static final Pattern RULE_ID = Pattern.compile(
            "ATTRS?\\{idVendor\\}==\"([0-9a-f]{4})\", ATTRS?\\{idProduct\\}==\"([0-9a-f]{4})\"");
    private static final Pattern INF_ID = Pattern.compile("(USB\\\\VID_[0-9A-Fa-f]{4}&PID_[0-9A-Fa-f]{4}(&MI_[0-9A-Fa-f]{2})?)");

    private HostFiles() {
    }

    /** The rules file as the agent carries it. */
    public static byte[] rules() {
        return resource(RULES_NAME);
    }

    /** The WinUSB INF as the agent carries it. */
    public static byte[] winusbInf() {
        return resource(WINUSB_INF);
    }

    /** Every "vvvv:pppp" (lower case) the rules file gives access to, in file order. */
    public static Set<String> ruleIds(String rulesText) {
        Set<String> ids = new LinkedHashSet<>();
        Matcher m = RULE_ID.matcher(rulesText);
        while (m.find()) {
            ids.add(m.group(1) + ":" + m.group(2));
        }
        return ids;
    }

    /** Whether {@code rulesText} tells ModemManager to leave {@code vidPid} alone (ID_MM_DEVICE_IGNORE, notes-18 §3). */
    public static boolean ignoredByModemManager(String rulesText, String vidPid) {
        String[] v = vidPid.split(":");
        for (String line : rulesText.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.contains("{idVendor}==\"" + v[0] + "\"") && line.contains("{idProduct}==\"" + v[1] + "\"")
                    && line.contains("ENV{ID_MM_DEVICE_IGNORE}=\"1\"")) {
                return true;
            }
        }
        return false;
    }

    /** The INF's hardware IDs in upper case ({@code USB\VID_0421&PID_0661&MI_02}, {@code USB\VID_05C6&PID_9008}). */
    public static Set<String> infHardwareIds(String infText) {
        Set<String> ids = new LinkedHashSet<>();
        for (String line : infText.split("\n")) {
            String l = line.strip();
            if (l.startsWith(";") || !l.contains("=")) {
                continue;
            }
            Matcher m = INF_ID.matcher(l.substring(l.indexOf('=')));
            while (m.find()) {
                ids.add(m.group(1).toUpperCase(Locale.ROOT));
            }
        }
        return ids;
    }

    /** {@code /etc/x} under {@code root} (a host path given absolute, as the system sees it). */
    public static Path under(Path root, String absolute) {
        return root.resolve(absolute.startsWith("/") ? absolute.substring(1) : absolute);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = HostFiles.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not in the agent's jar: the build copies it from the repository "
                        + "(pom.xml resources); rebuild with mvn package");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(name + " cannot be read from the agent's jar", e);
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
