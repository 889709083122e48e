package dev.lumiaagent.record;

import dev.lumiaagent.paths.PrivateFiles;
import dev.lumiaagent.paths.UserData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;

/** Opens the record store named by a JDBC URL, or the default SQLite file. */
public final class RecordStores {
    /** The SQLite file, or a directory to keep {@value #DEFAULT_FILE} in, when no store URL is given. */
    public static final String ENV_RECORDS = "LUMIA_AGENT_RECORDS";
    public static final String DEFAULT_FILE = "records.db";
    static final String SQLITE = "jdbc:sqlite:";
    static final String POSTGRESQL = "jdbc:postgresql:";

    private RecordStores() {
    }

    /**
     * {@code null} or blank: the default SQLite file ({@link #defaultFile()}); {@code jdbc:sqlite:PATH}: that
     * SQLite file (created with its directory); {@code jdbc:postgresql://HOST[:PORT]/DB[?user=…&password=…]}:
     * that database. The schema is created or migrated on open.
     *
     * @throws IllegalArgumentException for any other text
     * @throws RecordStoreException when the store cannot be opened, migrated, or is newer than this agent
     */
    public static RecordStore open(String urlOrNull) {
        return open(urlOrNull, Clock.systemUTC());
    }

    static RecordStore open(String urlOrNull, Clock clock) {
        if (urlOrNull == null || urlOrNull.isBlank()) {
            return sqlite(defaultFile(), clock);
        }
        String url = urlOrNull.strip();
        if (url.startsWith(SQLITE)) {
            String path = url.substring(SQLITE.length());
            if (path.isEmpty() || path.startsWith(":memory:") || path.startsWith("file:") || path.contains("?")) {
                throw new IllegalArgumentException("the record store must be an SQLite file: give jdbc:sqlite:PATH "
                        + "(no in-memory database, no URI options), not '" + url + "'");
            }
            try {
                return sqlite(Path.of(path), clock);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("not a file path in the record store URL: '" + path + "'");
            }
        }
        if (url.startsWith(POSTGRESQL)) {
            return new JdbcRecordStore(new Database.Postgres(url, "PostgreSQL " + postgresName(url)), clock);
        }
        throw new IllegalArgumentException("not a record store URL: '" + redact(url) + "'; give jdbc:sqlite:PATH or "
                + "jdbc:postgresql://HOST[:PORT]/DATABASE");
    }

    /**
     * {@code $LUMIA_AGENT_RECORDS} when set (a directory, existing or not ending in {@code .db}, gets
     * {@value #DEFAULT_FILE} inside it); else {@value #DEFAULT_FILE} in the user's data directory.
     */
    public static Path defaultFile() {
        Path p = UserData.dir(ENV_RECORDS, DEFAULT_FILE);
        String env = System.getenv(ENV_RECORDS);
        if (env != null && !env.isBlank() && (Files.isDirectory(p) || !p.getFileName().toString().endsWith(".db"))) {
            p = p.resolve(DEFAULT_FILE);
        }
        return p;
    }

    private static RecordStore sqlite(Path file, Clock clock) {
        Path abs = file.toAbsolutePath().normalize();
        Database.Sqlite db = new Database.Sqlite(abs.toString());
        try {
            Path parent = abs.getParent();
            if (parent != null) {
                PrivateFiles.createDirectories(parent); // 0700 when created
            }
        } catch (IOException e) {
            throw db.failure("create its directory", e);
        }
        try {
            // Created empty (SQLite takes an empty file as a new database) with mode 0600, before SQLite would
            // create it with the umask's 0644: the store names phones and operators. SQLite gives its -journal
            // and -wal files the database file's mode. An existing file keeps its mode.
            PrivateFiles.createFile(abs);
        } catch (IOException e) {
            throw db.failure("create it", e);
        }
        return new JdbcRecordStore(db, clock);
    }

    /** "host:port/db" from a PostgreSQL URL, without user, password or options. */
    static String postgresName(String url) {
        String rest = url.substring(POSTGRESQL.length());
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        if (rest.startsWith("//")) {
            rest = rest.substring(2);
        }
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            rest = rest.substring(at + 1);
        }
        return rest.isEmpty() ? "(default database)" : rest;
    }

    /** A URL as it may be printed: without anything that could hold a password. */
    static String redact(String url) {
        String s = url;
        int q = s.indexOf('?');
        if (q >= 0) {
            s = s.substring(0, q) + "?…";
        }
        int at = s.indexOf('@');
        int scheme = s.indexOf("//");
        if (at >= 0 && scheme >= 0 && scheme < at) {
            s = s.substring(0, scheme + 2) + "…@" + s.substring(at + 1);
        }
        return s;
    }
}
