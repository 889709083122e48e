package dev.lumiaagent.host;

import java.util.Locale;

/** The host's operating system, which decides the checks and what {@code setup} installs. */
public enum HostOs {
    LINUX, WINDOWS, MACOS, OTHER;

    /** From a {@code os.name} value ("Linux", "Windows 11", "Mac OS X"). */
    public static HostOs fromOsName(String osName) {
        String n = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        if (n.startsWith("linux")) {
            return LINUX;
        }
        if (n.startsWith("windows")) {
            return WINDOWS;
        }
        if (n.startsWith("mac") || n.startsWith("darwin")) {
            return MACOS;
        }
        return OTHER;
    }

    /** This JVM's. */
    public static HostOs current() {
        return fromOsName(System.getProperty("os.name"));
    }
}
