-- Idempotency is scoped to (principal, receipt id): another key can no longer take a visitor's
-- consentReceiptID first (review #3). And a gap receipt looks up only the hash it names (#12).
-- Keep in step with ../sqlite/0002_principal_scoped_ids.sql.

ALTER TABLE receipts DROP CONSTRAINT receipts_receipt_id_key;
-- Idempotency: one receipt per id per principal; also finds a receipt by id alone.
CREATE UNIQUE INDEX receipts_by_id ON receipts (receipt_id, principal);
-- The owner of a receipt hash (fork or gap), without reading a principal's whole history.
CREATE INDEX receipts_by_hash ON receipts (receipt_hash);
