//! The webhooks' state, behind the admin token ([`crate::webhook`]):
//!
//! * `GET /v1/webhooks/status`: every hook the database knows (configured now or before), its
//!   URL when configured, batches delivered / pending / dead with their events, events not yet in
//!   a batch, the last delivery, the latest failure of a batch not delivered, the first 100 dead
//!   letters; and the policy. No secret is ever part of it.
//! * `POST /v1/webhooks/{name}/retry`: the hook's dead letters pending again (attempts reset);
//!   they go before the hook's later batches, so after the ones already delivered.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use serde::Serialize;

use super::admin::require_admin;
use crate::db::webhooks::{self as store, Batch, DEAD};
use crate::error::AppError;
use crate::state::AppState;
use crate::time::{format_millis, now_ms};

/// Dead letters listed per hook at most.
const DEAD_LISTED: i64 = 100;

/// The webhooks router, with its token check.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/v1/webhooks/status", get(status))
        .route("/v1/webhooks/{name}/retry", post(retry))
        .route_layer(middleware::from_fn_with_state(state, require_admin))
}

/// `GET /v1/webhooks/status`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    /// By name.
    pub hooks: Vec<HookStatus>,
    /// How batches are cut and retried.
    pub policy: PolicyBody,
}

/// One hook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HookStatus {
    /// Events appended since the hook's last batch, not yet in one.
    pub backlog: u64,
    /// Whether this server has it configured now.
    pub configured: bool,
    /// Dead letters.
    pub dead: Count,
    /// The first dead letters, oldest first.
    pub dead_letters: Vec<BatchBody>,
    /// Delivered (a 2xx recorded).
    pub delivered: Count,
    /// When the last 2xx was recorded (RFC 3339).
    pub last_delivered_at: Option<String>,
    /// The most recent failure of a batch not delivered (retrying, or dead).
    pub last_failure: Option<BatchBody>,
    /// Its name.
    pub name: String,
    /// Waiting to be sent or retried.
    pub pending: Count,
    /// The leaf it started at.
    pub start_leaf: u64,
    /// Its URL, if configured here.
    pub url: Option<String>,
}

/// Batches and the events in them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    /// Batches.
    pub batches: u64,
    /// Events.
    pub events: u64,
}

/// One batch as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchBody {
    /// Attempts made.
    pub attempts: u32,
    /// When it was cut.
    pub created_at: String,
    /// Its events.
    pub events: u64,
    /// Its first event's leaf index.
    pub first_leaf: u64,
    /// Its idempotency key.
    pub idempotency_key: String,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// The last attempt's HTTP status.
    pub last_status: Option<u16>,
    /// Its last event's leaf index.
    pub last_leaf: u64,
    /// When a pending batch is next tried.
    pub next_attempt_at: Option<String>,
    /// Its number.
    pub sequence: u64,
    /// `pending`, `delivered` or `dead`.
    pub status: String,
    /// When its state last changed.
    pub updated_at: String,
}

impl From<&Batch> for BatchBody {
    fn from(b: &Batch) -> Self {
        BatchBody {
            attempts: b.attempts,
            created_at: format_millis(b.created_ms),
            events: b.events,
            first_leaf: b.first_leaf,
            idempotency_key: b.idempotency_key.clone(),
            last_error: b.last_error.clone(),
            last_status: b.last_status,
            last_leaf: b.last_leaf,
            next_attempt_at: (b.status == store::PENDING).then(|| format_millis(b.next_attempt_ms)),
            sequence: b.sequence,
            status: b.status.clone(),
            updated_at: format_millis(b.updated_ms),
        }
    }
}

/// The policy, in milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyBody {
    /// Events per batch at most.
    pub batch_size: usize,
    /// How long an event waits for others.
    pub batch_wait_ms: u128,
    /// Attempts before a dead letter.
    pub max_attempts: u32,
    /// The first retry's delay.
    pub retry_base_ms: u128,
    /// The longest delay.
    pub retry_max_ms: u128,
    /// An attempt's timeout.
    pub timeout_ms: u128,
}

async fn status(State(state): State<AppState>) -> Result<Response, AppError> {
    let configured = &state.settings.webhooks;
    let mut hooks = Vec::new();
    for (name, start_leaf) in store::hooks(&state.db).await? {
        let totals = store::totals(&state.db, &name).await?;
        let mut conn = state.db.pool.acquire().await.map_err(crate::db::DbError::from)?;
        let (from, _) = store::cursor(&mut conn, &name).await?;
        drop(conn);
        let dead = store::batches(&state.db, &name, DEAD, DEAD_LISTED).await?;
        let url = configured.hooks.iter().find(|h| h.name == name).map(|h| h.url.to_string());
        hooks.push(HookStatus {
            backlog: store::backlog(&state.db, from).await?,
            configured: url.is_some(),
            dead: Count { batches: totals.dead.0, events: totals.dead.1 },
            dead_letters: dead.iter().map(BatchBody::from).collect(),
            delivered: Count { batches: totals.delivered.0, events: totals.delivered.1 },
            last_delivered_at: totals.last_delivered_ms.map(format_millis),
            last_failure: store::last_failure(&state.db, &name).await?.as_ref().map(BatchBody::from),
            name,
            pending: Count { batches: totals.pending.0, events: totals.pending.1 },
            start_leaf,
            url,
        });
    }
    let p = &configured.policy;
    let policy = PolicyBody {
        batch_size: p.batch_size,
        batch_wait_ms: p.batch_wait.as_millis(),
        max_attempts: p.max_attempts,
        retry_base_ms: p.retry_base.as_millis(),
        retry_max_ms: p.retry_max.as_millis(),
        timeout_ms: p.timeout.as_millis(),
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(Status { hooks, policy })).into_response())
}

async fn retry(State(state): State<AppState>, Path(name): Path<String>) -> Result<Response, AppError> {
    if !store::hooks(&state.db).await?.iter().any(|(n, _)| *n == name) {
        return Err(AppError::NotFound(format!("no webhook named {name:?}")));
    }
    let requeued = store::requeue_dead(&state.db, &name, now_ms()).await?;
    tracing::info!(hook = name.as_str(), requeued, "webhook dead letters requeued");
    Ok(Json(serde_json::json!({ "hook": name, "requeued": requeued })).into_response())
}
