-- Every full `verify` of the log that the server ran or was told about (a report's, the
-- dashboard's "Verify now", the `verify` command): when, on which tree size, and what it found.
-- The dashboard shows the last one. Keep in step with ../sqlite/0004_verifications.sql.
CREATE TABLE verifications (
    id BIGSERIAL PRIMARY KEY,
    finished_ms BIGINT NOT NULL,
    source TEXT NOT NULL,
    tree_size BIGINT NOT NULL,
    status TEXT NOT NULL,
    receipts BIGINT NOT NULL,
    problem_count BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL
);
