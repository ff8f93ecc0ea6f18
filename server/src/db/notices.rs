//! The notice registry's rows: one notice per hash, as its canonical JSON, with the policy version
//! and language it was computed for. Written by [`crate::notices::register`], read by the report.

use sqlx::Row;

use super::{Db, DbError};

/// One registered notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredNotice {
    /// `noticeHash`: base64url SHA-256 of `notice`.
    pub notice_hash: String,
    /// The configuration's `policy_version`.
    pub policy_version: String,
    /// The language the notice is in.
    pub language: String,
    /// The canonical JSON of the notice (receipt/SPEC.md §4), exactly the bytes that are hashed.
    pub notice: String,
    /// When it was first registered, ms since the epoch.
    pub registered_ms: i64,
}

/// Stores `notice` unless its hash is already registered; `true` when it was new. The hash is
/// over the text, so a known hash always holds the same text.
pub async fn insert(db: &Db, notice: &StoredNotice) -> Result<bool, DbError> {
    let done = sqlx::query(
        "INSERT INTO notices (notice_hash, policy_version, language, notice, registered_ms) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (notice_hash) DO NOTHING",
    )
    .bind(&notice.notice_hash)
    .bind(&notice.policy_version)
    .bind(&notice.language)
    .bind(&notice.notice)
    .bind(notice.registered_ms)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

fn stored(row: &sqlx::any::AnyRow) -> Result<StoredNotice, DbError> {
    Ok(StoredNotice {
        notice_hash: row.try_get(0)?,
        policy_version: row.try_get(1)?,
        language: row.try_get(2)?,
        notice: row.try_get(3)?,
        registered_ms: row.try_get(4)?,
    })
}

/// Every registered notice, by policy version, language and hash.
pub async fn all(db: &Db) -> Result<Vec<StoredNotice>, DbError> {
    let rows = sqlx::query(
        "SELECT notice_hash, policy_version, language, notice, registered_ms FROM notices \
         ORDER BY policy_version, language, notice_hash",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(stored).collect()
}

/// The notice registered under `hash`, if any.
pub async fn get(db: &Db, hash: &str) -> Result<Option<StoredNotice>, DbError> {
    let row = sqlx::query(
        "SELECT notice_hash, policy_version, language, notice, registered_ms FROM notices WHERE notice_hash = $1",
    )
    .bind(hash)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(stored).transpose()
}
