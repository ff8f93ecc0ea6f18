//! One hook's delivery loop: take the hook (an advisory lock on PostgreSQL), then forever send
//! its first pending batch when due, or cut the next batch from the outbox, or wait for the log
//! writer's next commit. Database failures drop the connection and start over a moment later;
//! nothing here can reach a visitor's request.

use std::sync::Arc;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::{Any, Row};
use tokio::sync::watch;

use super::config::{Hook, Policy};
use super::event::{batch_body, idempotency_key};
use super::sender::Sender;
use super::{retry, signature};
use crate::db::webhooks::{self as store, Batch, DEAD, DELIVERED, PENDING};
use crate::db::{Backend, Db, DbError};
use crate::time::now_ms;

/// How often an idle hook looks for events another instance appended (its own writer wakes it).
const IDLE_POLL: Duration = Duration::from_secs(1);
/// How long to wait after a database failure, or while another instance holds the hook.
const PAUSE: Duration = Duration::from_secs(2);

/// One hook's delivery task.
#[derive(Debug)]
pub struct Worker {
    /// The hook.
    pub hook: Arc<Hook>,
    /// Batching and retries.
    pub policy: Policy,
    /// Its own pool of one connection.
    pub db: Db,
    /// The HTTP client.
    pub sender: Sender,
    /// Changes after each commit of this process's log writer.
    pub signal: watch::Receiver<u64>,
}

/// What one step did.
enum Step {
    /// Something was done; go on at once.
    Again,
    /// No events: wait for the next commit (or this long, for another instance's).
    Idle(Duration),
    /// A retry or a batch that is filling up is due then.
    Sleep(Duration),
}

impl Worker {
    /// Runs until the task is aborted.
    pub async fn run(mut self) {
        loop {
            let mut conn = match self.take().await {
                Ok(Some(conn)) => conn,
                Ok(None) => {
                    tokio::time::sleep(PAUSE).await;
                    continue;
                }
                Err(e) => {
                    tracing::warn!(hook = self.hook.name.as_str(), error = %e, "webhook: database unavailable");
                    tokio::time::sleep(PAUSE).await;
                    continue;
                }
            };
            loop {
                // Commits from here on wake an idle wait: none is missed between look and wait.
                self.signal.borrow_and_update();
                match self.step(&mut conn).await {
                    Ok(Step::Again) => {}
                    Ok(Step::Idle(d)) => {
                        // Woken early by a commit; a closed channel (writer stopped) just waits.
                        if tokio::time::timeout(d, self.signal.changed()).await.is_ok_and(|r| r.is_err()) {
                            tokio::time::sleep(d).await;
                        }
                    }
                    Ok(Step::Sleep(d)) => tokio::time::sleep(d).await,
                    Err(e) => {
                        tracing::warn!(hook = self.hook.name.as_str(), error = %e, "webhook: database failure; retrying");
                        let _ = conn.close().await;
                        tokio::time::sleep(PAUSE).await;
                        break;
                    }
                }
            }
        }
    }

    /// A connection that holds the hook: on PostgreSQL, a session advisory lock (released when the
    /// connection ends, even if this process is killed); `None` if another instance has it.
    async fn take(&self) -> Result<Option<PoolConnection<Any>>, DbError> {
        let mut conn = self.db.pool.acquire().await?;
        if self.db.backend == Backend::Postgres {
            let row = sqlx::query("SELECT pg_try_advisory_lock($1)")
                .bind(lock_key(&self.hook.name))
                .fetch_one(&mut *conn)
                .await?;
            if !row.try_get::<bool, _>(0)? {
                return Ok(None);
            }
        }
        Ok(Some(conn))
    }

    async fn step(&mut self, conn: &mut PoolConnection<Any>) -> Result<Step, DbError> {
        let now = now_ms();
        if let Some(batch) = store::next_pending(conn, &self.hook.name).await? {
            if batch.next_attempt_ms > now {
                return Ok(Step::Sleep(millis(batch.next_attempt_ms - now)));
            }
            self.attempt(conn, batch).await?;
            return Ok(Step::Again);
        }
        let (from, sequence) = store::cursor(conn, &self.hook.name).await?;
        let events = store::events_from(conn, from, self.policy.batch_size).await?;
        let (Some(first), Some(last)) = (events.first(), events.last()) else { return Ok(Step::Idle(IDLE_POLL)) };
        let ready_at = first.2 + i64::try_from(self.policy.batch_wait.as_millis()).unwrap_or(i64::MAX);
        if events.len() < self.policy.batch_size && ready_at > now {
            return Ok(Step::Sleep(millis(ready_at - now)));
        }
        let texts: Vec<String> = events.iter().map(|e| e.1.clone()).collect();
        let batch = Batch {
            hook: self.hook.name.clone(),
            sequence,
            first_leaf: first.0,
            last_leaf: last.0,
            events: texts.len() as u64,
            idempotency_key: idempotency_key(&self.hook.name, &texts),
            status: PENDING.into(),
            attempts: 0,
            next_attempt_ms: now,
            last_status: None,
            last_error: None,
            created_ms: now,
            updated_ms: now,
        };
        store::create(conn, &batch).await?;
        Ok(Step::Again)
    }

    /// Sends `batch` once and records what came of it.
    async fn attempt(&self, conn: &mut PoolConnection<Any>, mut batch: Batch) -> Result<(), DbError> {
        let events = store::events_of(conn, &batch).await?;
        let body = batch_body(&self.hook.name, batch.sequence, &batch.idempotency_key, &events);
        let attempt = batch.attempts + 1;
        let headers = [
            (signature::HEADER, signature::header(&self.hook.secret, now_ms() / 1000, body.as_bytes())),
            ("idempotency-key", batch.idempotency_key.clone()),
            ("consentry-hook", self.hook.name.clone()),
            ("consentry-attempt", attempt.to_string()),
        ];
        let result = self.sender.post(&self.hook.url, &headers, body, self.policy.timeout).await;
        let now = now_ms();
        batch.attempts = attempt;
        match result {
            Ok(status) if (200..300).contains(&status) => {
                batch.status = DELIVERED.into();
                batch.last_status = Some(status);
                batch.last_error = None;
                tracing::debug!(
                    hook = self.hook.name.as_str(),
                    sequence = batch.sequence,
                    events = batch.events,
                    attempt,
                    "webhook delivered"
                );
            }
            failed => {
                let (status, error) = match failed {
                    Ok(status) => (Some(status), format!("HTTP {status}")),
                    Err(e) => (None, e),
                };
                batch.last_status = status;
                if attempt >= self.policy.max_attempts {
                    batch.status = DEAD.into();
                    tracing::error!(hook = self.hook.name.as_str(), sequence = batch.sequence, attempt, error = %error, "webhook batch is a dead letter");
                } else {
                    let delay = retry::delay(attempt, self.policy.retry_base, self.policy.retry_max, retry::random());
                    batch.next_attempt_ms = now + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
                    tracing::warn!(hook = self.hook.name.as_str(), sequence = batch.sequence, attempt, error = %error, retry_in_ms = delay.as_millis() as u64, "webhook delivery failed");
                }
                batch.last_error = Some(error);
            }
        }
        store::record_attempt(conn, &batch, now).await
    }
}

fn millis(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

/// The advisory lock of a hook: the first 8 bytes of SHA-256 of its name, with a prefix.
fn lock_key(name: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("consentry-webhook:{name}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}
