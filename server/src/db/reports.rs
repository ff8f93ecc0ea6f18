//! The audit reports made: each one's period, the tree head it was built on, the SHA-256 of its
//! bytes and its detached signature. The latest one's tree head is where the next report's
//! consistency proof starts ([`crate::report`]).

use sqlx::Row;

use super::{to_i64, to_u64, Db, DbError};

/// One report as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedReport {
    /// When it was made, ms since the epoch.
    pub created_ms: i64,
    /// Its period, seconds of `consentTimestamp`, `[from, to)`.
    pub from_ts: i64,
    /// End of the period (exclusive).
    pub to_ts: i64,
    /// `json`, `html` or `pdf`.
    pub format: String,
    /// The size of the signed tree head it was built on.
    pub tree_size: u64,
    /// That head's root.
    pub root_hash: Vec<u8>,
    /// Base64url SHA-256 of the report's bytes.
    pub report_sha256: String,
    /// The detached JWS over those bytes.
    pub signature: String,
}

/// Records a report.
pub async fn record(db: &Db, r: &IssuedReport) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO reports (created_ms, from_ts, to_ts, format, tree_size, root_hash, report_sha256, signature) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(r.created_ms)
    .bind(r.from_ts)
    .bind(r.to_ts)
    .bind(&r.format)
    .bind(to_i64(r.tree_size))
    .bind(r.root_hash.clone())
    .bind(&r.report_sha256)
    .bind(&r.signature)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The tree size of the last report made (by id), if any.
pub async fn last_tree_size(db: &Db) -> Result<Option<u64>, DbError> {
    let row = sqlx::query("SELECT tree_size FROM reports ORDER BY id DESC LIMIT 1").fetch_optional(&db.pool).await?;
    row.map(|r| to_u64(r.try_get(0)?, "report tree size")).transpose()
}

/// How many reports were made.
pub async fn count(db: &Db) -> Result<u64, DbError> {
    let row = sqlx::query("SELECT COUNT(*) FROM reports").fetch_one(&db.pool).await?;
    to_u64(row.try_get(0)?, "report count")
}
