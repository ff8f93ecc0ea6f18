//! Signed webhooks: every accepted receipt's decisions, delivered to the site owner's CRM.
//!
//! ## How an event travels
//!
//! 1. The log writer appends a batch of receipts; in the **same transaction** it writes one event
//!    per new leaf into the outbox (table `webhook_events`, keyed by leaf index; see
//!    [`event::Event`]). An event exists exactly when its receipt is in the log: a crash can
//!    neither lose one nor invent one.
//! 2. One delivery task per configured hook ([`worker`]) reads the outbox in log order from where
//!    that hook is, cuts a batch (up to [`Policy::batch_size`] events, or what has waited
//!    [`Policy::batch_wait`]), and records it (table `webhook_batches`) before sending it. The
//!    batch's events, body and idempotency key are fixed from then on, so a retry sends the same
//!    bytes.
//! 3. The batch is POSTed, signed with the hook's own secret ([`signature`]): HMAC-SHA256 over
//!    `"{t}." ‖ body`, in `Consentry-Signature: t=…,v1=…`. A 2xx is recorded as delivered and the
//!    batch is never sent again; anything else is retried with capped exponential backoff and
//!    jitter ([`retry`]) until [`Policy::max_attempts`], then the batch is a dead letter (listed by
//!    `GET /v1/webhooks/status`, requeued by `POST /v1/webhooks/{name}/retry`) and the hook moves on.
//!
//! A hook's batches go out one at a time in sequence, each hook on its own task with its own
//! database connection, so a slow or failing CRM delays only itself; receipt intake never waits
//! for a hook. With several instances on one PostgreSQL database, a session advisory lock per
//! hook lets one instance deliver it at a time (the lock goes with the connection if the instance
//! dies).
//!
//! Delivery is at least once: a 2xx that arrives but is not recorded (the server killed in
//! between) is sent again with the same idempotency key, which is what the key is for.
//!
//! * [`config`]: the `serve` options (`--webhook NAME=URL`, `--webhook-secret-file NAME=PATH`, the
//!   policy) and the hook they make, whose secret never prints;
//! * [`event`]: the event and the batch body; [`signature`]: the HMAC header;
//! * [`retry`]: backoff; [`sender`]: the HTTPS client; [`worker`]: one hook's delivery loop;
//! * the SQL is [`crate::db::webhooks`]; the admin routes [`crate::routes::webhooks`].

pub mod config;
pub mod event;
pub mod retry;
pub mod sender;
pub mod signature;
pub mod worker;

use std::sync::Arc;

pub use config::{Hook, HookSecret, Policy, WebhookOptions, Webhooks};

use crate::db::{webhooks as store, Db, DbError};
use sender::Sender;

/// The running delivery tasks; dropping this stops them (a batch in flight is sent again later).
#[derive(Debug, Default)]
pub struct Workers(Vec<tokio::task::JoinHandle<()>>);

impl Drop for Workers {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// Why the webhooks did not start.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The database (registering the hooks, their connections).
    #[error(transparent)]
    Db(#[from] DbError),
    /// The HTTPS client (no trusted root certificates for an `https` hook).
    #[error("{0}")]
    Client(String),
}

/// Registers the configured hooks: a new one starts at the log's current end. Call before the log
/// writer starts, so that no receipt appended from then on escapes a new hook.
pub async fn register(db: &Db, webhooks: &Webhooks) -> Result<(), WebhookError> {
    let names: Vec<&str> = webhooks.hooks.iter().map(|h| h.name.as_str()).collect();
    store::register(db, &names, crate::time::now_ms()).await?;
    Ok(())
}

/// Starts one delivery task per hook (after [`register`]); `signal` changes after each commit of
/// the log writer ([`crate::writer::Writer::spawn_with_events`]), to wake them.
pub async fn start(
    db: &Db,
    webhooks: &Webhooks,
    signal: tokio::sync::watch::Receiver<u64>,
) -> Result<Workers, WebhookError> {
    if webhooks.hooks.is_empty() {
        return Ok(Workers::default());
    }
    let needs_tls = webhooks.hooks.iter().any(|h| h.url.is_https());
    let sender = Sender::new(needs_tls).map_err(WebhookError::Client)?;
    let mut tasks = Vec::with_capacity(webhooks.hooks.len());
    for hook in &webhooks.hooks {
        let worker = worker::Worker {
            hook: Arc::new(hook.clone()),
            policy: webhooks.policy.clone(),
            db: db.another(1).await?,
            sender: sender.clone(),
            signal: signal.clone(),
        };
        tracing::info!(hook = hook.name.as_str(), url = %hook.url, "webhook delivery started");
        tasks.push(tokio::spawn(worker.run()));
    }
    Ok(Workers(tasks))
}
