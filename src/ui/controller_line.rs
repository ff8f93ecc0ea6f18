//! Who asks, in the preference center: the controller's name, address, contact and policy link (the
//! banner's shorter line is built with the DOM in `banner.rs`).

use leptos::prelude::*;

use consentry_model::i18n::TextKey;

use super::context::use_widget;

/// The controller line of the notice.
#[component]
pub fn ControllerLine() -> impl IntoView {
    let ctx = use_widget();
    let Some(config) = ctx.config() else { return ().into_any() };
    let c = &config.controller;
    let address = c.address.clone().map(|a| format!(", {a}"));
    let contact = c.contact.clone();
    view! {
        <p class="cs-meta">
            {ctx.t(TextKey::Controller)}": "{c.name.clone()}{address}" · "
            {ctx.t(TextKey::Contact)}": "
            <a href=format!("mailto:{contact}")>{contact.clone()}</a>" · "
            <a href=c.policy_url.clone() target="_blank" rel="noopener">{ctx.t(TextKey::PolicyLink)}</a>
        </p>
    }
    .into_any()
}
