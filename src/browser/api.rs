//! The site owner's scripting surface: `window.consentry` and `[data-consentry-open]` links.
//!
//! `window.consentry` is the only global the widget defines: `get(id)`, `state()`, `show()`,
//! `acceptAll()`, `rejectAll()`. Decisions made through it are recorded with the `api` layer. The
//! returned [`Api`] removes both the global and the click listener when dropped.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use consentry_model::choice::Layer;
use consentry_model::contract::{ATTR_OPEN, GLOBAL};
use consentry_model::Target;

use super::error::{document, window, BrowserError};
use super::events;
use super::listener::Listener;
use super::runtime::Runtime;

/// The installed API; dropping it uninstalls it.
pub struct Api {
    window: web_sys::Window,
    object: js_sys::Object,
    _methods: Vec<Box<dyn std::any::Any>>,
    _open_links: Listener,
}

impl Drop for Api {
    fn drop(&mut self) {
        // Only remove the global if it is still ours (a page script may have replaced it).
        let ours = js_sys::Reflect::get(&self.window, &GLOBAL.into()).is_ok_and(|v| v == *self.object);
        if ours {
            let _ = js_sys::Reflect::delete_property(&self.window, &GLOBAL.into());
        }
    }
}

/// Defines `window.consentry` and listens for clicks on `[data-consentry-open]`.
pub fn install(runtime: &Rc<Runtime>) -> Result<Api, BrowserError> {
    let window = window()?;
    let object = js_sys::Object::new();
    let mut methods: Vec<Box<dyn std::any::Any>> = Vec::new();
    let r = runtime.clone();
    // `get(id)`: the id is parsed here, at the edge; anything that is not a purpose or
    // `purpose/service` is simply not granted.
    let get = move |id: JsValue| id.as_string().and_then(|id| id.parse::<Target>().ok()).is_some_and(|t| r.granted(&t));
    method(&object, "get", Closure::<dyn Fn(JsValue) -> bool>::new(get), &mut methods)?;
    let r = runtime.clone();
    method(
        &object,
        "state",
        Closure::<dyn Fn() -> JsValue>::new(move || events::to_js(&r.state_json())),
        &mut methods,
    )?;
    let r = runtime.clone();
    method(&object, "show", Closure::<dyn Fn()>::new(move || r.open_preferences()), &mut methods)?;
    let r = runtime.clone();
    method(&object, "acceptAll", Closure::<dyn Fn()>::new(move || r.accept_all(Layer::Api)), &mut methods)?;
    let r = runtime.clone();
    method(&object, "rejectAll", Closure::<dyn Fn()>::new(move || r.reject_all(Layer::Api)), &mut methods)?;
    let r = runtime.clone();
    let selector = format!("[{ATTR_OPEN}]");
    let document = document()?;
    let open_links = Listener::new(&document, "click", move |event: web_sys::Event| {
        let opener = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest(&selector).ok().flatten());
        if opener.is_some() {
            event.prevent_default();
            r.open_preferences();
        }
    })?;
    // Last: once the global is set, nothing can fail and leave it pointing at dropped closures.
    js_sys::Object::freeze(&object);
    js_sys::Reflect::set(&window, &GLOBAL.into(), &object)?;
    Ok(Api { window, object, _methods: methods, _open_links: open_links })
}

fn method<F: ?Sized + wasm_bindgen::closure::WasmClosure + 'static>(
    target: &js_sys::Object,
    name: &str,
    f: Closure<F>,
    keep: &mut Vec<Box<dyn std::any::Any>>,
) -> Result<(), BrowserError> {
    js_sys::Reflect::set(target, &name.into(), f.as_ref())?;
    keep.push(Box::new(f));
    Ok(())
}
