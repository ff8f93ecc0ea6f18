//! Focus across the shadow boundary: where focus is now, and giving it back when a surface closes.

use wasm_bindgen::JsCast;

use consentry_model::contract::{UiAction, ATTR_ACTION, HOST_ID};

/// The element that has focus, looking inside the widget's shadow root when focus is there.
pub fn focused_element() -> Option<web_sys::HtmlElement> {
    let doc = web_sys::window()?.document()?;
    let active = doc.active_element()?;
    if active.id() == HOST_ID {
        if let Some(inner) = active.shadow_root().and_then(|r| r.active_element()) {
            return inner.dyn_into().ok();
        }
    }
    active.dyn_into().ok()
}

/// The first element matching `selector` inside the widget's shadow root.
pub fn shadow_query(selector: &str) -> Option<web_sys::HtmlElement> {
    let doc = web_sys::window()?.document()?;
    let host = doc.get_element_by_id(HOST_ID)?;
    host.shadow_root()?.query_selector(selector).ok()??.dyn_into().ok()
}

/// After the surfaces re-render (a zero-delay timer), focuses the element that opened the one that
/// closed: the opener itself if it is still there; else its re-rendered twin (the banner is rebuilt
/// when the center closes back to it); else the persistent control.
pub fn restore(opener: Option<web_sys::HtmlElement>) {
    let Some(window) = web_sys::window() else { return };
    let later = wasm_bindgen::closure::Closure::once_into_js(move || {
        let twin = |el: &web_sys::HtmlElement| {
            el.get_attribute(ATTR_ACTION).and_then(|a| shadow_query(&format!("[{ATTR_ACTION}=\"{a}\"]")))
        };
        let target = match opener {
            Some(el) if el.is_connected() => Some(el),
            Some(el) => twin(&el),
            None => None,
        }
        .or_else(|| shadow_query(&format!("{}:not([hidden])", UiAction::OpenPreferences.selector())));
        if let Some(el) = target {
            let _ = el.focus();
        }
    });
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(later.unchecked_ref(), 0);
}
