-- The receipt ledger (PostgreSQL). Keep in step with ../sqlite/0001_ledger.sql.

-- The server's ES256 key (PKCS#8), made on first start.
CREATE TABLE server_key (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    pkcs8 BYTEA NOT NULL,
    created_ms BIGINT NOT NULL
);

-- The one row every append locks: tree size, right edge of the tree, chain-break count.
CREATE TABLE log_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    tree_size BIGINT NOT NULL,
    frontier BYTEA NOT NULL,
    chain_breaks BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL
);
INSERT INTO log_head (id, tree_size, frontier, chain_breaks, updated_ms) VALUES (1, 0, ''::bytea, 0, 0);

-- One row per accepted receipt; leaf_index is its position in the Merkle log, leaf_hash its
-- Merkle leaf hash (level 0 of the tree). Few indexes: every one costs each append.
CREATE TABLE receipts (
    leaf_index BIGINT PRIMARY KEY,
    leaf_hash BYTEA NOT NULL,
    receipt_id TEXT NOT NULL UNIQUE,
    principal TEXT NOT NULL,
    consent_ts BIGINT NOT NULL,
    received_ms BIGINT NOT NULL,
    collection_method TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    decisions TEXT NOT NULL,
    prev_receipt_hash TEXT,
    receipt_hash TEXT NOT NULL,
    chain TEXT NOT NULL,
    sth_size BIGINT NOT NULL,
    ack TEXT NOT NULL,
    jws TEXT NOT NULL
);
-- Receipts are ~2.5 KB of base64 that does not compress well: keep it out of line, uncompressed.
ALTER TABLE receipts ALTER COLUMN jws SET STORAGE EXTERNAL;
-- A principal's history, and its chain head (the receipt with the largest leaf_index).
CREATE INDEX receipts_by_principal ON receipts (principal, leaf_index);

-- Every perfect subtree of two or more leaves: (level >= 1, index) -> hash.
CREATE TABLE merkle_nodes (
    level BIGINT NOT NULL,
    idx BIGINT NOT NULL,
    hash BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);

-- Signed tree heads, one per committed batch.
CREATE TABLE tree_heads (
    tree_size BIGINT PRIMARY KEY,
    root_hash BYTEA NOT NULL,
    timestamp_ms BIGINT NOT NULL,
    jws TEXT NOT NULL
);

-- Decisions per purpose per UTC day of consentTimestamp (day = days since 1970-01-01).
CREATE TABLE daily_rates (
    day BIGINT NOT NULL,
    purpose TEXT NOT NULL,
    granted BIGINT NOT NULL,
    refused BIGINT NOT NULL,
    PRIMARY KEY (day, purpose)
);
