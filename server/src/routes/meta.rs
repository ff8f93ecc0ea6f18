//! Operations: `GET /healthz` (the database answers and the log writer runs) and `GET /metrics`
//! (Prometheus text, see [`crate::metrics`]).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};

use crate::db::tree;
use crate::error::AppError;
use crate::state::AppState;

/// The operations router.
pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/metrics", get(metrics))
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let head = tree::head(&state.db).await;
    let writer = state.writer.is_running();
    match head {
        Ok((size, _)) if writer => (StatusCode::OK, Json(serde_json::json!({ "status": "ok", "treeSize": size }))),
        Ok(_) => (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "writer stopped" }))),
        Err(e) => {
            tracing::error!(error = %e, "health check: database");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "database unavailable" })))
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let (size, breaks) = tree::head(&state.db).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render(size, breaks)))
}
