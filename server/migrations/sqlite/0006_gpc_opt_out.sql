-- Receipts of a state the Global Privacy Control signal alone put in force (collection method
-- `gpc:opt-out`) are counted apart per day by `/v1/stats/consent-rates`; this index answers that
-- count over a date range without scanning the other receipts.
CREATE INDEX receipts_gpc_opt_out ON receipts (consent_ts) WHERE collection_method = 'gpc:opt-out';
