package dev.lumiaagent.cli;

import dev.lumiaagent.web.FleetFile;
import dev.lumiaagent.web.WebSettings;
import java.nio.file.Path;
import java.util.List;
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

    @Option(names = "--fleet", paramLabel = "FILE",
            description = "Also show every station of the shop on the dashboard's Fleet tab: FILE is JSON, {\"stations\": [{\"name\": "
                    + "\"bench-2\", \"url\": \"http://10.0.0.12:8765/\", \"tokenEnv\": \"BENCH2_TOKEN\"}]} (\"token\" holds the token "
                    + "itself, \"tokenEnv\" names the environment variable that does); each station's /api/v1/bench is polled every 2 s.")
    Path fleet;

    /** The dashboard was asked for ({@code --web} given, a token given, or a fleet file). */
    boolean enabled() {
        return web != null || token != null || fleet != null;
    }

    /** The fleet file's stations, checked (a mistake is an IllegalArgumentException: usage); empty without --fleet. */
    List<FleetFile.Station> fleet() {
        return fleet == null ? List.of() : FleetFile.read(fleet);
    }

    /** The settings, checked (a non-loopback address without a token is an IllegalArgumentException: usage). */
    WebSettings settings() {
        WebSettings s = WebSettings.parse(web, token, Main.version());
        s.check();
        return s;
    }
}
