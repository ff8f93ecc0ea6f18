//! Reading receipts: stored answers (idempotency), single receipts, pages for exports and
//! `verify`, one principal's history, and the daily rates. Read-only; safe from any instance at
//! any time. The tree itself is read in [`super::tree`].

use std::collections::HashMap;

use sqlx::{Any, Executor, Row};

use super::params::{bind_all, Param, Placeholders};
use super::tree::hash;
use super::{to_i64, to_u64, Backend, Db, DbError};
use crate::ack::Answer;
use crate::chain::Link;
use crate::ledger::tree_head::TreeHead;
use crate::ledger::Hash;

/// One stored receipt with what the server recorded about it. Read by column name
/// (`RECEIPT_COLUMNS` selects every field).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredReceipt {
    /// Position in the log.
    #[sqlx(try_from = "i64")]
    pub leaf_index: u64,
    /// `consentReceiptID`.
    pub receipt_id: String,
    /// `piiPrincipalId`.
    pub principal: String,
    /// `consentTimestamp`, seconds.
    pub consent_ts: i64,
    /// Arrival, ms.
    pub received_ms: i64,
    /// `collectionMethod`.
    pub collection_method: String,
    /// `policyVersion`.
    pub policy_version: String,
    /// `{"purposes":{…},"services":{…}}`.
    pub decisions: String,
    /// `prevReceiptHash`.
    pub prev_receipt_hash: Option<String>,
    /// Hash of this receipt's JWS.
    pub receipt_hash: String,
    /// Chain link as stored.
    pub chain: String,
    /// The tree head it first appeared under.
    #[sqlx(try_from = "i64")]
    pub sth_size: u64,
    /// The compact JWS.
    pub jws: String,
    /// The signed acknowledgment given for it.
    pub ack: String,
    /// The Merkle leaf hash as stored.
    #[sqlx(try_from = "Vec<u8>")]
    pub leaf_hash: Hash,
}

const RECEIPT_COLUMNS: &str = "leaf_index, receipt_id, principal, consent_ts, received_ms, collection_method, \
     policy_version, decisions, prev_receipt_hash, receipt_hash, chain, sth_size, jws, ack, leaf_hash";

/// A receipt's identity for idempotency: `(piiPrincipalId, consentReceiptID)`. Ids are chosen by
/// browsers, so the same id under two principals is two receipts, and no key can take another's id.
pub type ReceiptKey = (String, String);

/// The stored JWS and answer of each of `keys` (`(principal, id)`) that is in the log.
pub async fn stored_answers<'c>(
    ex: impl Executor<'c, Database = Any>,
    backend: Backend,
    keys: &[(&str, &str)],
) -> Result<HashMap<ReceiptKey, (String, Answer)>, DbError> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let mut ids: Vec<&str> = keys.iter().map(|(_, id)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    let sql = format!(
        "SELECT r.receipt_id, r.jws, r.leaf_index, r.chain, r.ack, t.tree_size, t.root_hash, t.timestamp_ms, r.principal \
         FROM receipts r JOIN tree_heads t ON t.tree_size = r.sth_size WHERE r.receipt_id IN ({})",
        Placeholders::new(backend).list(ids.len())
    );
    let rows =
        bind_all(sqlx::query(&sql), ids.iter().map(|i| Param::Text(i.to_string())).collect()).fetch_all(ex).await?;
    let mut out = HashMap::new();
    for row in rows {
        let principal: String = row.try_get(8)?;
        let chain: String = row.try_get(3)?;
        let head = TreeHead {
            size: to_u64(row.try_get(5)?, "tree size")?,
            root: hash(row.try_get(6)?)?,
            timestamp_ms: row.try_get(7)?,
        };
        let answer = Answer {
            receipt_id: row.try_get(0)?,
            leaf_index: to_u64(row.try_get(2)?, "leaf index")?,
            head,
            link: Link::parse(&chain).ok_or_else(|| DbError::Corrupt(format!("chain value {chain:?}")))?,
            ack: row.try_get(4)?,
        };
        out.insert((principal, answer.receipt_id.clone()), (row.try_get(1)?, answer));
    }
    Ok(out)
}

