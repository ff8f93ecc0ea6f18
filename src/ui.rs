//! The widget's views: they render the [`UiState`](state::UiState) and call one
//! [`Runtime`](crate::browser::runtime::Runtime) method per interaction; they decide nothing.
//!
//! Two kinds, by weight. The first layer, which every first visit downloads before it sees anything,
//! is built with the DOM directly: `widget.rs` (the root, which attaches and detaches the surfaces),
//! `banner.rs`, `floating.rs` (the persistent control), on `dom.rs` and `texts.rs`. The preference
//! center is a Leptos view in its own chunk (`split.rs` marks the point): `preferences.rs` (the dialog
//! and its focus trap), `purpose.rs` and `service.rs` (one purpose, one service, with their
//! switches), `switch.rs`, `controller_line.rs`, `receipt_info.rs` (the latest receipt and the
//! download), `action_button.rs`, and `context.rs` (its one typed context, with signals mirroring
//! the state). Shared: `state.rs` (the state and its watchers), `focus.rs`, `gesture.rs` (only the
//! visitor's own clicks decide).

mod action_button;
mod banner;
pub mod context;
mod controller_line;
mod dom;
mod floating;
pub mod focus;
mod gesture;
mod preferences;
mod purpose;
mod receipt_info;
mod service;
mod split;
pub mod state;
mod switch;
pub mod texts;
mod theme;
mod widget;

pub use dom::Dom;
pub use widget::Widget;
