//! The auditors' endpoints, behind `Authorization: Bearer $CONSENTRY_ADMIN_TOKEN`:
//!
//! * `GET /v1/export?format=jsonl|csv[&from=…][&to=…]`: every receipt, streamed;
//! * `GET /v1/stats/consent-rates[?from=…][&to=…]`: granted/refused per purpose per UTC day;
//! * `GET /v1/principals/{principal}/receipts`: one principal's history with its chain links.
//!
//! `from` (inclusive) and `to` (exclusive) are `YYYY-MM-DD` or seconds since the epoch, and apply to
//! `consentTimestamp`. Without a configured token these endpoints answer 403. The token is
//! compared in constant time (over SHA-256 digests, so the length does not leak either).

use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::TryStreamExt;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::days::format_day;
use crate::db::reads;
use crate::error::AppError;
use crate::export::{self, parse_bound, Format};
use crate::state::AppState;

/// Receipts returned by one history request at most.
const HISTORY_LIMIT: i64 = 10_000;

/// The admin router, with its token check.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/v1/export", get(export))
        .route("/v1/stats/consent-rates", get(rates))
        .route("/v1/principals/{principal}/receipts", get(history))
        .route_layer(middleware::from_fn_with_state(state, require_admin))
}

async fn require_admin(State(state): State<AppState>, request: Request, next: Next) -> Result<Response, AppError> {
    let Some(token) = &state.settings.admin_token else { return Err(AppError::AdminDisabled) };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let same: bool = Sha256::digest(given.as_bytes()).ct_eq(&Sha256::digest(token.as_bytes())).into();
    if !same {
        return Err(AppError::Unauthorized);
    }
    Ok(next.run(request).await)
}

#[derive(Deserialize)]
struct Range {
    format: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl Range {
    fn bounds(&self) -> Result<(i64, i64), AppError> {
        let bound =
            |b: &Option<String>, default| b.as_deref().map_or(Ok(default), parse_bound).map_err(AppError::BadRequest);
        Ok((bound(&self.from, i64::MIN)?, bound(&self.to, i64::MAX)?))
    }
}

async fn export(State(state): State<AppState>, Query(q): Query<Range>) -> Result<Response, AppError> {
    let format: Format = q.format.as_deref().unwrap_or("jsonl").parse().map_err(AppError::BadRequest)?;
    let (from, to) = q.bounds()?;
    let stream = export::chunks(state.db.clone(), format, from, to)
        .inspect_err(|e| tracing::error!(error = %e, "export aborted"));
    let disposition = format!("attachment; filename=\"consent-receipts.{}\"", format.extension());
    Ok((
        [(header::CONTENT_TYPE, format.content_type().to_string()), (header::CONTENT_DISPOSITION, disposition)],
        Body::from_stream(stream),
    )
        .into_response())
}

async fn rates(State(state): State<AppState>, Query(q): Query<Range>) -> Result<Json<serde_json::Value>, AppError> {
    let (from, to) = q.bounds()?;
    let day = |s: i64| if s == i64::MIN || s == i64::MAX { s } else { s.div_euclid(86_400) };
    let rows = reads::daily_rates(&state.db, day(from), day(to)).await?;
    let days: Vec<_> = rows
        .iter()
        .map(|r| {
            let total = r.granted + r.refused;
            serde_json::json!({
                "day": format_day(r.day),
                "purpose": r.purpose,
                "granted": r.granted,
                "refused": r.refused,
                "rate": if total == 0 { 0.0 } else { r.granted as f64 / total as f64 },
            })
        })
        .collect();
    Ok(Json(serde_json::json!({ "days": days })))
}

async fn history(
    State(state): State<AppState>,
    Path(principal): Path<String>,
) -> Result<Json<serde_json::Value>, AppError> {
    let receipts = reads::history(&state.db, &principal, HISTORY_LIMIT).await?;
    if receipts.is_empty() {
        return Err(AppError::NotFound(format!("no receipts of principal {principal}")));
    }
    let breaks = receipts.iter().filter(|r| r.chain.starts_with("break")).count();
    let items: Vec<serde_json::Value> =
        receipts.iter().map(|r| serde_json::from_str(&export::line(Format::Jsonl, r)).unwrap_or_default()).collect();
    Ok(Json(serde_json::json!({
        "principal": principal,
        "count": items.len(),
        "chainBreaks": breaks,
        "receipts": items,
    })))
}
