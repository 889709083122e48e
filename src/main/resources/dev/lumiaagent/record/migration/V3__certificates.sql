-- The record store, version 3: erasure certificates.
-- jobs.site: where the job ran (for its certificate). job_evidence: what a job's flow erased and every
-- verification it performed (flow.Evidence), in order. certificates: one row per erasing job that ended:
-- ISSUED with the signed certificate (its JSON text and its PDF, base64) and the SHA-256 of each, or
-- REFUSED with the reason no certificate was issued (no operator name, a failed job, a check not done).
ALTER TABLE jobs ADD COLUMN site TEXT;

CREATE TABLE job_evidence (
    job_id  TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    idx     INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    name    TEXT NOT NULL,
    ok      BOOLEAN NOT NULL,
    detail  TEXT,
    at      TEXT,
    PRIMARY KEY (job_id, idx)
);

CREATE TABLE certificates (
    job_id      TEXT PRIMARY KEY,
    status      TEXT NOT NULL,
    reason      TEXT,
    issued      TEXT NOT NULL,
    issued_ms   BIGINT NOT NULL,
    station     TEXT,
    key_id      TEXT,
    json_sha256 TEXT,
    pdf_sha256  TEXT,
    json_text   TEXT,
    pdf_base64  TEXT
);
CREATE INDEX certificates_by_issue ON certificates (issued_ms);
