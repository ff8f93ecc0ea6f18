//! The one place where a thrown or missing browser value becomes a Rust error.
//!
//! Every adapter returns `Result<_, BrowserError>` (or an error of its own that wraps one); a
//! `JsValue` thrown by the browser is described once, here, by `From<JsValue>`.

use wasm_bindgen::JsValue;

/// A browser API that failed or is missing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrowserError {
    /// No `window` (not a page: a worker, or a detached context).
    #[error("no window")]
    NoWindow,
    /// No `document`.
    #[error("no document")]
    NoDocument,
    /// The page has no `<body>` to mount in.
    #[error("the page has no <body>")]
    NoBody,
    /// A call threw; the text is the thrown value's message.
    #[error("{0}")]
    Js(String),
    /// A call returned something of another kind than its contract says.
    #[error("{0}")]
    Unexpected(&'static str),
}

impl From<JsValue> for BrowserError {
    fn from(value: JsValue) -> Self {
        BrowserError::Js(describe(&value))
    }
}

/// A readable description of a thrown JS value: a string as is, else its `message`.
pub fn describe(value: &JsValue) -> String {
    if let Some(s) = value.as_string() {
        return s;
    }
    js_sys::Reflect::get(value, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}

/// The page's `window`.
pub fn window() -> Result<web_sys::Window, BrowserError> {
    web_sys::window().ok_or(BrowserError::NoWindow)
}

/// The page's `document`.
pub fn document() -> Result<web_sys::Document, BrowserError> {
    window()?.document().ok_or(BrowserError::NoDocument)
}
