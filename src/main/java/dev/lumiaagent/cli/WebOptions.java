package dev.lumiaagent.cli;

import dev.lumiaagent.web.WebSettings;
import picocli.CommandLine.Option;

/** {@code --web [ADDR:]PORT} and {@code --web-token TOKEN|generate}: the dashboard (REST API + live page). */
final class WebOptions {
    @Option(names = "--web", paramLabel = "[ADDR:]PORT", arity = "0..1", fallbackValue = "",
            description = "Serve the dashboard (live page and REST API under /api/v1) on ADDR:PORT; default 127.0.0.1:"
                    + WebSettings.DEFAULT_PORT + ". Any address beyond loopback (e.g. 0.0.0.0:8765) needs --web-token.")
    String web;

    @Option(names = "--web-token", paramLabel = "TOKEN|generate",
            description = "Every API request must carry 'Authorization: Bearer TOKEN'; 'generate' makes a random one and prints it "
                    + "once. Needed to listen beyond loopback, and for the controls (start, stop, resume) everywhere.")
    String token;

    /** The dashboard was asked for ({@code --web} given, or a token given). */
    boolean enabled() {
        return web != null || token != null;
    }

    /** The settings, checked (a non-loopback address without a token is an IllegalArgumentException: usage). */
    WebSettings settings() {
        WebSettings s = WebSettings.parse(web, token, Main.version());
        s.check();
        return s;
    }
}
