//! The code-splitting points: what the first visit does not need is fetched when it is first used.
//!
//! With the `split` feature (the shipped build, see `cargo xtask dist`), each function below is
//! a `#[wasm_split]` point: its body and everything only it reaches moves into its own `.wasm` chunk,
//! fetched and instantiated the first time the function is called (every later call waits one
//! microtask). Without the feature, the same functions run directly, so tests and dev builds need no
//! split tooling. A chunk that cannot be loaded is a [`ChunkError`]: the caller reports it and the
//! first layer keeps working.
//!
//! Keep the first layer free of what is split off: a function here must be the only way in.
#![allow(unsafe_code)] // What `#[wasm_split]` expands to: extern "C" declarations of the chunk's exports.

use std::rc::Rc;

use leptos::prelude::*;

use super::context::WidgetCtx;
use super::preferences::Preferences;
use super::texts::Texts;
use crate::browser::runtime::Runtime;

/// A chunk of the widget could not be fetched or instantiated (network, HTTP status, CSP, …); the
/// browser's console has the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("could not load the {0}; the browser console has the details")]
pub struct ChunkError(pub &'static str);

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for ChunkError {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        ChunkError("preference center")
    }
}

/// A mounted preference center: its container in the widget, and the Leptos view inside it (its
/// reactive owner ends, and its listeners go, when this is dropped).
pub struct PrefsView {
    /// The element the view is mounted in.
    pub container: web_sys::HtmlElement,
    _view: Box<dyn std::any::Any>,
}

/// Mounts the preference center of `runtime` in `container`. Everything Leptos is reached only from
/// here, so the reactive runtime and the renderer travel with this chunk, not with the first layer.
#[cfg_attr(feature = "split", wasm_split_helpers::wasm_split(preferences, fallible, preload(preload_preferences)))]
pub fn mount_preferences(
    runtime: Rc<Runtime>,
    texts: Rc<Texts>,
    container: web_sys::HtmlElement,
) -> Result<PrefsView, ChunkError> {
    let handle = leptos::mount::mount_to(container.clone(), move || {
        provide_context(WidgetCtx::new(runtime, texts));
        view! { <Preferences /> }
    });
    Ok(PrefsView { container, _view: Box::new(handle) })
}

/// The preference center, mounted in `container` (unsplit build: no chunk to wait for).
#[cfg(not(feature = "split"))]
pub async fn preferences(
    runtime: Rc<Runtime>,
    texts: Rc<Texts>,
    container: web_sys::HtmlElement,
) -> Result<PrefsView, ChunkError> {
    mount_preferences(runtime, texts, container)
}

/// The preference center, mounted in `container` once its chunk is loaded.
#[cfg(feature = "split")]
pub async fn preferences(
    runtime: Rc<Runtime>,
    texts: Rc<Texts>,
    container: web_sys::HtmlElement,
) -> Result<PrefsView, ChunkError> {
    mount_preferences(runtime, texts, container).await
}

/// Fetches the preference center's chunk when the browser is next idle (or within two seconds), so
/// that "Customize" opens at once; skipped when the visitor asked to save data. A failure here is not
/// reported: it is reported, and retried, when the visitor opens the preference center.
pub fn prefetch_preferences() {
    #[cfg(feature = "split")]
    {
        let Some(window) = web_sys::window() else { return };
        let connection = js_sys::Reflect::get(&window.navigator(), &"connection".into()).unwrap_or_default();
        let save_data = js_sys::Reflect::get(&connection, &"saveData".into()).is_ok_and(|v| v.is_truthy());
        if save_data {
            return;
        }
        crate::browser::platform::when_idle(2000, || {
            wasm_bindgen_futures::spawn_local(async {
                let _ = preload_preferences().await;
            })
        });
    }
}
