//! The interface strings of the language shown, when it is not English: fetched once per page view
//! from beside the loader (`consentry-lang-<tag>-<hash>.json`, written by `cargo xtask dist`) with
//! the SHA-256 compiled in as its Subresource Integrity, so the browser refuses any other bytes.
//! Only the shown language travels; English is compiled in and is what the visitor sees if the pack
//! cannot be had (the failure is reported, nothing else changes).
//!
//! An English page view needs none of this, so the digests, the fetch and the pack reader are a
//! chunk of their own (`packs`): with the `split` feature (the shipped build) [`fetch_task`] is a
//! `#[wasm_split]` point; without it, it runs directly (tests, dev builds). The loader fetches that
//! chunk beside the module when the page's language is likely to need a pack (see `src/loader.js`),
//! so a German visitor waits for no extra round trip; an English one never downloads it.
#![allow(unsafe_code)] // What `#[wasm_split]` expands to: extern "C" declarations of the chunk's exports.

use std::future::Future;
use std::pin::Pin;

use consentry_model::i18n::Pack;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::error::BrowserError;
use crate::packs_table::locate;

/// Why the pack of the language shown is not used (the notice is shown with English interface text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not load the interface texts for \"{tag}\" ({why}); showing them in English")]
pub struct PackError {
    /// The pack's language.
    pub tag: &'static str,
    /// What went wrong.
    pub why: String,
}

/// The fetch and check of a pack, running in the chunk.
pub type Loading = Pin<Box<dyn Future<Output = Result<Pack, PackError>>>>;

/// The `packs` chunk could not be fetched or instantiated; the browser's console has the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackChunkError;

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for PackChunkError {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        PackChunkError
    }
}

/// Starts fetching and reading the pack of `tag` (see [`fetch`]); its code lives in the chunk.
#[cfg_attr(feature = "split", wasm_split_helpers::wasm_split(packs, fallible))]
pub fn fetch_task(tag: &'static str, loader: Option<JsValue>) -> Result<Loading, PackChunkError> {
    Ok(Box::pin(fetch_now(tag, loader)))
}

/// Fetches and reads the pack of `tag` through the loader's `pack(url, integrity)` (`loader`: the
/// loader's object; the fetch is the loader's, so the module carries no code of its own for it).
pub async fn fetch(tag: &'static str, loader: Option<&JsValue>) -> Result<Pack, PackError> {
    let loader = loader.cloned();
    #[cfg(feature = "split")]
    let task = fetch_task(tag, loader).await;
    #[cfg(not(feature = "split"))]
    let task = fetch_task(tag, loader);
    let unloadable =
        |_| PackError { tag, why: "its code could not be loaded: the browser console has the details".into() };
    task.map_err(unloadable)?.await
}

async fn fetch_now(tag: &'static str, loader: Option<JsValue>) -> Result<Pack, PackError> {
    let fail = |why: String| PackError { tag, why };
    let get = |key: &str| loader.as_ref().and_then(|l| js_sys::Reflect::get(l, &key.into()).ok());
    let (Some(base), Some(pack)) = (get("base").and_then(|b| b.as_string()), get("pack")) else {
        return Err(fail("the page did not load consentry.js".into()));
    };
    let pack: js_sys::Function = pack.dyn_into().map_err(|_| fail("the loader cannot fetch packs".into()))?;
    let (url, integrity) = locate(tag, &base).ok_or_else(|| fail("no such pack in this build".into()))?;
    let js = |e: JsValue| fail(format!("{url}: {}", BrowserError::from(e)));
    let promise: js_sys::Promise =
        pack.call2(&JsValue::NULL, &url.as_str().into(), &integrity.into()).map_err(js)?.into();
    let text = JsFuture::from(promise).await.map_err(js)?.as_string().unwrap_or_default();
    Pack::parse(tag, &text).map_err(fail)
}
