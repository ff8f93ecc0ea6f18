//! The webhook outbox ([`crate::webhook`]): events (written by the log writer's transaction,
//! [`crate::writer::batch`]), the hooks and where each starts, and each hook's batches with their
//! delivery state. Tables of migration `0005_webhooks`.

use sqlx::{AnyConnection, Row};

use super::{to_i64, to_u64, Db, DbError};

/// A batch is waiting to be delivered (or retried).
pub const PENDING: &str = "pending";
/// A 2xx was recorded: never sent again.
pub const DELIVERED: &str = "delivered";
/// Every attempt failed: a dead letter.
pub const DEAD: &str = "dead";

/// One batch of one hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The hook's name.
    pub hook: String,
    /// 1, 2, 3… per hook, in log order.
    pub sequence: u64,
    /// Its first and last events' leaf indexes.
    pub first_leaf: u64,
    /// See `first_leaf`.
    pub last_leaf: u64,
    /// How many events.
    pub events: u64,
    /// The idempotency key (the same at every attempt).
    pub idempotency_key: String,
    /// [`PENDING`], [`DELIVERED`] or [`DEAD`].
    pub status: String,
    /// Attempts made.
    pub attempts: u32,
    /// When the next attempt is due, ms since the epoch.
    pub next_attempt_ms: i64,
    /// The last attempt's HTTP status, if one came back.
    pub last_status: Option<u16>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the batch was cut.
    pub created_ms: i64,
    /// When its state last changed.
    pub updated_ms: i64,
}

const BATCH_COLUMNS: &str = "hook, sequence, first_leaf, last_leaf, events, idempotency_key, status, attempts, \
                             next_attempt_ms, last_status, last_error, created_ms, updated_ms";

fn batch(row: &sqlx::any::AnyRow) -> Result<Batch, DbError> {
    let status: Option<i64> = row.try_get(9)?;
    Ok(Batch {
        hook: row.try_get(0)?,
        sequence: to_u64(row.try_get(1)?, "sequence")?,
        first_leaf: to_u64(row.try_get(2)?, "leaf index")?,
        last_leaf: to_u64(row.try_get(3)?, "leaf index")?,
        events: to_u64(row.try_get(4)?, "event count")?,
        idempotency_key: row.try_get(5)?,
        status: row.try_get(6)?,
        attempts: u32::try_from(row.try_get::<i64, _>(7)?).unwrap_or(u32::MAX),
        next_attempt_ms: row.try_get(8)?,
        last_status: status.and_then(|s| u16::try_from(s).ok()),
        last_error: row.try_get(10)?,
        created_ms: row.try_get(11)?,
        updated_ms: row.try_get(12)?,
    })
}

/// Registers hooks not seen before: each starts at the log's current size.
pub async fn register(db: &Db, names: &[&str], now_ms: i64) -> Result<(), DbError> {
    for name in names {
        sqlx::query(
            "INSERT INTO webhook_hooks (name, start_leaf, created_ms) SELECT $1, tree_size, $2 FROM log_head \
             WHERE id = 1 ON CONFLICT (name) DO NOTHING",
        )
        .bind(name.to_string())
        .bind(now_ms)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

/// Where `hook`'s next batch starts and its sequence number.
pub async fn cursor(conn: &mut AnyConnection, hook: &str) -> Result<(u64, u64), DbError> {
    let row = sqlx::query(
        "SELECT (SELECT start_leaf FROM webhook_hooks WHERE name = $1), \
         (SELECT MAX(last_leaf) FROM webhook_batches WHERE hook = $1), \
         (SELECT MAX(sequence) FROM webhook_batches WHERE hook = $1)",
    )
    .bind(hook.to_string())
    .fetch_one(&mut *conn)
    .await?;
    let start: Option<i64> = row.try_get(0)?;
    let last: Option<i64> = row.try_get(1)?;
    let sequence: Option<i64> = row.try_get(2)?;
    let start = start.ok_or_else(|| DbError::Corrupt(format!("webhook {hook} is not registered")))?;
    let next = last.map_or(start, |l| l + 1).max(start);
    Ok((to_u64(next, "leaf index")?, to_u64(sequence.unwrap_or(0), "sequence")? + 1))
}

/// Up to `limit` events from leaf `from` on: `(leaf index, event JSON, written ms)`.
pub async fn events_from(
    conn: &mut AnyConnection,
    from: u64,
    limit: usize,
) -> Result<Vec<(u64, String, i64)>, DbError> {
    let rows = sqlx::query(
        "SELECT leaf_index, event, created_ms FROM webhook_events WHERE leaf_index >= $1 ORDER BY leaf_index LIMIT $2",
    )
    .bind(to_i64(from))
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok((to_u64(r.try_get(0)?, "leaf index")?, r.try_get(1)?, r.try_get(2)?))).collect()
}

/// The events of a batch, in log order.
pub async fn events_of(conn: &mut AnyConnection, batch: &Batch) -> Result<Vec<String>, DbError> {
    let rows =
        sqlx::query("SELECT event FROM webhook_events WHERE leaf_index >= $1 AND leaf_index <= $2 ORDER BY leaf_index")
            .bind(to_i64(batch.first_leaf))
            .bind(to_i64(batch.last_leaf))
            .fetch_all(&mut *conn)
            .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// Records a new pending batch (one statement: it exists whole or not at all).
pub async fn create(conn: &mut AnyConnection, b: &Batch) -> Result<(), DbError> {
    let sql = format!(
        "INSERT INTO webhook_batches ({BATCH_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL, $10, $10)"
    );
    sqlx::query(&sql)
        .bind(b.hook.clone())
        .bind(to_i64(b.sequence))
        .bind(to_i64(b.first_leaf))
        .bind(to_i64(b.last_leaf))
        .bind(to_i64(b.events))
        .bind(b.idempotency_key.clone())
        .bind(PENDING)
        .bind(0i64)
        .bind(b.next_attempt_ms)
        .bind(b.created_ms)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// `hook`'s first pending batch (the next to send).
pub async fn next_pending(conn: &mut AnyConnection, hook: &str) -> Result<Option<Batch>, DbError> {
    let sql = format!(
        "SELECT {BATCH_COLUMNS} FROM webhook_batches WHERE hook = $1 AND status = $2 ORDER BY sequence LIMIT 1"
    );
    let row = sqlx::query(&sql).bind(hook.to_string()).bind(PENDING).fetch_optional(&mut *conn).await?;
    row.as_ref().map(batch).transpose()
}

/// Records an attempt: its new `status`, attempts, next attempt, HTTP status and error.
pub async fn record_attempt(conn: &mut AnyConnection, b: &Batch, now_ms: i64) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE webhook_batches SET status = $1, attempts = $2, next_attempt_ms = $3, last_status = $4, \
         last_error = $5, updated_ms = $6 WHERE hook = $7 AND sequence = $8 AND status = $9",
    )
    .bind(b.status.clone())
    .bind(i64::from(b.attempts))
    .bind(b.next_attempt_ms)
    .bind(b.last_status.map(i64::from))
    .bind(b.last_error.clone())
    .bind(now_ms)
    .bind(b.hook.clone())
    .bind(to_i64(b.sequence))
    .bind(PENDING)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Makes `hook`'s dead letters pending again, attempts reset; how many.
pub async fn requeue_dead(db: &Db, hook: &str, now_ms: i64) -> Result<u64, DbError> {
    let done = sqlx::query(
        "UPDATE webhook_batches SET status = $1, attempts = 0, next_attempt_ms = $2, updated_ms = $2 \
         WHERE hook = $3 AND status = $4",
    )
    .bind(PENDING)
    .bind(now_ms)
    .bind(hook.to_string())
    .bind(DEAD)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected())
}

/// Per status, `(batches, events)`, and the last change of a delivered batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Delivered batches and their events.
    pub delivered: (u64, u64),
    /// Pending ones.
    pub pending: (u64, u64),
    /// Dead letters.
    pub dead: (u64, u64),
    /// When the last 2xx was recorded.
    pub last_delivered_ms: Option<i64>,
}

