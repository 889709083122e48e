package dev.lumiaagent.cli;

import dev.lumiaagent.record.RecordStore;
import dev.lumiaagent.record.RecordStoreException;
import dev.lumiaagent.record.RecordStores;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * {@code --store URL}: the record store (job records and the audit log) a command reads or writes.
 * Default: {@code $LUMIA_AGENT_STORE}, else the SQLite file {@code records.db} in {@code $LUMIA_AGENT_RECORDS}
 * or the user's data directory.
 */
final class StoreOptions {
    static final String ENV_STORE = "LUMIA_AGENT_STORE";

    @Option(names = "--store", paramLabel = "URL",
            description = "The record store: jdbc:sqlite:PATH or jdbc:postgresql://HOST[:PORT]/DB?user=…&password=… "
                    + "(default $" + ENV_STORE + ", else records.db in $" + RecordStores.ENV_RECORDS
                    + " or the user's data directory).")
    String url;

    /** The URL in force: {@code --store}, else {@code $LUMIA_AGENT_STORE}; null for the default SQLite file. */
    String url() {
        if (url != null && !url.isBlank()) {
            return url;
        }
        String env = System.getenv(ENV_STORE);
        return env == null || env.isBlank() ? null : env;
    }

    /**
     * Opens the store (creating or migrating its schema). Callers close it.
     *
     * @throws RecordStoreException when it cannot be opened: print it with {@link #fail}
     * @throws IllegalArgumentException when the URL is not a store URL (Main prints it; exit code 2)
     */
    RecordStore open() {
        return RecordStores.open(url());
    }

    /**
     * Opens the store, or says on {@code err} why it cannot be opened and returns null: the run goes on with
     * its job files only (every job is checkpointed there; `jobs` and `resume` read them).
     */
    RecordStore openOrWarn(PrintWriter err) {
        try {
            return open();
        } catch (RecordStoreException e) {
            err.println("warning: the record store cannot be opened (" + e.getMessage() + "); the jobs are kept in their job files "
                    + "only, and other stations on the store cannot see this station's phones.");
            err.println("next step: " + e.nextStep());
            err.flush();
            return null;
        }
    }

    /** Prints a store failure as people read errors ({@code error:} + {@code next step:}); returns its exit code. */
    static int fail(RecordStoreException e, PrintWriter err) {
        err.println("error: " + e.getMessage());
        err.println("next step: " + e.nextStep());
        err.flush();
        return ExitCode.STORE_UNAVAILABLE.code();
    }
}
