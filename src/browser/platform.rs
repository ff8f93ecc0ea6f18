//! What the widget reads from the platform: the clock, randomness, the Global Privacy Control
//! signal, the page's and the browser's languages, and locale date formatting.

use wasm_bindgen::JsValue;

/// Milliseconds since the epoch.
pub fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// A number in `[0, 1)` for retry jitter (not for anything secret).
pub fn jitter() -> f64 {
    js_sys::Math::random()
}

/// A random UUID v4 for a consent record or a receipt, from `crypto.getRandomValues`.
pub fn new_uuid() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

thread_local! {
    static GPC: std::cell::OnceCell<bool> = const { std::cell::OnceCell::new() };
}

/// Whether the browser sends a Global Privacy Control signal (`navigator.globalPrivacyControl`
/// `true`, or `"1"` as some older extensions set it). Read once per page: the specification fixes
/// the value for a navigation, so a page's own change later cannot flip it.
pub fn gpc() -> bool {
    GPC.with(|cell| {
        *cell.get_or_init(|| {
            let value = web_sys::window()
                .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"globalPrivacyControl".into()).ok());
            value.is_some_and(|v| v.as_bool() == Some(true) || v.as_string().as_deref() == Some("1"))
        })
    })
}

/// The page's `<html lang>`, if it has one.
pub fn page_language(document: &web_sys::Document) -> Option<String> {
    document.document_element().and_then(|e| e.get_attribute("lang"))
}

/// The browser's preferred languages (`navigator.languages`), most preferred first.
pub fn navigator_languages(window: &web_sys::Window) -> Vec<String> {
    window.navigator().languages().iter().filter_map(|v| v.as_string()).collect()
}

/// A date and time (ms since the epoch) as the visitor's browser writes it in `lang`.
pub fn format_date(ms: i64, lang: &str) -> String {
    js_sys::Date::new(&(ms as f64).into()).to_locale_string(lang, &JsValue::UNDEFINED).as_string().unwrap_or_default()
}

/// Runs `f` when the browser is next idle, or after `timeout_ms` at the latest (`requestIdleCallback`;
/// a short `setTimeout` where it is missing). For work that must not delay the next frame.
pub fn when_idle(timeout_ms: u32, f: impl FnOnce() + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let Some(window) = web_sys::window() else { return };
    let callback = Closure::once_into_js(f);
    let idle = js_sys::Reflect::get(&window, &"requestIdleCallback".into()).unwrap_or_default();
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"timeout".into(), &timeout_ms.into());
    let scheduled = idle.dyn_ref::<js_sys::Function>().is_some_and(|f| f.call2(&window, &callback, &options).is_ok());
    if !scheduled {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), 50);
    }
}
