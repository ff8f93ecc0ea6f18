-- The webhook outbox (server/src/webhook.rs). Keep in step with ../sqlite/0005_webhooks.sql.

-- One event per receipt appended while `serve` had a --webhook, written in the append's own
-- transaction: an event exists exactly when its receipt is in the log.
CREATE TABLE webhook_events (
    leaf_index BIGINT PRIMARY KEY,
    event TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);

-- Every hook ever configured, by name, and the leaf it starts at (the log's size when it was
-- first configured).
CREATE TABLE webhook_hooks (
    name TEXT PRIMARY KEY,
    start_leaf BIGINT NOT NULL,
    created_ms BIGINT NOT NULL
);

-- Each hook's batches, cut in log order and fixed once recorded (the events first_leaf..last_leaf,
-- hence the same body and idempotency key at every attempt). status: pending, delivered (a 2xx
-- was recorded: never sent again) or dead (every attempt failed).
CREATE TABLE webhook_batches (
    hook TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    first_leaf BIGINT NOT NULL,
    last_leaf BIGINT NOT NULL,
    events BIGINT NOT NULL,
    idempotency_key TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_ms BIGINT NOT NULL,
    last_status BIGINT,
    last_error TEXT,
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL,
    PRIMARY KEY (hook, sequence)
);
CREATE INDEX webhook_batches_by_status ON webhook_batches (hook, status, sequence);
