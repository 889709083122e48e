package dev.lumiaagent.record;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Connections to one record database and the transactions run on them. Thread-safe.
 *
 * <p>SQLite: one connection for the whole store, every transaction serialized on it. Transactions
 * begin IMMEDIATE (they take the write lock at BEGIN), so a second process on the same file waits up
 * to the busy timeout instead of failing half-way; the journal is WAL with {@code synchronous=FULL},
 * so a committed transaction survives a power cut.
 *
 * <p>PostgreSQL: a connection per transaction from a small pool of idle ones; commits are durable as
 * the server's {@code synchronous_commit} (on by default) makes them.
 */
abstract class Database implements AutoCloseable {
    /** How long SQLite waits for another process's write lock before giving up. */
    static final int SQLITE_BUSY_TIMEOUT_MS = 30_000;

    enum Kind { SQLITE, POSTGRESQL }

    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    final Kind kind;
    final String description;
    final String nextStep;

    Database(Kind kind, String description, String nextStep) {
        this.kind = kind;
        this.description = description;
        this.nextStep = nextStep;
    }

    abstract DataSource dataSource();

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    abstract <T> T transaction(String what, Work<T> work);

    @Override
    public abstract void close();

    RecordStoreException failure(String what, Exception e) {
        return new RecordStoreException("record store " + description + ": could not " + what + ": " + why(e), nextStep, e);
    }

    /**
     * The first line of the deepest SQL error's message (the driver's own words), not the framing a library
     * such as Flyway wraps around it (its "SQL State / Error Code" block is not for people).
     */
    static String why(Throwable e) {
        Throwable sql = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException) {
                sql = t;
            }
        }
        Throwable said = sql != null ? sql : e;
        String m = said.getMessage() == null ? said.getClass().getSimpleName() : said.getMessage().strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }

    static <T> T run(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        T result;
        try {
            result = work.run(c);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            // the failure is what is reported: a dropped connection fails the rollback and the reset too
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            try {
                c.setAutoCommit(true);
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        // sqlite-jdbc begins the next transaction as soon as one ends while auto-commit is off, and with
        // IMMEDIATE that would hold the write lock between calls, locking other processes out
        c.setAutoCommit(true);
        return result;
    }

    /** SQLite: one connection, serialized. */
    static final class Sqlite extends Database {
        private final String path;
        private final SQLiteDataSource source;
        private final UnaryOperator<Connection> connections;
        private Connection connection;

        Sqlite(String path) {
            this(path, SQLITE_BUSY_TIMEOUT_MS, UnaryOperator.identity());
        }

        /**
         * With another busy timeout, and {@code connections} applied to every connection opened (the tests wrap
         * it to make it fail the way a dropped connection or a full disk does).
         */
        Sqlite(String path, int busyTimeoutMs, UnaryOperator<Connection> connections) {
            super(Kind.SQLITE, "SQLite " + path, "check that " + path + " is on a writable disk with free space and "
                    + "that no other program holds it; or point LUMIA_AGENT_RECORDS or --store at another store");
            this.path = path;
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.setBusyTimeout(busyTimeoutMs);
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            config.enforceForeignKeys(true);
            source = new SQLiteDataSource(config);
            source.setUrl("jdbc:sqlite:" + path);
            this.connections = connections;
        }

        @Override
        DataSource dataSource() {
            return source;
        }

        /** A file that is not an SQLite database, or a damaged one, is named as such, with what to do about it. */
        @Override
        RecordStoreException failure(String what, Exception e) {
            for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
                if (t instanceof SQLiteException) {
                    SQLiteErrorCode code = ((SQLiteException) t).getResultCode();
                    if (code == SQLiteErrorCode.SQLITE_NOTADB || code == SQLiteErrorCode.SQLITE_CORRUPT) {
                        return new RecordStoreException("record store " + description + " is "
                                + (code == SQLiteErrorCode.SQLITE_NOTADB ? "not an SQLite database" : "damaged (a corrupt SQLite database)")
                                + ": could not " + what + " (" + why(e) + ")", corrupt(path), e);
                    }
                }
            }
            return super.failure(what, e);
        }

        /** What to do about a store file that is not a database or is damaged. */
        static String corrupt(String path) {
            return "move it aside (e.g. `mv " + path + " " + path + ".damaged`) and run again: an empty store is made in its place. "
                    + "The jobs themselves are not lost: each job's file in the jobs directory (--jobs-dir, $LUMIA_AGENT_JOBS; "
                    + "listed by `lumia-agent jobs`) keeps its state, and `lumia-agent resume` continues an unfinished one; "
                    + "the history in the old file (report, audit log) is not re-created from them. Or point "
                    + "LUMIA_AGENT_RECORDS or --store at another store";
        }

        @Override
        synchronized <T> T transaction(String what, Work<T> work) {
            try {
                if (connection == null) {
                    connection = connections.apply(source.getConnection());
                }
                return run(connection, work);
            } catch (SQLException e) {
                // A connection that failed (dropped, its file gone, the disk full) is not trusted again: the next
                // transaction opens a new one, so a store that comes back is used again.
                dropConnection();
                throw failure(what, e);
            }
        }

        private void dropConnection() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException | RuntimeException e) {
                    // dropping it anyway
                }
                connection = null;
            }
        }

        @Override
        public synchronized void close() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    throw failure("close the database", e);
                } finally {
                    connection = null;
                }
            }
        }
    }

    /** PostgreSQL: a connection per transaction, a few idle ones kept. */
    static final class Postgres extends Database {
        private static final int MAX_IDLE = 4;
        private final PGSimpleDataSource source;
        private final Deque<Connection> idle = new ArrayDeque<>();
        private boolean closed;

        Postgres(String url, String description) {
            super(Kind.POSTGRESQL, description, "check that the PostgreSQL server is up and reachable from this "
                    + "station and that the user in the --store URL (or LUMIA_AGENT_STORE) may create tables and write");
            source = new PGSimpleDataSource();
            source.setURL(url);
        }

        @Override
        DataSource dataSource() {
            return source;
        }

        @Override
        <T> T transaction(String what, Work<T> work) {
            Connection c;
            try {
                c = take();
            } catch (SQLException e) {
                throw failure("connect", e);
            }
            boolean healthy = false;
            try {
                T result = run(c, work);
                healthy = true;
                return result;
            } catch (SQLException e) {
                throw failure(what, e);
            } finally {
                give(c, healthy);
            }
        }

        private Connection take() throws SQLException {
            synchronized (idle) {
                if (closed) {
                    throw new SQLException("the store was closed");
                }
                Connection c = idle.pollFirst();
                if (c != null) {
                    return c;
                }
            }
            return source.getConnection();
        }

        private void give(Connection c, boolean healthy) {
            synchronized (idle) {
                if (healthy && !closed && idle.size() < MAX_IDLE) {
                    idle.addFirst(c);
                    return;
                }
            }
            try {
                c.close();
            } catch (SQLException e) {
                // the connection is being dropped anyway; the transaction's outcome already stands
            }
        }

        @Override
        public void close() {
            synchronized (idle) {
                closed = true;
                for (Connection c : idle) {
                    try {
                        c.close();
                    } catch (SQLException e) {
                        // closing: nothing left to protect
                    }
                }
                idle.clear();
            }
        }
    }
}
