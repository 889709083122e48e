package dev.lumiaagent.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * A station's own settings, so that a bench started by a service (or by hand every morning) names itself, its
 * operator and its site without options: a Java properties file, {@code $LUMIA_AGENT_CONFIG}, else
 * {@code lumia-agent/station.properties} in the user's config directory ({@code $XDG_CONFIG_HOME} or
 * {@code ~/.config}; {@code %APPDATA%} on Windows; {@code ~/Library/Application Support} on macOS).
 * Options and environment variables win over it. Keys: {@code station}, {@code operator}, {@code site}. A key
 * the agent does not know, or a file that cannot be read, is a usage error naming the file — never ignored.
 */
final class StationConfig {
    static final String ENV_CONFIG = "LUMIA_AGENT_CONFIG";
    static final Set<String> KEYS = Set.of("station", "operator", "site");

    private final Path file;
    private final Properties values;

    private StationConfig(Path file, Properties values) {
        this.file = file;
        this.values = values;
    }

    /** The config file's path (which may not exist). */
    static Path defaultFile() {
        String env = System.getenv(ENV_CONFIG);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String home = System.getProperty("user.home");
        if (os.contains("win")) {
            String appData = System.getenv("APPDATA");
            return Path.of(appData != null ? appData : home, "lumia-agent", "station.properties");
        }
        if (os.contains("mac")) {
            return Path.of(home, "Library", "Application Support", "lumia-agent", "station.properties");
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        return Path.of(xdg != null && !xdg.isBlank() ? xdg : home + "/.config", "lumia-agent", "station.properties");
    }

    static StationConfig load() {
        return load(defaultFile());
    }

    static StationConfig load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            return new StationConfig(file, p);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the station config " + file + " cannot be read (" + e.getMessage()
                    + "); fix it or set $" + ENV_CONFIG + " to another file");
        }
        for (String key : p.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("the station config " + file + " has the key '" + key + "', which the agent does not know; "
                        + "its keys are " + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        return new StationConfig(file, p);
    }

    Path file() {
        return file;
    }

    Optional<String> get(String key) {
        String v = values.getProperty(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }
}
