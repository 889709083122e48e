package dev.lumiaagent.web;

import io.github.bucket4j.Bucket;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Who may do what, checked before every request:
 *
 * <ul>
 *   <li>every answer carries {@code X-Content-Type-Options: nosniff}, {@code Content-Security-Policy: default-src 'self'},
 *       no CORS headers (another site's page cannot read the API), no cookies;</li>
 *   <li>with a token, every API request needs {@code Authorization: Bearer TOKEN} (401 otherwise; compared in
 *       constant time); a client address that failed {@value #FAILURES} times is refused with 429 and
 *       {@code Retry-After} until its bucket refills ({@value #FAILURES} a minute);</li>
 *   <li>controls (every POST) need the token even on loopback: without a configured token they are refused (403)
 *       with how to enable them; a POST must say {@code Content-Type: application/json} (415 otherwise), which a
 *       cross-site form cannot send;</li>
 *   <li>on loopback without a token, the {@code Host} header must name a loopback address, so a web page whose name
 *       was re-pointed at 127.0.0.1 (DNS rebinding) cannot read the API (421 otherwise).</li>
 * </ul>
 *
 * The page itself (static files, no bench data in them) is served without the token, so a browser can load it
 * and send the token from there.
 */
final class Guard {
    static final int FAILURES = 10;
    private static final int CLIENTS_KEPT = 10_000;

    private final WebSettings settings;
    private final byte[] token;
    private final Map<String, Bucket> failures = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > CLIENTS_KEPT;
        }
    };

    Guard(WebSettings settings) {
        this.settings = settings;
        this.token = settings.token() == null ? null : settings.token().getBytes(StandardCharsets.UTF_8);
    }

    /** The headers every answer carries. */
    static void securityHeaders(BiConsumer<String, String> put) {
        put.accept("X-Content-Type-Options", "nosniff");
        put.accept("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        put.accept("X-Frame-Options", "DENY");
        put.accept("Referrer-Policy", "no-referrer");
        put.accept("Cache-Control", "no-store");
    }

    void check(Context ctx) {
        securityHeaders(ctx::header);
        boolean api = ctx.path().startsWith("/api/");
        if (token == null && !loopbackHost(ctx.header("Host"))) {
            throw new ApiError(421, "this dashboard answers only to its loopback address (the request named host '"
                    + printable(ctx.header("Host")) + "')", "open it as http://127.0.0.1:PORT/ or http://localhost:PORT/");
        }
        if (!api) {
            return;
        }
        boolean control = ctx.method() == HandlerType.POST;
        if (token != null) {
            Bucket bucket = bucket(ctx.ip());
            long left = bucket.getAvailableTokens();
            if (left <= 0) {
                throw tooMany(bucket);
            }
            if (!authorized(ctx)) {
                bucket.tryConsume(1);
                throw new ApiError(401, ctx.header("Authorization") == null ? "this dashboard needs its token"
                        : "the token is not this dashboard's", "send 'Authorization: Bearer TOKEN' with the token printed (or given) "
                        + "when the dashboard started");
            }
        } else if (control) {
            throw new ApiError(403, "controls (start, stop, resume) are off: the dashboard was started without a token",
                    "restart with --web-token generate (or --web-token TOKEN) and send 'Authorization: Bearer TOKEN' with each request");
        }
        if (control) {
            String type = ctx.header("Content-Type");
            if (type == null || !type.toLowerCase(Locale.ROOT).strip().matches("application/json\\s*(;.*)?")) {
                throw new ApiError(415, "a control's body must be JSON with 'Content-Type: application/json'",
                        "send the body as JSON with that header");
            }
        }
    }

    private synchronized Bucket bucket(String ip) {
        return failures.computeIfAbsent(ip, k -> Bucket.builder()
                .addLimit(b -> b.capacity(FAILURES).refillGreedy(FAILURES, Duration.ofMinutes(1))).build());
    }

    private static ApiError tooMany(Bucket bucket) {
        long nanos = bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos) + 1);
        return new ApiError(429, "too many requests with a wrong or missing token from this address",
                "wait " + seconds + " s, then send the right token", seconds);
    }

    /** The request carries this server's token (false when the server has none). Constant time. */
    boolean authorized(Context ctx) {
        if (token == null) {
            return false;
        }
        String h = ctx.header("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, h.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    /** The Host header names a loopback address (127.x, ::1, localhost), whatever the port. */
    static boolean loopbackHost(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0) {
                return false;
            }
            h = h.substring(1, end);
        } else if (h.indexOf(':') >= 0 && h.indexOf(':') == h.lastIndexOf(':')) {
            h = h.substring(0, h.indexOf(':'));
        }
        if (h.equals("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-f:]+")) {
            return false; // a name other than localhost is not looked up: it is what a rebinding attack would send
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String printable(String s) {
        String t = s == null ? "" : s.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() > 80 ? t.substring(0, 80) : t;
    }
}
