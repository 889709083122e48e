package dev.lumiaagent.cli;

import dev.lumiaagent.job.StationKeys;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --key-dir DIR}: where this station's signing key is kept (the job verbs, `certificate verify`, `certificate export-key`). */
final class KeyDirOption {
    @Option(names = "--key-dir", paramLabel = "DIR",
            description = "Where this station's signing key is kept (made on first use, private key mode 0600; default $"
                    + StationKeys.ENV_KEYS + ", else lumia-agent/keys in the user's data directory).")
    Path keyDir;

    Path dir() {
        return keyDir != null ? keyDir : StationKeys.defaultDir();
    }
}
