//! The notice registry over HTTP, behind the admin token ([`crate::notices`]):
//!
//! * `POST /v1/notices`: body = a site configuration (the widget's JSON); registers the notice of
//!   every language it offers; `{"notices":[{language, new, noticeHash, policyVersion}]}`, or
//!   422 `config` with the widget's own message when the widget would refuse it;
//! * `GET /v1/notices`: every registered notice, without its text;
//! * `GET /v1/notices/{hash}`: one notice with its text (the canonical JSON that is hashed).

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{middleware, Json, Router};
use serde::Serialize;

use super::admin::require_admin;
use crate::db::notices::{self, StoredNotice};
use crate::error::AppError;
use crate::notices::{register, Registered, RegistryError};
use crate::state::AppState;
use crate::time::{format_millis, now_ms};

/// The registry router, with its token check.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/v1/notices", get(list).post(add))
        .route("/v1/notices/{hash}", get(one))
        .route_layer(middleware::from_fn_with_state(state, require_admin))
}

/// `POST /v1/notices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Added {
    /// One per language of the configuration.
    pub notices: Vec<Registered>,
}

/// A registered notice, in a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Listed {
    /// Its language.
    pub language: String,
    /// Its `noticeHash`.
    pub notice_hash: String,
    /// Its `policy_version`.
    pub policy_version: String,
    /// First registered, RFC 3339.
    pub registered_at: String,
}

impl From<&StoredNotice> for Listed {
    fn from(n: &StoredNotice) -> Self {
        Listed {
            language: n.language.clone(),
            notice_hash: n.notice_hash.clone(),
            policy_version: n.policy_version.clone(),
            registered_at: format_millis(n.registered_ms),
        }
    }
}

async fn add(State(state): State<AppState>, body: String) -> Result<Json<Added>, AppError> {
    match register(&state.db, &body, now_ms()).await {
        Ok(notices) => Ok(Json(Added { notices })),
        Err(RegistryError::Config(e)) => Err(AppError::InvalidConfig(e.to_string())),
        Err(RegistryError::Db(e)) => Err(AppError::Internal(e)),
    }
}

async fn list(State(state): State<AppState>) -> Result<Json<serde_json::Value>, AppError> {
    let all = notices::all(&state.db).await?;
    let listed: Vec<Listed> = all.iter().map(Listed::from).collect();
    Ok(Json(serde_json::json!({ "notices": listed })))
}

async fn one(State(state): State<AppState>, Path(hash): Path<String>) -> Result<Json<serde_json::Value>, AppError> {
    let n = notices::get(&state.db, &hash)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no notice {hash:?} in the registry")))?;
    let notice: serde_json::Value =
        serde_json::from_str(&n.notice).unwrap_or(serde_json::Value::String(n.notice.clone()));
    let listed = Listed::from(&n);
    Ok(Json(serde_json::json!({
        "language": listed.language, "notice": notice, "noticeHash": listed.notice_hash,
        "policyVersion": listed.policy_version, "registeredAt": listed.registered_at,
    })))
}
