//! `POST /v1/receipts`: the widget delivers a receipt (receipt SPEC §6).
//!
//! In order: the browser origin (only configured ones), the per-client rate limit, the media
//! type, the size, the receipt rules ([`crate::intake`]); then the log writer appends it and the
//! answer ([`crate::ack::Answer`]) is sent once it is durable. The same JWS posted again gets the
//! same answer (200 both times); the same id with other content gets 409.

use std::net::SocketAddr;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap};
use axum::routing::post;
use axum::{Json, Router};
use consentry_receipt::jws::MAX_JWS_BYTES;

use crate::ack::AnswerBody;
use crate::error::AppError;
use crate::intake::{admit_allowed, Refusal};
use crate::state::AppState;
use crate::time::now_ms;
use crate::writer::Outcome;

/// The receipts router.
pub fn router() -> Router<AppState> {
    Router::new().route("/v1/receipts", post(post_receipt))
}

async fn post_receipt(State(state): State<AppState>, request: Request) -> Result<Json<AnswerBody>, AppError> {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    check_origin(&state, &parts.headers)?;
    let client = state.settings.client_address(&parts.headers, parts.extensions.get::<ConnectInfo<SocketAddr>>());
    if let Err(secs) = state.settings.rate_limit.check(client, started) {
        state.metrics.rate_limited.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        return Err(AppError::RateLimited(secs));
    }
    let result = receive(&parts.headers, body, &state.settings).await;
    if let Err(AppError::Refused(r)) = &result {
        state.metrics.refused(r);
        tracing::info!(%client, reason = r.code(), message = ?r.message(), "receipt refused");
    }
    let admitted = result?;
    let id = admitted.receipt.id.clone();
    let answer = match state.writer.submit(admitted, now_ms()).await.map_err(AppError::Unavailable)? {
        Outcome::Appended(a) => {
            tracing::info!(leaf = a.leaf_index, receipt = %a.receipt_id, chain = a.link.as_str(), "receipt logged");
            a
        }
        Outcome::Duplicate(a) => a,
        Outcome::Conflict => return Err(AppError::Conflict(id)),
    };
    state.metrics.receipt_latency.observe(started.elapsed());
    Ok(Json(answer.body()))
}

/// Media type, size and receipt rules; nothing is stored here.
async fn receive(
    headers: &HeaderMap,
    body: Body,
    settings: &crate::state::Settings,
) -> Result<crate::intake::Admitted, AppError> {
    let media = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !media.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/jose") {
        return Err(AppError::Refused(Refusal::ContentType));
    }
    let read = tokio::time::timeout(settings.body_timeout, axum::body::to_bytes(body, MAX_JWS_BYTES));
    let bytes = read.await.map_err(|_| AppError::BodyTimeout)?.map_err(|e| {
        let too_large = std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if too_large {
            AppError::Refused(Refusal::TooLarge)
        } else {
            AppError::BadRequest(format!("could not read the request body: {e}"))
        }
    })?;
    admit_allowed(&bytes, now_ms() / 1000, &settings.allow).map_err(AppError::Refused)
}

/// A request from a browser page carries `Origin`; only configured origins may post.
fn check_origin(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    let Some(origin) = headers.get(header::ORIGIN) else { return Ok(()) };
    let origin = origin.to_str().unwrap_or("(not text)");
    if state.settings.allowed_origins.iter().any(|o| o == origin) {
        Ok(())
    } else {
        Err(AppError::Origin(origin.to_string()))
    }
}
