//! The site owner's scripting surface: `window.consentry` and `[data-consentry-open]` links.
//!
//! `window.consentry` is the only global the widget defines: `get(id)`, `state()`, `show()`,
//! `acceptAll()`, `rejectAll()`, `identify(id)`, `whenReady(fn)`, `rescan(root?)`, `on(name, fn)`, `off(name, fn)`. Decisions made through it are recorded with the
//! `api` layer. It replaces the loader's stand-in (which kept the calls made before the module was
//! ready, and replays them through this object). The returned [`Api`] removes both the global and
//! the click listener when dropped.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use consentry_model::choice::Layer;
use consentry_model::contract::{ATTR_OPEN, GLOBAL};
use consentry_model::Target;

use super::error::{self, document, window, BrowserError};
use super::listener::Listener;
use super::runtime::Runtime;
use super::{console, events};

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
    // `identify(id)`: the site's opaque customer id for the receipts of later decisions; `null` (or
    // `undefined`) removes it. Checked by the receipt grammar: anything else is refused with a warning
    // and changes nothing.
    let r = runtime.clone();
    let identify = move |id: JsValue| {
        if id.is_null() || id.is_undefined() {
            return r.identify(None);
        }
        match id.as_string().map(|s| consentry_receipt::payload::check_subject_id(&s).map(|()| s)) {
            Some(Ok(s)) => r.identify(Some(s)),
            Some(Err(e)) => console::warn(&format!("identify refused the id: {e}; the subject id is unchanged")),
            None => console::warn("identify takes a string or null; the subject id is unchanged"),
        }
    };
    method(&object, "identify", Closure::<dyn Fn(JsValue)>::new(identify), &mut methods)?;
    // `whenReady(fn)`: the widget is ready, so `fn(window.consentry)` runs now. The loader's stand-in
    // queues the same call until then. What the page's function throws is the page's error.
    let this = object.clone();
    let when_ready = move |f: JsValue| {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            if let Err(e) = f.call1(&JsValue::NULL, &this) {
                console::warn(&format!("a whenReady callback threw: {}", error::describe(&e)));
            }
        }
    };
    method(&object, "whenReady", Closure::<dyn Fn(JsValue)>::new(when_ready), &mut methods)?;
    // `rescan(root?)`: gated content in `root` (an element, a shadow root; the document by default)
    // that the page's observer cannot see, such as a web component's shadow DOM.
    let r = runtime.clone();
    method(&object, "rescan", Closure::<dyn Fn(JsValue)>::new(move |root: JsValue| r.rescan(&root)), &mut methods)?;
    // `on(name, fn)` / `off(name, fn)`: `fn(event)` for `consentry:<name>` on `document`, as the
    // loader's stand-in does before the widget starts.
    for (name, add) in [("on", true), ("off", false)] {
        let listen = move |event: JsValue, f: JsValue| {
            let (Some(event), Some(f), Ok(doc)) = (event.as_string(), f.dyn_ref::<js_sys::Function>(), document())
            else {
                return;
            };
            if matches!(event.as_str(), "change" | "ready" | "error") {
                let kind = format!("consentry:{event}");
                let _ = if add {
                    doc.add_event_listener_with_callback(&kind, f)
                } else {
                    doc.remove_event_listener_with_callback(&kind, f)
                };
            }
        };
        method(&object, name, Closure::<dyn Fn(JsValue, JsValue)>::new(listen), &mut methods)?;
    }
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
    if !js_sys::Reflect::set(&window, &GLOBAL.into(), &object)? {
        // The page made `window.consentry` read-only (the loader said so too): no API, the rest works.
        console::warn(
            "window.consentry is defined by the page and cannot be replaced: the JavaScript API is not available",
        );
    }
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
