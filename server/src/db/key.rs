//! The server key row: created by whichever instance starts first, read by all.

use sqlx::Row;

use super::{Db, DbError};
use crate::keys::ServerKey;

/// Loads the server key, generating and storing one on first start. Two instances starting at
/// once both try to insert; `ON CONFLICT DO NOTHING` keeps the first and both read it back.
pub async fn load_or_create(db: &Db, now_ms: i64) -> Result<ServerKey, DbError> {
    let fresh = ServerKey::generate_pkcs8()?;
    sqlx::query("INSERT INTO server_key (id, pkcs8, created_ms) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING")
        .bind(fresh)
        .bind(now_ms)
        .execute(&db.pool)
        .await?;
    load(db).await
}

/// Loads the stored server key (`verify` never creates one).
pub async fn load(db: &Db) -> Result<ServerKey, DbError> {
    let row = sqlx::query("SELECT pkcs8 FROM server_key WHERE id = 1").fetch_optional(&db.pool).await?;
    let Some(row) = row else { return Err(DbError::Corrupt("no server key stored".into())) };
    let pkcs8: Vec<u8> = row.try_get(0)?;
    ServerKey::from_pkcs8(&pkcs8).map_err(|e| DbError::Corrupt(e.to_string()))
}
