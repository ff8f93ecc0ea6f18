//! What the audit report reads: every receipt up to a tree size in log order, in pages, with its
//! JWS only when its `consentTimestamp` falls in the report's period (earlier receipts are read
//! for their decisions alone, to find withdrawals); and the tree head in force at a moment.

use sqlx::Row;

use super::tree::{self, hash};
use super::{to_i64, to_u64, Db, DbError};
use crate::ledger::tree_head::{SignedTreeHead, TreeHead};

/// One receipt as the report reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedReceipt {
    /// Position in the log.
    pub leaf_index: u64,
    /// `consentReceiptID`.
    pub receipt_id: String,
    /// `piiPrincipalId`.
    pub principal: String,
    /// `consentTimestamp`, seconds.
    pub consent_ts: i64,
    /// `collectionMethod`.
    pub collection_method: String,
    /// `policyVersion`.
    pub policy_version: String,
    /// The stored `decisions` column.
    pub decisions: String,
    /// The stored chain link.
    pub chain: String,
    /// The compact JWS when the receipt is in the period, else empty.
    pub jws: String,
}

/// Receipts after leaf `after` (exclusive; `None` from the first) and below leaf `below`, with
/// `consentTimestamp` before `to`, at most `limit`; the JWS of those from `from` on.
pub async fn page(
    db: &Db,
    after: Option<u64>,
    below: u64,
    (from, to): (i64, i64),
    limit: i64,
) -> Result<Vec<ScannedReceipt>, DbError> {
    let rows = sqlx::query(
        "SELECT leaf_index, receipt_id, principal, consent_ts, collection_method, policy_version, decisions, chain, \
         CASE WHEN consent_ts >= $1 THEN jws ELSE '' END \
         FROM receipts WHERE leaf_index > $2 AND leaf_index < $3 AND consent_ts < $4 ORDER BY leaf_index LIMIT $5",
    )
    .bind(from)
    .bind(after.map_or(-1, to_i64))
    .bind(to_i64(below))
    .bind(to)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ScannedReceipt {
                leaf_index: to_u64(r.try_get(0)?, "leaf index")?,
                receipt_id: r.try_get(1)?,
                principal: r.try_get(2)?,
                consent_ts: r.try_get(3)?,
                collection_method: r.try_get(4)?,
                policy_version: r.try_get(5)?,
                decisions: r.try_get(6)?,
                chain: r.try_get(7)?,
                jws: r.try_get(8)?,
            })
        })
        .collect()
}

/// The last signed tree head timestamped before `ms`, if any.
pub async fn tree_head_before(db: &Db, ms: i64) -> Result<Option<SignedTreeHead>, DbError> {
    let row = sqlx::query(
        "SELECT tree_size, root_hash, timestamp_ms, jws FROM tree_heads WHERE timestamp_ms < $1 \
         ORDER BY tree_size DESC LIMIT 1",
    )
    .bind(ms)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        None => Ok(None),
        Some(row) => {
            let head = TreeHead {
                size: to_u64(row.try_get(0)?, "tree size")?,
                root: hash(row.try_get(1)?)?,
                timestamp_ms: row.try_get(2)?,
            };
            Ok(Some(SignedTreeHead { head, jws: row.try_get(3)? }))
        }
    }
}

/// The signed tree head of `size`, or an error naming it.
pub async fn tree_head_of(db: &Db, size: u64) -> Result<SignedTreeHead, DbError> {
    tree::tree_head(db, size).await?.ok_or_else(|| DbError::Corrupt(format!("no signed tree head of size {size}")))
}
