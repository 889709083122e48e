-- The record store, version 1. One script for SQLite and PostgreSQL: only types and statements both
-- understand (TEXT, INTEGER, BIGINT, BOOLEAN; no serials, no dialect functions).

-- One row per job: every scalar field of JobRecord. Times are ISO-8601 text as the job holds them;
-- started_ms is the same start time in epoch milliseconds, for ordering and --since (ISO text with
-- varying fractional digits does not sort as text).
CREATE TABLE jobs (
    job_id          TEXT PRIMARY KEY,
    run_id          TEXT,
    command         TEXT,
    station         TEXT,
    operator        TEXT,
    port            TEXT,
    product_type    TEXT,
    product_code    TEXT,
    imei            TEXT,
    public_id       TEXT,
    usb_serial      TEXT,
    platform_id     TEXT,
    start_mode      TEXT,
    device_info     TEXT,
    firmware_file   TEXT,
    firmware_sha256 TEXT,
    started         TEXT,
    started_ms      BIGINT,
    ended           TEXT,
    attempts        INTEGER NOT NULL,
    outcome         TEXT,
    summary         TEXT,
    next_step       TEXT
);
CREATE INDEX jobs_by_start ON jobs (started_ms);
CREATE INDEX jobs_by_port ON jobs (port, started_ms);

-- idx is the position in the job's list (steps of all attempts, in order).
CREATE TABLE job_steps (
    job_id  TEXT NOT NULL REFERENCES jobs (job_id),
    attempt INTEGER NOT NULL,
    idx     INTEGER NOT NULL,
    name    TEXT NOT NULL,
    ok      BOOLEAN NOT NULL,
    detail  TEXT,
    at      TEXT,
    PRIMARY KEY (job_id, attempt, idx)
);

CREATE TABLE job_gates (
    job_id  TEXT NOT NULL REFERENCES jobs (job_id),
    attempt INTEGER NOT NULL,
    idx     INTEGER NOT NULL,
    gate    TEXT NOT NULL,
    verdict TEXT,
    detail  TEXT,
    blocks  BOOLEAN NOT NULL,
    PRIMARY KEY (job_id, attempt, idx)
);

-- The hash-chained audit log (see JdbcAuditLog for the hash encoding).
CREATE TABLE audit (
    seq       BIGINT PRIMARY KEY,
    at        TEXT NOT NULL,
    station   TEXT,
    operator  TEXT,
    job_id    TEXT,
    port      TEXT,
    event     TEXT NOT NULL,
    detail    TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_by_job ON audit (job_id);

-- The chain's head (one row, id 1): the last appended seq and hash. Appenders lock this row, so
-- stations sharing one database form one chain; verify() compares it with the last entry, so a log
-- whose newest entries were deleted is detected too.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
