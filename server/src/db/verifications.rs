//! The full `verify` runs recorded ([`crate::verify`]): a report's, the dashboard's "Verify now",
//! the `verify` command's. The dashboard shows the last one.

use serde::Serialize;
use sqlx::Row;

use super::{to_i64, to_u64, Db, DbError};
use crate::time::format_millis;

/// One verification as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// When it finished, ms since the epoch.
    pub finished_ms: i64,
    /// Who ran it: `report`, `dashboard` or `command`.
    pub source: String,
    /// The log's size when it ran.
    pub tree_size: u64,
    /// `passed`, `failed` or `inconclusive`.
    pub status: String,
    /// Receipts checked.
    pub receipts: u64,
    /// Problems found.
    pub problem_count: u64,
    /// How long it took.
    pub duration_ms: u64,
}

/// A verification as the dashboard's JSON shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationBody {
    /// How long it took, ms.
    pub duration_ms: u64,
    /// When it finished, RFC 3339.
    pub finished_at: String,
    /// Problems found.
    pub problem_count: u64,
    /// Receipts checked.
    pub receipts: u64,
    /// `report`, `dashboard` or `command`.
    pub source: String,
    /// `passed`, `failed` or `inconclusive`.
    pub status: String,
    /// The log's size when it ran.
    pub tree_size: u64,
}

impl From<&Verification> for VerificationBody {
    fn from(v: &Verification) -> Self {
        VerificationBody {
            duration_ms: v.duration_ms,
            finished_at: format_millis(v.finished_ms),
            problem_count: v.problem_count,
            receipts: v.receipts,
            source: v.source.clone(),
            status: v.status.clone(),
            tree_size: v.tree_size,
        }
    }
}

/// Records a verification.
pub async fn record(db: &Db, v: &Verification) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO verifications (finished_ms, source, tree_size, status, receipts, problem_count, duration_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(v.finished_ms)
    .bind(&v.source)
    .bind(to_i64(v.tree_size))
    .bind(&v.status)
    .bind(to_i64(v.receipts))
    .bind(to_i64(v.problem_count))
    .bind(to_i64(v.duration_ms))
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The last verification recorded, if any.
pub async fn last(db: &Db) -> Result<Option<Verification>, DbError> {
    let row = sqlx::query(
        "SELECT finished_ms, source, tree_size, status, receipts, problem_count, duration_ms FROM verifications \
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(Verification {
        finished_ms: r.try_get(0)?,
        source: r.try_get(1)?,
        tree_size: to_u64(r.try_get(2)?, "verified tree size")?,
        status: r.try_get(3)?,
        receipts: to_u64(r.try_get(4)?, "verified receipts")?,
        problem_count: to_u64(r.try_get(5)?, "problem count")?,
        duration_ms: to_u64(r.try_get(6)?, "verify duration")?,
    }))
}
