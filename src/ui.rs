//! The widget's Leptos components: they render the [`UiState`](state::UiState) and call one
//! [`Runtime`](crate::browser::runtime::Runtime) method per interaction; they decide nothing.
//!
//! Parts, one file each: `widget.rs` (the root), `banner.rs` (the first layer), `preferences.rs`
//! (the preference center and its focus trap), `purpose.rs` and `service.rs` (one purpose, one
//! service, with their switches), `switch.rs`, `controller_line.rs`, `receipt_info.rs` (the latest
//! receipt and the download), `floating.rs` (the persistent control), `action_button.rs`; shared
//! pieces: `context.rs` (the one typed context), `state.rs` (the signals), `focus.rs`; `split.rs` marks
//! what is fetched as a separate chunk when first needed (the preference center).

mod action_button;
mod banner;
pub mod context;
mod controller_line;
mod floating;
pub mod focus;
mod preferences;
mod purpose;
mod receipt_info;
mod service;
mod split;
pub mod state;
mod switch;
mod widget;

pub use widget::Widget;
