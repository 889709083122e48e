package dev.lumiaagent.paths;

import java.nio.file.Path;
import java.util.Locale;

/** Where the agent keeps the user's data (firmware library, job records), per platform. */
public final class UserData {
    private UserData() {
    }

    /**
     * {@code $envVar} when set; else {@code lumia-agent/<leaf>} in the platform's user data directory:
     * {@code %LOCALAPPDATA%} on Windows, {@code ~/Library/Application Support} on macOS,
     * {@code $XDG_DATA_HOME} or {@code ~/.local/share} elsewhere.
     */
    public static Path dir(String envVar, String leaf) {
        String env = System.getenv(envVar);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String home = System.getProperty("user.home");
        if (os.contains("win")) {
            String local = System.getenv("LOCALAPPDATA");
            return Path.of(local != null ? local : home, "lumia-agent", leaf);
        }
        if (os.contains("mac")) {
            return Path.of(home, "Library", "Application Support", "lumia-agent", leaf);
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        return Path.of(xdg != null && !xdg.isBlank() ? xdg : home + "/.local/share", "lumia-agent", leaf);
    }
}
