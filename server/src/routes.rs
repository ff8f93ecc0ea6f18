//! The HTTP API: one router per resource, merged by [`app`].
//!
//! * [`receipts`]: `POST /v1/receipts`;
//! * [`log`]: tree heads, proofs, `/.well-known/jwks.json` (public);
//! * [`admin`]: export, rates, histories (bearer token);
//! * [`notices`]: the notice registry; [`reports`]: audit reports (bearer token);
//! * [`dashboard`]: the site owner's dashboard (a public page; its data behind the bearer token);
//! * [`webhooks`]: the webhooks' delivery state and dead letters (bearer token);
//! * [`subjects`]: a subject's current consent (bearer token);
//! * [`meta`]: `/healthz`, `/metrics`.
//!
//! CORS answers only the configured origins, and only on the receipt and log routes, which is all
//! a page embedding the widget calls. Admin and operations routes send no CORS headers.

pub mod admin;
pub mod dashboard;
pub mod log;
pub mod meta;
pub mod notices;
pub mod receipts;
pub mod reports;
pub mod subjects;
pub mod webhooks;

use axum::http::{header, HeaderValue, Method};
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::state::AppState;

/// The whole API on `state`. Serve with `into_make_service_with_connect_info::<SocketAddr>()` so
/// the rate limit sees client addresses.
pub fn app(state: AppState) -> Router {
    let public = receipts::router().merge(log::router()).layer(cors(&state.settings.allowed_origins));
    Router::new()
        .merge(public)
        .merge(admin::router(state.clone()))
        .merge(notices::router(state.clone()))
        .merge(reports::router(state.clone()))
        .merge(dashboard::router(state.clone()))
        .merge(webhooks::router(state.clone()))
        .merge(subjects::router(state.clone()))
        .merge(meta::router())
        .with_state(state)
}

fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(3600))
}
