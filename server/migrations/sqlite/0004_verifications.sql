-- Every full `verify` of the log that the server ran or was told about (a report's, the
-- dashboard's "Verify now", the `verify` command): when, on which tree size, and what it found.
-- The dashboard shows the last one. Keep in step with ../postgres/0004_verifications.sql.
CREATE TABLE verifications (
    id INTEGER PRIMARY KEY,
    finished_ms INTEGER NOT NULL,
    source TEXT NOT NULL,
    tree_size INTEGER NOT NULL,
    status TEXT NOT NULL,
    receipts INTEGER NOT NULL,
    problem_count INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL
);
