//! Who asks: the controller's name (and, in the preference center, address), contact and policy link.

use leptos::prelude::*;

use consentry_model::i18n::TextKey;

use super::context::use_widget;

/// The controller line of the notice.
#[component]
pub fn ControllerLine(
    /// Also show the postal address (the preference center does; the banner stays short).
    #[prop(optional)]
    with_address: bool,
) -> impl IntoView {
    let ctx = use_widget();
    let Some(config) = ctx.config() else { return ().into_any() };
    let c = &config.controller;
    let address = with_address.then(|| c.address.clone().map(|a| format!(", {a}"))).flatten();
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
