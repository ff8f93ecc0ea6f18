//! # Consentry
//!
//! An explicit-consent banner and preference center, compiled to WebAssembly and embedded on any site
//! with one `<script>` tag.
//!
//! The crate is split in two:
//!
//! * a **pure core** that compiles and is tested natively: [`config`] (parsing and validating the site
//!   owner's configuration), [`consent`] (decisions per purpose and service, and their transitions),
//!   [`choice`] (a recorded choice and when to ask again), [`record`] (its storage format), [`i18n`]
//!   (language negotiation and interface strings), [`cookies`] (cookie patterns); JSON comes from the
//!   shared `consentry-receipt` crate;
//! * **browser adapters** around it, only on `wasm32`: `storage` (localStorage with an in-memory
//!   fallback), `gating` (running consented scripts and iframes, deleting cookies), `events` and `api`
//!   (the `consentry:*` DOM events and `window.consentry`), `ui` (the Leptos components) and `embed`
//!   (start-up: find the configuration, mount the widget in a shadow root).
//!
//! Nothing in the core touches a `JsValue`; nothing in the adapters decides anything.

#![deny(missing_docs)]

pub mod choice;
pub mod config;
pub mod consent;
pub mod cookies;
pub mod i18n;
pub mod receipt;
pub mod receipt_log;
pub mod record;
pub mod session;

pub use consentry_receipt::json;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod crypto;
#[cfg(target_arch = "wasm32")]
pub mod embed;
#[cfg(target_arch = "wasm32")]
pub mod events;
#[cfg(target_arch = "wasm32")]
pub mod gating;
#[cfg(target_arch = "wasm32")]
pub mod receipts;
#[cfg(target_arch = "wasm32")]
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod ui;

#[cfg(test)]
pub(crate) mod fixtures;
