//! The widget's voice on the page: `consentry:*` DOM events on `document`.

use consentry_model::contract::EventName;
use consentry_model::json::Value;
use wasm_bindgen::JsValue;

use super::console;

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
pub fn report(error: &dyn std::fmt::Display) {
    let text = format!("{}{error}", console::PREFIX);
    console::error_prefixed(&text);
    dispatch(EventName::Error, &Value::object([("message", Value::String(text))]));
}
