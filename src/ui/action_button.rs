//! A button of the preference center: every button shares one class (the banner's too, see
//! `banner.rs`), so accept and reject cannot be styled apart.

use leptos::prelude::*;

use consentry_model::contract::UiAction;

use super::gesture;

/// A decision button labelled `label`, marked with its `data-action`; only the visitor's own click
/// decides (see `gesture.rs`).
pub fn action_button(action: UiAction, label: String, on_click: impl Fn() + 'static) -> impl IntoView {
    let click = move |ev: web_sys::MouseEvent| {
        if gesture::by_visitor(&ev, action.as_str()) {
            on_click();
        }
    };
    view! {
        <button type="button" class="cs-btn" data-action=action.as_str() on:click=click>
            {label}
        </button>
    }
}
