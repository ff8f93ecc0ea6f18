//! The site owner's dashboard ([`crate::dashboard`]):
//!
//! * `GET /dashboard`, `/dashboard/dashboard.js`, `/dashboard/dashboard.css`: the page, public
//!   (it holds no data), under [`assets::CSP`];
//! * `GET /v1/dashboard[?from=D][&to=D]` (admin token): the plots' data for `[from, to)`
//!   (`YYYY-MM-DD` or epoch seconds on `consentTimestamp`; by default the last 30 days, at most
//!   366), 400 on a bad or empty period;
//! * `POST /v1/verify` (admin token): a full `verify` of the log now, recorded, and its result.

use axum::extract::{Query, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use serde::Deserialize;

use super::admin::require_admin;
use crate::dashboard::assets::{self, Asset};
use crate::dashboard::{self, Dashboard};
use crate::db::verifications::{self, VerificationBody};
use crate::db::{tree, DbError};
use crate::error::AppError;
use crate::report::build::full_verify;
use crate::state::AppState;
use crate::time::now_ms;

/// The dashboard router: its public files, and its data behind the token check.
pub fn router(state: AppState) -> Router<AppState> {
    let data = Router::new()
        .route("/v1/dashboard", get(data))
        .route("/v1/verify", post(verify_now))
        .route_layer(middleware::from_fn_with_state(state, require_admin));
    let mut files = Router::new();
    for asset in assets::ALL {
        files = files.route(asset.path, get(move || async move { file(asset) }));
    }
    files.merge(data)
}

fn file(asset: Asset) -> Response {
    let mut response = asset.body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(assets::CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

#[derive(Deserialize)]
struct Range {
    from: Option<String>,
    to: Option<String>,
}

async fn data(State(state): State<AppState>, Query(q): Query<Range>) -> Result<Response, AppError> {
    let (from, to) =
        dashboard::period(q.from.as_deref(), q.to.as_deref(), now_ms() / 1000).map_err(AppError::BadRequest)?;
    let body: Dashboard = dashboard::build(&state.db, from, to).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response())
}

async fn verify_now(State(state): State<AppState>) -> Result<Response, AppError> {
    let head = tree::latest_tree_head(&state.db).await?;
    full_verify(&state.db, &state.key, head.as_ref(), "dashboard").await?;
    let last = verifications::last(&state.db)
        .await?
        .ok_or_else(|| DbError::Corrupt("a verification just recorded is missing".into()))?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(VerificationBody::from(&last))).into_response())
}
