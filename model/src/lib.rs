//! # consentry-model
//!
//! Every rule of consent that Consentry applies, as plain Rust with no browser in sight: this crate
//! depends on `consentry-receipt` and nothing else, so it compiles and is tested natively, and no
//! `JsValue` can reach it. The widget (`consentry`) wraps it in browser adapters that carry out what
//! it decides; the receipt server can use it to recompute what a visitor was shown.
//!
//! * [`config`]: the site owner's configuration: types, parser, checks and ids. A `Config` that
//!   exists is valid and compliant (nothing on by default, consent as the only legal basis);
//! * [`target`]: what a decision is about: a purpose, or a service of a purpose (`"p"` / `"p/s"`),
//!   parsed once where a string enters (the JS API, `data-consent`, the stored record);
//! * [`consent`]: the decisions per purpose and service, and their transitions;
//! * [`choice`]: a recorded choice and the rule for when to ask again;
//! * [`session`]: one page view: the stored choice, the decisions in force, and a decision as a pure
//!   transition returning the [`session::Effects`] the adapters carry out;
//! * [`surface`]: which surface shows (banner, preference center, closed) and its transitions;
//! * [`record`]: the stored choice (`localStorage["consentry"]`) and its versioned codec;
//! * [`i18n`]: language negotiation and the interface strings;
//! * [`cookies`]: cookie name patterns, and the domains and paths a cookie may have been set on;
//! * [`notice`]: the notice shown, and the receipt payload built from it;
//! * [`receipt_log`]: this browser's receipts: archive, outbox, backoff, and the delivery rule
//!   (HTTP status → delivered / retry / refused);
//! * [`contract`]: every name the page sees (DOM ids and attributes, events, `data-action` values,
//!   storage keys), written once.
//!
//! The vocabulary shared with receipts and the server (layer, action, collection method) comes from
//! `consentry-receipt` and is re-exported by [`choice`]; so is the JSON codec ([`json`]).

pub mod choice;
pub mod config;
pub mod consent;
pub mod contract;
pub mod cookie_storage;
pub mod cookies;
pub mod i18n;
pub mod notice;
pub mod receipt_log;
pub mod record;
pub mod session;
pub mod surface;
pub mod target;

pub use consentry_receipt::json;

pub use target::Target;

#[cfg(test)]
pub(crate) mod fixtures;
