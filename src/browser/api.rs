//! The site owner's scripting surface: `window.consentry` and `[data-consentry-open]` links.
//!
//! `window.consentry` is the only global the widget defines: `get(id)`, `state()`, `show()`,
//! `acceptAll()`, `rejectAll()`. Decisions made through it are recorded with the `api` layer.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::App;
use crate::choice::Layer;
use crate::events;

/// The global's name.
pub const GLOBAL: &str = "consentry";
/// Attribute that turns any element of the page into a control that opens the preference center.
pub const ATTR_OPEN: &str = "data-consentry-open";

/// Defines `window.consentry` and listens for clicks on `[data-consentry-open]`.
pub fn install(app: &Rc<App>) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let api = js_sys::Object::new();
    let a = app.clone();
    method(
        &api,
        "get",
        Closure::<dyn Fn(JsValue) -> bool>::new(move |id: JsValue| id.as_string().is_some_and(|id| a.granted(&id))),
    )?;
    let a = app.clone();
    method(&api, "state", Closure::<dyn Fn() -> JsValue>::new(move || events::to_js(&a.state_json())))?;
    let a = app.clone();
    method(&api, "show", Closure::<dyn Fn()>::new(move || a.open_preferences()))?;
    let a = app.clone();
    method(&api, "acceptAll", Closure::<dyn Fn()>::new(move || a.accept_all(Layer::Api)))?;
    let a = app.clone();
    method(&api, "rejectAll", Closure::<dyn Fn()>::new(move || a.reject_all(Layer::Api)))?;
    js_sys::Object::freeze(&api);
    js_sys::Reflect::set(&window, &GLOBAL.into(), &api).map_err(|e| events::describe(&e))?;

    let a = app.clone();
    let on_click = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
        let opener = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest(&format!("[{ATTR_OPEN}]")).ok().flatten());
        if opener.is_some() {
            event.prevent_default();
            a.open_preferences();
        }
    });
    let document = window.document().ok_or("no document")?;
    document
        .add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())
        .map_err(|e| events::describe(&e))?;
    on_click.forget();
    Ok(())
}

fn method<F: ?Sized + wasm_bindgen::closure::WasmClosure>(
    target: &js_sys::Object,
    name: &str,
    f: Closure<F>,
) -> Result<(), String> {
    js_sys::Reflect::set(target, &name.into(), f.as_ref()).map_err(|e| events::describe(&e))?;
    f.forget();
    Ok(())
}
