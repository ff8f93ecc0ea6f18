//! The interface strings of the language shown, when it is not English: fetched once per page view
//! from beside the loader (`consentry-lang-<tag>-<hash>.json`, written by `cargo xtask dist`) with
//! the SHA-256 compiled into this module as its Subresource Integrity, so the browser refuses any
//! other bytes. Only the shown language travels; English is compiled in and is what the visitor
//! sees if the pack cannot be had (the failure is reported, nothing else changes).

use consentry_model::i18n::Pack;
use wasm_bindgen::JsCast;
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

/// Fetches and reads the pack of `tag` through the loader's `pack(url, integrity)` (`loader`: the
/// loader's object; the fetch is the loader's, so the module carries no code of its own for it).
pub async fn fetch(tag: &'static str, loader: Option<&wasm_bindgen::JsValue>) -> Result<Pack, PackError> {
    let fail = |why: String| PackError { tag, why };
    let get = |key: &str| loader.and_then(|l| js_sys::Reflect::get(l, &key.into()).ok());
    let (Some(base), Some(pack)) = (get("base").and_then(|b| b.as_string()), get("pack")) else {
        return Err(fail("the page did not load consentry.js".into()));
    };
    let pack: js_sys::Function = pack.dyn_into().map_err(|_| fail("the loader cannot fetch packs".into()))?;
    let (url, integrity) = locate(tag, &base).ok_or_else(|| fail("no such pack in this build".into()))?;
    let js = |e: wasm_bindgen::JsValue| fail(format!("{url}: {}", BrowserError::from(e)));
    let promise: js_sys::Promise =
        pack.call2(&wasm_bindgen::JsValue::NULL, &url.as_str().into(), &integrity.into()).map_err(js)?.into();
    let text = JsFuture::from(promise).await.map_err(js)?.as_string().unwrap_or_default();
    Pack::parse(tag, &text).map_err(fail)
}
