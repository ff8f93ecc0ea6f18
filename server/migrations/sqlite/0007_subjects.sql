-- The subject index (server/src/db/subjects.rs). Keep in step with ../postgres/0006_subjects.sql.

-- One row per accepted receipt that carries a subjectId, written in the append's own transaction.
-- Derived data: the subjectId is part of the signed receipt (receipts.jws), so this table can be
-- rebuilt from the log and proves nothing by itself. Receipts appended before this migration never
-- held a subjectId (the member did not exist), so nothing needs to be backfilled.
CREATE TABLE subject_receipts (
    subject_id TEXT NOT NULL,
    leaf_index INTEGER NOT NULL REFERENCES receipts (leaf_index),
    PRIMARY KEY (subject_id, leaf_index)
);
