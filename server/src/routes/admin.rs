//! The auditors' endpoints, behind `Authorization: Bearer $CONSENTRY_ADMIN_TOKEN`:
//!
//! * `GET /v1/export?format=jsonl|csv[&from=…][&to=…]`: every receipt, streamed;
//! * `GET /v1/stats/consent-rates[?from=…][&to=…]`: granted/refused per purpose per UTC day;
//! * `GET /v1/principals/{principal}/receipts[?after=LEAF][&limit=N]`: one principal's history with
//!   its chain links, a page at a time (`next` is the `after` of the next page).
//!
//! `from` (inclusive) and `to` (exclusive) are `YYYY-MM-DD` or seconds since the epoch, and apply to
//! `consentTimestamp`. Without a configured token these endpoints answer 403. The token is
//! compared in constant time (over SHA-256 digests, so the length does not leak either). Failed
//! attempts are counted per client (`Settings::admin_failures`): past the burst, that client gets
//! 429 until its allowance refills, whatever token it presents.

use std::net::SocketAddr;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::db::reads::{self, DailyRate};
use crate::error::AppError;
use crate::export::{self, parse_bound, ExportedReceipt, Format};
use crate::state::AppState;
use crate::time::format_day;

/// Receipts in one page of a principal's history unless `limit` says otherwise...
const HISTORY_PAGE: u32 = 100;
/// ... and at most (a receipt is up to 32 KiB: a page stays under ~32 MiB).
const HISTORY_MAX_PAGE: u32 = 1000;

/// The admin router, with its token check.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/v1/export", get(export))
        .route("/v1/stats/consent-rates", get(rates))
        .route("/v1/principals/{principal}/receipts", get(history))
        .route_layer(middleware::from_fn_with_state(state, require_admin))
}

/// The bearer-token check of every auditors' route (this router's, [`super::notices`]',
/// [`super::reports`]' and the data of [`super::dashboard`]).
pub(crate) async fn require_admin(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let Some(token) = &state.settings.admin_token else { return Err(AppError::AdminDisabled) };
    let now = Instant::now();
    let client =
        state.settings.client_address(request.headers(), request.extensions().get::<ConnectInfo<SocketAddr>>());
    // A client that failed too often waits, whatever it presents now: guessing costs time.
    state.settings.admin_failures.available(client, now).map_err(AppError::RateLimited)?;
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let same: bool = Sha256::digest(given.as_bytes()).ct_eq(&Sha256::digest(token.expose().as_bytes())).into();
    if !same {
        tracing::warn!(%client, "admin authentication failed");
        state.settings.admin_failures.check(client, now).map_err(AppError::RateLimited)?;
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

// The answers. Members are in alphabetical order: the order these bodies have always had on the
// wire (they were `serde_json::Value`s, whose objects sort their keys).

/// `GET /v1/stats/consent-rates`: `{"days":[…],"gpcOptOut":[…]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsentRates {
    /// By day, then purpose: the visitors' decisions.
    pub days: Vec<DailyRateRow>,
    /// By day: receipts of a state the Global Privacy Control signal alone put in force
    /// (`gpc:opt-out`, no click), which `days` does not count.
    #[serde(rename = "gpcOptOut")]
    pub gpc_opt_out: Vec<GpcOptOutRow>,
}

/// `gpc:opt-out` receipts on one UTC day of `consentTimestamp`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GpcOptOutRow {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Receipts.
    pub receipts: u64,
}

/// Granted and refused decisions on one purpose on one UTC day of `consentTimestamp`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DailyRateRow {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Decisions granting the purpose.
    pub granted: u64,
    /// The purpose id.
    pub purpose: String,
    /// `granted / (granted + refused)`, 0 when there are none.
    pub rate: f64,
    /// Decisions refusing the purpose.
    pub refused: u64,
}

impl From<DailyRate> for DailyRateRow {
    fn from(r: DailyRate) -> Self {
        let total = r.granted + r.refused;
        DailyRateRow {
            day: format_day(r.day),
            granted: r.granted,
            purpose: r.purpose,
            rate: if total == 0 { 0.0 } else { r.granted as f64 / total as f64 },
            refused: r.refused,
        }
    }
}

