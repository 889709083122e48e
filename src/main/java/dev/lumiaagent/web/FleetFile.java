package dev.lumiaagent.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code serve --fleet FILE}: the stations a fleet page watches, read strictly.
 *
 * <pre>
 * {"stations": [
 *   {"name": "bench-2", "url": "http://10.0.0.12:8765/", "tokenEnv": "BENCH2_TOKEN"},
 *   {"name": "bench-3", "url": "http://10.0.0.13:8765/", "token": "…"}
 * ]}
 * </pre>
 *
 * Every mistake is one line naming the file, the station and what to write instead (an {@link IllegalArgumentException},
 * which the command line reports as a usage error).
 */
public final class FleetFile {
    private static final Set<String> TOP_FIELDS = Set.of("stations");
    private static final Set<String> STATION_FIELDS = Set.of("name", "url", "token", "tokenEnv");
    private static final String KNOWN = "name, url, token, tokenEnv";

    private FleetFile() {
    }

    /**
     * One station: its name, its dashboard's base URL (ending in "/") and its bearer token (null: none).
     */
    public record Station(String name, URI url, String token) {
        /** "10.0.0.12:8765", for messages. */
        public String hostPort() {
            int port = url.getPort() >= 0 ? url.getPort() : url.getScheme().equals("https") ? 443 : 80;
            return url.getHost() + ":" + port;
        }

        @Override
        public String toString() {
            return name + " " + url + (token == null ? "" : " (token)"); // never the token itself
        }
    }

    /** Reads FILE, taking {@code tokenEnv} from the process's environment. */
    public static List<Station> read(Path file) {
        return read(file, System::getenv);
    }

    /** Reads FILE, taking {@code tokenEnv} from {@code env}. @throws IllegalArgumentException one line: what is wrong */
    public static List<Station> read(Path file, Function<String, String> env) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--fleet " + file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException("--fleet " + file + ": cannot be read (" + e.getMessage() + ")");
        }
        return parse(file.toString(), text, env);
    }

    /** Parses the text of a fleet file ({@code where} names it in messages). */
    public static List<Station> parse(String where, String text, Function<String, String> env) {
        String at = "--fleet " + where + ": ";
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(text);
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            String loc = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new IllegalArgumentException(at + "not JSON" + loc + " (" + m + ")");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(at + "not a JSON object; write {\"stations\": [{\"name\": \"bench-2\", \"url\": \"http://10.0.0.12:8765/\"}]}");
        }
        unknown(at, root, TOP_FIELDS, "a fleet file holds only \"stations\"");
        JsonNode list = root.get("stations");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException(at + "no \"stations\" list; write {\"stations\": [{\"name\": \"bench-2\", \"url\": \"http://10.0.0.12:8765/\"}]}");
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException(at + "\"stations\" is empty; list at least one station's name and url");
        }
        List<Station> out = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode s = list.get(i);
            String here = at + "stations[" + i + "]";
            if (!s.isObject()) {
                throw new IllegalArgumentException(here + " is not an object; write {\"name\": \"bench-2\", \"url\": \"http://10.0.0.12:8765/\"}");
            }
            String name = text(here, s, "name");
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException(here + " has no \"name\"; give each station a name people know it by, e.g. \"bench-2\"");
            }
            name = name.strip();
            here = here + " ('" + name + "')";
            unknown(here + ": ", s, STATION_FIELDS, "known: " + KNOWN);
            Integer before = names.putIfAbsent(name.toLowerCase(Locale.ROOT), i);
            if (before != null) {
                throw new IllegalArgumentException(here + ": the name is also stations[" + before + "]'s; give each station its own name");
            }
            String url = text(here, s, "url");
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException(here + " has no \"url\"; give its dashboard's address, e.g. \"http://10.0.0.12:8765/\"");
            }
            URI uri = url(here, url.strip());
            String token = text(here, s, "token");
            String tokenEnv = text(here, s, "tokenEnv");
            if (token != null && tokenEnv != null) {
                throw new IllegalArgumentException(here + " has both \"token\" and \"tokenEnv\"; give one");
            }
            if (token != null && token.isBlank()) {
                throw new IllegalArgumentException(here + ": \"token\" is empty; give the station's token or leave the field out");
            }
            if (tokenEnv != null) {
                if (tokenEnv.isBlank()) {
                    throw new IllegalArgumentException(here + ": \"tokenEnv\" is empty; name the environment variable that holds the token");
                }
                token = env.apply(tokenEnv.strip());
                if (token == null || token.isBlank()) {
                    throw new IllegalArgumentException(here + ": the environment variable " + tokenEnv.strip()
                            + " (its \"tokenEnv\") is not set; export it with the station's token before starting");
                }
            }
            out.add(new Station(name, uri, token == null ? null : token.strip()));
        }
        return List.copyOf(out);
    }

    private static void unknown(String at, JsonNode node, Set<String> known, String hint) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new IllegalArgumentException(at + (at.endsWith(": ") ? "" : ": ") + "unknown field \"" + f + "\" (" + hint + ")");
            }
        }
    }

    private static String text(String here, JsonNode s, String field) {
        JsonNode v = s.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(here + ": \"" + field + "\" is not a string");
        }
        return v.asText();
    }

    private static URI url(String here, String text) {
        String example = "; give its dashboard's address, e.g. \"http://10.0.0.12:8765/\"";
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(here + ": url '" + text + "' is not a URL" + example);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(here + ": url '" + text + "' is not an http:// or https:// URL" + example);
        }
        if (u.getHost() == null || u.getHost().isBlank()) {
            throw new IllegalArgumentException(here + ": url '" + text + "' names no host" + example);
        }
        if (u.getRawUserInfo() != null) {
            throw new IllegalArgumentException(here + ": url '" + text + "' carries a user name; give the token as \"token\" or \"tokenEnv\"");
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new IllegalArgumentException(here + ": url '" + text + "' has a query or #fragment (a token belongs in \"token\" or \"tokenEnv\")"
                    + example);
        }
        String path = u.getPath() == null || u.getPath().isEmpty() ? "/" : u.getPath();
        if (!path.endsWith("/")) {
            path = path + "/";
        }
        try {
            return new URI(scheme, null, u.getHost(), u.getPort(), path, null, null).normalize();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(here + ": url '" + text + "' is not a URL" + example);
        }
    }
}