/// The receipts with `consentReceiptID` `id` (of `principal` when given), in log order, at most two:
/// enough to tell "none", "this one" and "ambiguous, name the principal" apart.
pub async fn receipts_by_id(db: &Db, id: &str, principal: Option<&str>) -> Result<Vec<StoredReceipt>, DbError> {
    let sql = format!(
        "SELECT {RECEIPT_COLUMNS} FROM receipts WHERE receipt_id = $1 AND ($2 = '' OR principal = $2) \
         ORDER BY leaf_index LIMIT 2"
    );
    Ok(sqlx::query_as(&sql).bind(id).bind(principal.unwrap_or("")).fetch_all(&db.pool).await?)
}

/// A page of receipts in log order after `after` (exclusive; `None` from the start), with
/// `consentTimestamp` in `[from, to)`.
pub async fn receipts_page(
    db: &Db,
    after: Option<u64>,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<StoredReceipt>, DbError> {
    let sql = format!(
        "SELECT {RECEIPT_COLUMNS} FROM receipts WHERE leaf_index > $1 AND consent_ts >= $2 AND consent_ts < $3 ORDER BY leaf_index LIMIT $4"
    );
    let after = after.map_or(-1, to_i64);
    Ok(sqlx::query_as(&sql).bind(after).bind(from).bind(to).bind(limit).fetch_all(&db.pool).await?)
}

/// One principal's receipts in log order after leaf `after` (exclusive; `None` from the first), at
/// most `limit`: a page, through the `(principal, leaf_index)` index.
pub async fn history(db: &Db, principal: &str, after: Option<u64>, limit: i64) -> Result<Vec<StoredReceipt>, DbError> {
    let sql = format!(
        "SELECT {RECEIPT_COLUMNS} FROM receipts WHERE principal = $1 AND leaf_index > $2 ORDER BY leaf_index LIMIT $3"
    );
    let after = after.map_or(-1, to_i64);
    Ok(sqlx::query_as(&sql).bind(principal).bind(after).bind(limit).fetch_all(&db.pool).await?)
}

/// One row of the daily rates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyRate {
    /// Days since 1970-01-01 (UTC) of `consentTimestamp`.
    pub day: i64,
    /// Purpose id.
    pub purpose: String,
    /// Decisions granting it.
    pub granted: u64,
    /// Decisions refusing it.
    pub refused: u64,
}

/// Daily rates for days in `[from_day, to_day)`, by day then purpose.
pub async fn daily_rates(db: &Db, from_day: i64, to_day: i64) -> Result<Vec<DailyRate>, DbError> {
    let rows = sqlx::query(
        "SELECT day, purpose, granted, refused FROM daily_rates WHERE day >= $1 AND day < $2 ORDER BY day, purpose",
    )
    .bind(from_day)
    .bind(to_day)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DailyRate {
                day: r.try_get(0)?,
                purpose: r.try_get(1)?,
                granted: to_u64(r.try_get(2)?, "count")?,
                refused: to_u64(r.try_get(3)?, "count")?,
            })
        })
        .collect()
}

/// Receipts of a state the Global Privacy Control signal alone put in force (`gpc:opt-out`) on
/// one UTC day of `consentTimestamp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyGpcOptOut {
    /// Days since 1970-01-01 (UTC).
    pub day: i64,
    /// Receipts.
    pub receipts: u64,
}

/// `gpc:opt-out` receipts per day for days in `[from_day, to_day)`, by day (counted from the
/// receipts themselves, through their partial index: nothing to keep in step).
pub async fn daily_gpc_opt_outs(db: &Db, from_day: i64, to_day: i64) -> Result<Vec<DailyGpcOptOut>, DbError> {
    let rows = sqlx::query(
        "SELECT consent_ts / 86400 AS day, COUNT(*) FROM receipts WHERE collection_method = 'gpc:opt-out' \
         AND consent_ts >= $1 AND consent_ts < $2 GROUP BY consent_ts / 86400 ORDER BY day",
    )
    .bind(from_day.saturating_mul(86_400))
    .bind(to_day.saturating_mul(86_400))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| Ok(DailyGpcOptOut { day: r.try_get(0)?, receipts: to_u64(r.try_get(1)?, "count")? })).collect()
}

/// All daily rates (for `verify`).
pub async fn all_daily_rates(db: &Db) -> Result<Vec<DailyRate>, DbError> {
    daily_rates(db, i64::MIN, i64::MAX).await
}
