//! A button of the preference center: every button shares one class (the banner's too, see
//! `banner.rs`), so accept and reject cannot be styled apart.

use leptos::prelude::*;

use consentry_model::contract::UiAction;

/// A decision or navigation button labelled `label`, marked with its `data-action`.
pub fn action_button(action: UiAction, label: String, on_click: impl Fn() + 'static) -> impl IntoView {
    view! {
        <button type="button" class="cs-btn" data-action=action.as_str() on:click=move |_| on_click()>
            {label}
        </button>
    }
}
