//! Operations: `GET /healthz` (the database answers and the log writer runs) and `GET /metrics`
//! (Prometheus text, see [`crate::metrics`]).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::db::tree;
use crate::error::AppError;
use crate::state::AppState;

/// The operations router.
pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/metrics", get(metrics))
}

/// `GET /healthz`: `{"status":"ok","treeSize":N}` (200), or only a `status` saying what is
/// wrong (503).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// `ok`, `writer stopped` or `database unavailable`.
    pub status: &'static str,
    /// The log's size, when the status is `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tree_size: Option<u64>,
}

impl Health {
    fn unavailable(status: &'static str) -> (StatusCode, Json<Health>) {
        (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status, tree_size: None }))
    }
}

async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let head = tree::head(&state.db).await;
    let writer = state.writer.is_running();
    match head {
        Ok((size, _)) if writer => (StatusCode::OK, Json(Health { status: "ok", tree_size: Some(size) })),
        Ok(_) => Health::unavailable("writer stopped"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database");
            Health::unavailable("database unavailable")
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let (size, breaks) = tree::head(&state.db).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render(size, breaks)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_keeps_its_wire_form() {
        let ok = Health { status: "ok", tree_size: Some(3) };
        assert_eq!(serde_json::to_string(&ok).unwrap(), r#"{"status":"ok","treeSize":3}"#);
        let (status, Json(down)) = Health::unavailable("writer stopped");
        assert_eq!(
            (status, serde_json::to_string(&down).unwrap()),
            (StatusCode::SERVICE_UNAVAILABLE, r#"{"status":"writer stopped"}"#.into())
        );
    }
}
