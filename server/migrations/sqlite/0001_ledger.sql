-- The receipt ledger (SQLite). Keep in step with ../postgres/0001_ledger.sql.

-- The server's ES256 key (PKCS#8), made on first start.
CREATE TABLE server_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pkcs8 BLOB NOT NULL,
    created_ms INTEGER NOT NULL
);

-- The one row every append locks: tree size, right edge of the tree, chain-break count.
CREATE TABLE log_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    tree_size INTEGER NOT NULL,
    frontier BLOB NOT NULL,
    chain_breaks INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
INSERT INTO log_head (id, tree_size, frontier, chain_breaks, updated_ms) VALUES (1, 0, x'', 0, 0);

-- One row per accepted receipt; leaf_index is its position in the Merkle log, leaf_hash its
-- Merkle leaf hash (level 0 of the tree). Few indexes: every one costs each append.
CREATE TABLE receipts (
    leaf_index INTEGER PRIMARY KEY,
    leaf_hash BLOB NOT NULL,
    receipt_id TEXT NOT NULL UNIQUE,
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
-- A principal's history, and its chain head (the receipt with the largest leaf_index).
CREATE INDEX receipts_by_principal ON receipts (principal, leaf_index);

-- Every perfect subtree of two or more leaves: (level >= 1, index) -> hash.
CREATE TABLE merkle_nodes (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Signed tree heads, one per committed batch.
CREATE TABLE tree_heads (
    tree_size INTEGER PRIMARY KEY,
    root_hash BLOB NOT NULL,
    timestamp_ms INTEGER NOT NULL,
    jws TEXT NOT NULL
);

-- Decisions per purpose per UTC day of consentTimestamp (day = days since 1970-01-01).
CREATE TABLE daily_rates (
    day INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    granted INTEGER NOT NULL,
    refused INTEGER NOT NULL,
    PRIMARY KEY (day, purpose)
) WITHOUT ROWID;
