//! # Consentry
//!
//! An explicit-consent banner and preference center, compiled to WebAssembly and embedded on any site
//! with one `<script>` tag. Three layers, each allowed to use only the ones before it:
//!
//! 1. **model** — the `consentry-model` crate, re-exported as [`model`]: every rule of consent
//!    (configuration, decisions, the page session, when to ask again, storage codecs, notices and
//!    receipts, the names of the page contract). Pure Rust with no browser dependency, tested natively.
//! 2. **browser** — `src/browser/`, only on `wasm32`: effects and nothing else. Every `JsValue` stops
//!    here and becomes a typed error (`BrowserError`, `EmbedError`, `CryptoError`) or a plain value;
//!    the runtime carries out the effects the model returns (storage, gated scripts, cookies,
//!    receipts, `consentry:*` events, `window.consentry`).
//! 3. **ui** — `src/ui/`, only on `wasm32`: Leptos components that render the reactive state and call
//!    one runtime method per interaction. They decide nothing.
//!
//! What is public is what the embed and the browser tests need: [`boot`] (called by `consentry.js`),
//! [`start`] with the [`Mounted`] handle it returns (dropping it removes the widget and everything it
//! installed), [`Store`], and the error types.

pub use consentry_model as model;

// Used by the browser half only; natively, its tests run.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod style;

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod packs_table;

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod contrast;

#[cfg(target_arch = "wasm32")]
mod browser;
/// The Leptos API: `<ConsentProvider>` and the `use_consent*` hooks (feature `leptos-api`).
#[cfg(all(target_arch = "wasm32", feature = "leptos-api"))]
pub mod component;
#[cfg(target_arch = "wasm32")]
mod ui;

#[cfg(target_arch = "wasm32")]
pub use browser::crypto::CryptoError;
#[cfg(target_arch = "wasm32")]
pub use browser::embed::{boot, start, EmbedError, FetchError, Mounted};
#[cfg(target_arch = "wasm32")]
pub use browser::error::BrowserError;
#[cfg(target_arch = "wasm32")]
pub use browser::storage::{Backend, Store};
