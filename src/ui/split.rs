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

use leptos::prelude::*;

use super::preferences::Preferences;

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

/// The preference center's view, built under `owner` (a child of the widget's owner: the context is
/// found there, and the view's effects end when the caller drops it).
#[cfg_attr(feature = "split", wasm_split_helpers::wasm_split(preferences, fallible, preload(preload_preferences)))]
pub fn preferences_view(owner: Owner) -> Result<AnyView, ChunkError> {
    Ok(owner.with(|| view! { <Preferences /> }.into_any()))
}

/// The preference center's view (unsplit build: no chunk to wait for).
#[cfg(not(feature = "split"))]
pub async fn preferences(owner: Owner) -> Result<AnyView, ChunkError> {
    preferences_view(owner)
}

/// The preference center's view, once its chunk is loaded.
#[cfg(feature = "split")]
pub async fn preferences(owner: Owner) -> Result<AnyView, ChunkError> {
    preferences_view(owner).await
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
            leptos::task::spawn_local(async {
                let _ = preload_preferences().await;
            })
        });
    }
}
