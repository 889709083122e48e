-- The record store, version 2: one job per phone across stations sharing this store.
-- A row is the lease of one phone (lease_key: the phone's identity where known, else the station's host
-- and the USB port path) held by the job that drives it. A holder renews expires_ms while its job runs;
-- a row whose expires_ms has passed belongs to a holder that died and may be taken over. Times are ISO
-- text for people and epoch milliseconds for the comparisons (ISO text does not compare as instants).
CREATE TABLE phone_leases (
    lease_key   TEXT PRIMARY KEY,
    port        TEXT NOT NULL,
    identity    TEXT,
    job_id      TEXT NOT NULL,
    station     TEXT,
    pid         BIGINT NOT NULL,
    host        TEXT,
    acquired_at TEXT NOT NULL,
    acquired_ms BIGINT NOT NULL,
    expires_at  TEXT NOT NULL,
    expires_ms  BIGINT NOT NULL
);
