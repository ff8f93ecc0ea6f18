//! Delivering one receipt: `POST` the compact JWS with `Content-Type: application/jose`, no
//! credentials, CORS; what the answer means is the model's rule ([`classify`]).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use consentry_model::receipt_log::{classify, Answer};

use super::error::{window, BrowserError};

/// Why a delivery will be tried again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetryReason {
    /// No answer: offline, DNS, CORS, a blocked request.
    #[error("network: {0}")]
    Network(BrowserError),
    /// 408, 429 or 5xx.
    #[error("HTTP {0}")]
    Status(u16),
}

/// The result of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostResult {
    /// A 2xx; the body is the endpoint's acknowledgment.
    Delivered(String),
    /// Try again later.
    Retry(RetryReason),
    /// Refused for good: the status and the start of the body.
    Refused {
        /// The HTTP status.
        status: u16,
        /// The first 300 characters of the answer.
        body: String,
    },
}

fn request(endpoint: &str, body: &str, keepalive: bool) -> Result<js_sys::Promise, BrowserError> {
    let window = window()?;
    let headers = web_sys::Headers::new()?;
    headers.append("content-type", "application/jose")?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(body));
    init.set_mode(web_sys::RequestMode::Cors);
    init.set_credentials(web_sys::RequestCredentials::Omit);
    // `keepalive` is not in web-sys's stable bindings; set it as a plain property.
    js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::from_bool(keepalive))?;
    Ok(window.fetch_with_str_and_init(endpoint, &init))
}

/// Hands `body` to the browser with `keepalive`, so it is sent even as the page goes away; the answer
/// is never seen.
pub fn send_keepalive(endpoint: &str, body: &str) -> Result<(), BrowserError> {
    request(endpoint, body, true).map(drop)
}

/// Posts `body` and waits for the answer.
pub async fn post(endpoint: &str, body: &str) -> PostResult {
    let response = match request(endpoint, body, false) {
        Ok(p) => JsFuture::from(p).await.map_err(BrowserError::from),
        Err(e) => Err(e),
    };
    let response: web_sys::Response =
        match response.and_then(|r| r.dyn_into().map_err(|_| BrowserError::Unexpected("not a response"))) {
            Ok(r) => r,
            Err(e) => return PostResult::Retry(RetryReason::Network(e)),
        };
    let status = response.status();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()).unwrap_or_default(),
        Err(_) => String::new(),
    };
    match classify(status) {
        Answer::Delivered => PostResult::Delivered(text),
        Answer::Retry => PostResult::Retry(RetryReason::Status(status)),
        Answer::Refused => PostResult::Refused { status, body: text.chars().take(300).collect() },
    }
}
