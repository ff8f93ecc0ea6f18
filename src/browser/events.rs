//! The widget's voice on the page: `consentry:*` DOM events on `document` and prefixed console messages.

use crate::json::Value;
use wasm_bindgen::JsValue;

/// The events the widget dispatches on `document`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventName {
    /// After every decision, and once at start-up when a stored choice is applied.
    Change,
    /// A refused configuration or another failure.
    Error,
    /// The widget is mounted and `window.consentry` is ready.
    Ready,
}

impl EventName {
    /// The DOM event type.
    pub fn as_str(self) -> &'static str {
        match self {
            EventName::Change => "consentry:change",
            EventName::Error => "consentry:error",
            EventName::Ready => "consentry:ready",
        }
    }
}

/// Converts a JSON value into a plain JS value (objects, arrays, strings…).
pub fn to_js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

/// Dispatches `name` on `document` with `detail`. Listener exceptions do not reach the widget.
pub fn dispatch(name: EventName, detail: &Value) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&to_js(detail));
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name.as_str(), &init) {
        let _ = document.dispatch_event(&event);
    }
}

/// Reports a failure: `console.error("consentry: …")` and a `consentry:error` event whose
/// `detail.message` is the same prefixed text (as the loader's own failures are).
pub fn error(message: &str) {
    let text = format!("consentry: {message}");
    web_sys::console::error_1(&text.as_str().into());
    dispatch(EventName::Error, &Value::object([("message", Value::String(text))]));
}

/// A warning on the console, prefixed.
pub fn warn(message: &str) {
    web_sys::console::warn_1(&format!("consentry: {message}").into());
}

/// A readable description of a thrown JS value.
pub fn describe(value: &JsValue) -> String {
    if let Some(s) = value.as_string() {
        return s;
    }
    js_sys::Reflect::get(value, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}
