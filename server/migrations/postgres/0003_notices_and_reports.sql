-- The notice registry and the audit reports issued. Keep in step with
-- ../sqlite/0003_notices_and_reports.sql.

-- Every notice a configuration shows, one per language: its canonical JSON (receipt/SPEC.md §4),
-- whose SHA-256 is notice_hash, the noticeHash receipts carry.
CREATE TABLE notices (
    notice_hash TEXT PRIMARY KEY,
    policy_version TEXT NOT NULL,
    language TEXT NOT NULL,
    notice TEXT NOT NULL,
    registered_ms BIGINT NOT NULL
);
CREATE INDEX notices_by_version ON notices (policy_version, language);

-- Every audit report made: its period, the signed tree head it was built on, the SHA-256 of its
-- bytes and its detached signature. The last one's head is the next report's previous head.
CREATE TABLE reports (
    id BIGSERIAL PRIMARY KEY,
    created_ms BIGINT NOT NULL,
    from_ts BIGINT NOT NULL,
    to_ts BIGINT NOT NULL,
    format TEXT NOT NULL,
    tree_size BIGINT NOT NULL,
    root_hash BYTEA NOT NULL,
    report_sha256 TEXT NOT NULL,
    signature TEXT NOT NULL
);
