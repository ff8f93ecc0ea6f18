//! `GET /v1/subjects/{id}/consent`, behind the admin token: the current consent of the subject a
//! site identified with `consentry.identify(id)`, per purpose and service, each with the receipt
//! that set it ([`crate::db::subjects`]), so a CRM can check consent before a send. 400 for an id
//! outside the subject grammar, 404 when no receipt carries it.

use axum::extract::{Path, State};
use axum::middleware;
use axum::routing::get;
use axum::{Json, Router};

use super::admin::require_admin;
use crate::db::subjects::{self, SubjectConsent};
use crate::error::AppError;
use crate::state::AppState;

/// The subject router, with the admin token check.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/v1/subjects/{id}/consent", get(consent))
        .route_layer(middleware::from_fn_with_state(state, require_admin))
}

async fn consent(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<SubjectConsent>, AppError> {
    consentry_receipt::payload::check_subject_id(&id).map_err(|e| AppError::BadRequest(e.to_string()))?;
    match subjects::current(&state.db, &id).await? {
        Some(c) => Ok(Json(c)),
        None => Err(AppError::NotFound(format!("no receipt carries subject id {id:?}"))),
    }
}
