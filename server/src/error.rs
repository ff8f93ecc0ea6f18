//! The one error type of the HTTP API.
//!
//! Every handler returns `Result<_, AppError>`. The client gets a status and a JSON body
//! `{"error": code, "message": sentence}` with a stable `code`; details that are the operator's
//! business (database errors) go to the log only, and the client sees that something failed on
//! the server's side and whether to retry.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::db::DbError;
use crate::intake::Refusal;
use crate::writer::WriteError;

/// A failed request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A receipt that breaks a rule (nothing stored).
    #[error("{}", .0.message())]
    Refused(Refusal),
    /// A known `consentReceiptID` with other content.
    #[error("receipt {0} is already in the log with other content")]
    Conflict(String),
    /// The per-client rate limit.
    #[error("too many requests from this client; retry after {0} s")]
    RateLimited(u64),
    /// Missing or wrong admin token.
    #[error("this endpoint needs Authorization: Bearer <admin token>")]
    Unauthorized,
    /// Admin endpoints are off (no token configured).
    #[error("admin endpoints are disabled: start the server with CONSENTRY_ADMIN_TOKEN set")]
    AdminDisabled,
    /// A browser origin that is not allowed to post receipts.
    #[error("origin {0} is not allowed to post receipts here")]
    Origin(String),
    /// Nothing there.
    #[error("{0}")]
    NotFound(String),
    /// The request body did not arrive in time.
    #[error("the request body did not arrive in time")]
    BodyTimeout,
    /// A malformed query or path parameter.
    #[error("{0}")]
    BadRequest(String),
    /// A site configuration the widget would refuse (the widget's own message).
    #[error("{0}")]
    InvalidConfig(String),
    /// The log could not be written; nothing was acknowledged.
    #[error("the receipt could not be stored right now; retry later")]
    Unavailable(#[source] WriteError),
    /// Anything else on the server's side.
    #[error("internal error; the server log has the details")]
    Internal(#[from] DbError),
}

impl AppError {
    /// Status code of the answer.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Refused(r) => r.status(),
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::AdminDisabled | AppError::Origin(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::InvalidConfig(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable `error` code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Refused(r) => r.code(),
            AppError::Conflict(_) => "conflict",
            AppError::RateLimited(_) => "rate_limited",
            AppError::Unauthorized => "unauthorized",
            AppError::AdminDisabled => "admin_disabled",
            AppError::Origin(_) => "origin",
            AppError::NotFound(_) => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::InvalidConfig(_) => "config",
            AppError::BodyTimeout => "timeout",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Internal(e) => tracing::error!(error = %e, "request failed"),
            AppError::Unavailable(e) => tracing::warn!(error = %e, "receipt not stored"),
            _ => tracing::debug!(code = self.code(), message = ?self.to_string(), "request refused"),
        }
        let body = Json(serde_json::json!({ "error": self.code(), "message": self.to_string() }));
        let mut response = (self.status(), body).into_response();
        let headers = response.headers_mut();
        match self {
            AppError::RateLimited(secs) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            AppError::Unavailable(_) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(5u64));
            }
            AppError::Unauthorized => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}