/// The registered hooks' names and start leaves.
pub async fn hooks(db: &Db) -> Result<Vec<(String, u64)>, DbError> {
    let rows = sqlx::query("SELECT name, start_leaf FROM webhook_hooks ORDER BY name").fetch_all(&db.pool).await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, to_u64(r.try_get(1)?, "leaf index")?))).collect()
}

/// `hook`'s totals.
pub async fn totals(db: &Db, hook: &str) -> Result<Totals, DbError> {
    let rows = sqlx::query(
        "SELECT status, COUNT(*), CAST(SUM(events) AS BIGINT), MAX(updated_ms) FROM webhook_batches WHERE hook = $1 GROUP BY status",
    )
    .bind(hook.to_string())
    .fetch_all(&db.pool)
    .await?;
    let mut totals = Totals::default();
    for r in rows {
        let status: String = r.try_get(0)?;
        let counts = (to_u64(r.try_get(1)?, "count")?, to_u64(r.try_get::<Option<i64>, _>(2)?.unwrap_or(0), "count")?);
        match status.as_str() {
            DELIVERED => {
                totals.delivered = counts;
                totals.last_delivered_ms = r.try_get(3)?;
            }
            PENDING => totals.pending = counts,
            _ => totals.dead = counts,
        }
    }
    Ok(totals)
}

/// Events from leaf `from` on not yet in a batch.
pub async fn backlog(db: &Db, from: u64) -> Result<u64, DbError> {
    let row = sqlx::query("SELECT COUNT(*) FROM webhook_events WHERE leaf_index >= $1")
        .bind(to_i64(from))
        .fetch_one(&db.pool)
        .await?;
    to_u64(row.try_get(0)?, "count")
}

/// `hook`'s batches in `status`, oldest first, at most `limit`.
pub async fn batches(db: &Db, hook: &str, status: &str, limit: i64) -> Result<Vec<Batch>, DbError> {
    let sql = format!(
        "SELECT {BATCH_COLUMNS} FROM webhook_batches WHERE hook = $1 AND status = $2 ORDER BY sequence LIMIT $3"
    );
    let rows =
        sqlx::query(&sql).bind(hook.to_string()).bind(status.to_string()).bind(limit).fetch_all(&db.pool).await?;
    rows.iter().map(batch).collect()
}

/// `hook`'s last failed attempt (of any batch), if any.
pub async fn last_failure(db: &Db, hook: &str) -> Result<Option<Batch>, DbError> {
    let sql = format!(
        "SELECT {BATCH_COLUMNS} FROM webhook_batches WHERE hook = $1 AND last_error IS NOT NULL \
         ORDER BY updated_ms DESC, sequence DESC LIMIT 1"
    );
    let row = sqlx::query(&sql).bind(hook.to_string()).fetch_optional(&db.pool).await?;
    row.as_ref().map(batch).transpose()
}
