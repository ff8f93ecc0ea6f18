//! The browser half: effects only. Every `JsValue` stops here, converted into a typed error or a
//! plain Rust value; nothing here decides anything, it carries out what `consentry_model` decides.
//!
//! * [`error`]: `BrowserError` (a failed or missing browser API, converted from `JsValue` in one
//!   place), and the window/document accessors;
//! * [`platform`]: the clock, random UUIDs, GPC, the page's and navigator's languages, dates;
//! * [`embed`]: start-up on a site owner's page, mounting in a shadow root, the [`embed::Mounted`] handle;
//! * [`runtime`]: the running widget: carries out each decision's effects (storage, gating,
//!   cookies, receipts, events, UI state);
//! * [`api`]: `window.consentry` and `[data-consentry-open]`;
//! * [`events`] and [`console`]: the `consentry:*` DOM events and the prefixed console lines;
//! * [`listener`]: event listeners that are removed when dropped;
//! * [`packs`]: the interface strings of the language shown, fetched and checked (English is built in);
//! * [`storage`]: `localStorage` with an in-memory fallback;
//! * [`gating`]: consented scripts and iframes, and the `MutationObserver` for late ones;
//! * [`signals`]: the vendors' consent APIs (Consent Mode and others), through the loader's queues;
//! * [`sinks`]: writing those scripts on a strict page (the Trusted Types policy, the nonce);
//! * [`cookie_jar`]: deleting a refused service's cookies;
//! * [`crypto`] and [`idb`]: the WebCrypto signing key, kept in IndexedDB;
//! * [`receipts`], [`delivery`], [`download`]: the receipt worker, its HTTP delivery and the
//!   visitor's download.

pub mod api;
pub mod console;
pub mod cookie_jar;
pub mod crypto;
pub mod delivery;
pub mod download;
pub mod embed;
pub mod error;
pub mod events;
pub mod gating;
pub mod idb;
pub mod listener;
pub mod packs;
pub mod platform;
pub mod receipts;
pub mod runtime;
pub mod signals;
pub mod sinks;
pub mod storage;
