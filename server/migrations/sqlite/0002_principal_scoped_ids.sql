-- Idempotency is scoped to (principal, receipt id): another key can no longer take a visitor's
-- consentReceiptID first (review #3). And a gap receipt looks up only the hash it names (#12).
-- Keep in step with ../postgres/0002_principal_scoped_ids.sql.

-- SQLite cannot drop a column's UNIQUE constraint: the table is rebuilt without it, same columns
-- in the same order.
CREATE TABLE receipts_scoped (
    leaf_index INTEGER PRIMARY KEY,
    leaf_hash BLOB NOT NULL,
    receipt_id TEXT NOT NULL,
    principal TEXT NOT NULL,
    consent_ts INTEGER NOT NULL,
    received_ms INTEGER NOT NULL,
    collection_method TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    decisions TEXT NOT NULL,
    prev_receipt_hash TEXT,
    receipt_hash TEXT NOT NULL,
    chain TEXT NOT NULL,
    sth_size INTEGER NOT NULL,
    ack TEXT NOT NULL,
    jws TEXT NOT NULL
);
INSERT INTO receipts_scoped SELECT leaf_index, leaf_hash, receipt_id, principal, consent_ts, received_ms,
    collection_method, policy_version, decisions, prev_receipt_hash, receipt_hash, chain, sth_size, ack, jws
    FROM receipts;
DROP TABLE receipts;
ALTER TABLE receipts_scoped RENAME TO receipts;
-- A principal's history, and its chain head (the receipt with the largest leaf_index).
CREATE INDEX receipts_by_principal ON receipts (principal, leaf_index);
-- Idempotency: one receipt per id per principal; also finds a receipt by id alone.
CREATE UNIQUE INDEX receipts_by_id ON receipts (receipt_id, principal);
-- The owner of a receipt hash (fork or gap), without reading a principal's whole history.
CREATE INDEX receipts_by_hash ON receipts (receipt_hash);
