package dev.lumiaagent.job;

import java.nio.file.Path;

/** Where a station keeps its signing key: {@code $LUMIA_AGENT_KEYS}, else {@code lumia-agent/keys} in the user's data directory. */
public final class StationKeys {
    public static final String ENV_KEYS = "LUMIA_AGENT_KEYS";

    private StationKeys() {
    }

    public static Path defaultDir() {
        return dev.lumiaagent.paths.UserData.dir(ENV_KEYS, "keys");
    }
}
