package dev.lumiaagent.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Where the dashboard listens and who may use it: the bind address and port ({@code [ADDR:]PORT}, default
 * 127.0.0.1:{@value #DEFAULT_PORT}) and the bearer token (null: none). A non-loopback address without a token
 * is refused ({@link #check}): the API shows IMEIs and can start erasing jobs.
 *
 * @param host      the address to bind (an IP literal or a name)
 * @param port      the TCP port; 0 picks a free one (tests)
 * @param token     the bearer token every API request must carry, or null (loopback only; controls then refused)
 * @param generated the token was generated here (the start line prints it once)
 * @param version   the agent's version, for the diagnostics bundle's environment entry
 */
public record WebSettings(String host, int port, String token, boolean generated, String version) {
    /** The dashboard's port when {@code --web} gives none. */
    public static final int DEFAULT_PORT = 8765;
    public static final String LOOPBACK = "127.0.0.1";
    /** {@code --web-token generate}. */
    public static final String GENERATE = "generate";
    private static final SecureRandom RANDOM = new SecureRandom();

    public WebSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--web: port " + port + " is not a TCP port (1-65535)");
        }
        if (token != null && token.isBlank()) {
            throw new IllegalArgumentException("--web-token: the token is empty; give one, or `--web-token generate`");
        }
    }

    /**
     * From the command line: {@code --web [ADDR:]PORT} (null or empty: 127.0.0.1:8765; an address without a port
     * is not accepted, "[::1]:8765" for IPv6) and {@code --web-token TOKEN|generate} (null: none).
     */
    public static WebSettings parse(String web, String token, String version) {
        String host = LOOPBACK;
        int port = DEFAULT_PORT;
        if (web != null && !web.isBlank()) {
            String w = web.strip();
            int colon = w.lastIndexOf(':');
            String p = w;
            if (colon >= 0) {
                host = w.substring(0, colon);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                if (host.isEmpty()) {
                    throw new IllegalArgumentException("--web '" + web + "': give [ADDR:]PORT, e.g. 8765 or 0.0.0.0:8765");
                }
                p = w.substring(colon + 1);
            }
            try {
                port = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--web '" + web + "': give [ADDR:]PORT, e.g. 8765 or 0.0.0.0:8765");
            }
        }
        boolean generated = GENERATE.equals(token);
        return new WebSettings(host, port, generated ? newToken() : token, generated, version);
    }

    /** A random token: 32 bytes, URL-safe Base64. */
    public static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The same settings on another port (tests bind port 0). */
    public WebSettings withPort(int p) {
        return new WebSettings(host, p, token, generated, version);
    }

    /** True when the bind address is a loopback address (127.0.0.0/8, ::1, localhost). */
    public boolean loopback() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Refuses what must not start: a non-loopback address without a token.
     *
     * @throws IllegalArgumentException saying why and what to give instead
     */
    public void check() {
        if (!loopback() && token == null) {
            throw new IllegalArgumentException("--web " + host + ":" + port + " listens beyond this computer, which needs a token: "
                    + "add --web-token generate (prints a new token) or --web-token TOKEN; every request must then carry "
                    + "'Authorization: Bearer TOKEN'. Without a token, listen on 127.0.0.1 only.");
        }
    }
}