/// `GET /v1/principals/{principal}/receipts`: one page of a principal's receipts in log order, as
/// the JSON Lines export shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct History<'a> {
    /// Receipts of this page whose chain link is a break.
    pub chain_breaks: usize,
    /// Receipts listed.
    pub count: usize,
    /// `after` for the next page, `null` on the last one.
    pub next: Option<u64>,
    /// The principal asked for.
    pub principal: &'a str,
    /// The receipts.
    pub receipts: Vec<ExportedReceipt<'a>>,
}

#[derive(Deserialize)]
struct Page {
    after: Option<u64>,
    limit: Option<u32>,
}

async fn rates(State(state): State<AppState>, Query(q): Query<Range>) -> Result<Json<ConsentRates>, AppError> {
    let (from, to) = q.bounds()?;
    let day = |s: i64| if s == i64::MIN || s == i64::MAX { s } else { s.div_euclid(86_400) };
    let rows = reads::daily_rates(&state.db, day(from), day(to)).await?;
    let gpc = reads::daily_gpc_opt_outs(&state.db, day(from), day(to)).await?;
    Ok(Json(ConsentRates {
        days: rows.into_iter().map(DailyRateRow::from).collect(),
        gpc_opt_out: gpc.into_iter().map(|g| GpcOptOutRow { day: format_day(g.day), receipts: g.receipts }).collect(),
    }))
}

async fn history(
    State(state): State<AppState>,
    Path(principal): Path<String>,
    Query(page): Query<Page>,
) -> Result<Response, AppError> {
    let limit = page.limit.unwrap_or(HISTORY_PAGE);
    if !(1..=HISTORY_MAX_PAGE).contains(&limit) {
        return Err(AppError::BadRequest(format!("limit must be 1 to {HISTORY_MAX_PAGE}")));
    }
    let rows = reads::history(&state.db, &principal, page.after, i64::from(limit)).await?;
    if rows.is_empty() && page.after.is_none() {
        return Err(AppError::NotFound(format!("no receipts of principal {principal:?}")));
    }
    let chain_breaks = rows.iter().filter(|r| r.chain.starts_with("break")).count();
    let next = if rows.len() == limit as usize { rows.last().map(|r| r.leaf_index) } else { None };
    let receipts: Vec<ExportedReceipt> = rows.iter().map(ExportedReceipt::from).collect();
    // Serialized here, while the rows it borrows are alive.
    let body = History { chain_breaks, count: receipts.len(), next, principal: &principal, receipts };
    Ok(Json(body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_keep_their_wire_form() {
        let row = |granted, refused| DailyRate { day: 11_016, purpose: "analytics".into(), granted, refused };
        let rates = ConsentRates {
            days: vec![row(2, 1).into(), row(0, 0).into()],
            gpc_opt_out: vec![GpcOptOutRow { day: "2000-02-29".into(), receipts: 3 }],
        };
        assert_eq!(
            serde_json::to_string(&rates).unwrap(),
            r#"{"days":[{"day":"2000-02-29","granted":2,"purpose":"analytics","rate":0.6666666666666666,"refused":1},{"day":"2000-02-29","granted":0,"purpose":"analytics","rate":0.0,"refused":0}],"gpcOptOut":[{"day":"2000-02-29","receipts":3}]}"#
        );
    }

    #[test]
    fn a_history_lists_export_lines() {
        let rows = [crate::export::tests::stored(None)];
        let history = History {
            chain_breaks: 0,
            count: 1,
            next: None,
            principal: "p-1",
            receipts: rows.iter().map(ExportedReceipt::from).collect(),
        };
        let line = export::line(Format::Jsonl, &rows[0]);
        assert_eq!(
            serde_json::to_string(&history).unwrap(),
            format!(r#"{{"chainBreaks":0,"count":1,"next":null,"principal":"p-1","receipts":[{}]}}"#, line.trim_end())
        );
    }
}
