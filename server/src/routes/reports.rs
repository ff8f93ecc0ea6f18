//! Audit reports over HTTP, behind the admin token ([`crate::report`]):
//!
//! `GET /v1/reports?from=D&to=D[&format=json|html|pdf][&previousTreeSize=N]`: the report of
//! `[from, to)` (`YYYY-MM-DD` or epoch seconds on `consentTimestamp`), its detached JWS in the
//! `Consentry-Signature` header. The consistency proof starts at the signed tree head of size
//! `previousTreeSize`, or else at the last report's. Every report made is recorded.

use axum::extract::{Query, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{middleware, Router};
use serde::Deserialize;

use super::admin::require_admin;
use crate::error::AppError;
use crate::export::parse_bound;
use crate::report::{issue, Format, PreviousHead, ReportError, ReportRequest};
use crate::state::AppState;

/// The header holding a report's detached JWS.
pub const SIGNATURE_HEADER: &str = "consentry-signature";

/// The reports router, with its token check.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new().route("/v1/reports", get(report)).route_layer(middleware::from_fn_with_state(state, require_admin))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReportQuery {
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
    previous_tree_size: Option<u64>,
}

impl From<ReportError> for AppError {
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::Request(m) => AppError::BadRequest(m),
            ReportError::Db(e) => AppError::Internal(e),
            ReportError::Render(m) => AppError::Internal(crate::db::DbError::Corrupt(format!("report: {m}"))),
        }
    }
}

async fn report(State(state): State<AppState>, Query(q): Query<ReportQuery>) -> Result<Response, AppError> {
    let bound = |b: &Option<String>, name: &str| match b {
        Some(text) => parse_bound(text).map_err(AppError::BadRequest),
        None => Err(AppError::BadRequest(format!("`{name}` is required (YYYY-MM-DD or seconds since the epoch)"))),
    };
    let (from, to) = (bound(&q.from, "from")?, bound(&q.to, "to")?);
    let format: Format = q.format.as_deref().unwrap_or("json").parse().map_err(AppError::BadRequest)?;
    let previous = q.previous_tree_size.map_or(PreviousHead::LastReport, PreviousHead::Size);
    let issued = issue(&state.db, &state.key, &ReportRequest { from, to, previous }, format).await?;
    let disposition = format!(
        "{}; filename=\"consent-report-{}-{}.{}\"",
        if format == Format::Pdf { "attachment" } else { "inline" },
        issued.report.period.from.get(..10).unwrap_or("from"),
        issued.report.period.to.get(..10).unwrap_or("to"),
        format.name()
    );
    let mut response = issued.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&issued.signature) {
        headers.insert(HeaderName::from_static(SIGNATURE_HEADER), v);
    }
    // The HTML report runs nothing and loads nothing.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src data:"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
