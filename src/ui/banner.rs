//! The first layer: an informed notice with three buttons of the same kind — accept all, reject all,
//! customize. There is no close button: dismissing is not a choice.

use leptos::prelude::*;

use super::{action_button, use_widget, UiAction};
use crate::choice::Layer;
use crate::i18n::TextKey;

/// The banner.
#[component]
pub fn Banner() -> impl IntoView {
    let ctx = use_widget();
    let Some(config) = ctx.config() else { return ().into_any() };
    let purposes = config
        .purposes
        .iter()
        .map(|p| {
            let name = ctx.text(&p.name);
            let note = p.required.then(|| format!(" ({})", ctx.t(TextKey::AlwaysActive)));
            view! { <li><strong>{name}</strong>{note}</li> }
        })
        .collect_view();
    let contact = config.controller.contact.clone();
    view! {
        <section class="cs-banner" role="region" aria-labelledby="cs-banner-title">
            <h2 id="cs-banner-title" class="cs-title">{ctx.t(TextKey::BannerTitle)}</h2>
            <p class="cs-text">{ctx.t(TextKey::BannerBody)}</p>
            <h3 class="cs-subtitle">{ctx.t(TextKey::PurposesHeading)}</h3>
            <ul class="cs-list">{purposes}</ul>
            <p class="cs-text">{ctx.t(TextKey::WithdrawNote)}</p>
            <p class="cs-meta">
                {ctx.t(TextKey::Controller)}": "{config.controller.name.clone()}" · "
                {ctx.t(TextKey::Contact)}": "
                <a href=format!("mailto:{contact}")>{contact.clone()}</a>" · "
                <a href=config.controller.policy_url.clone() target="_blank" rel="noopener">
                    {ctx.t(TextKey::PolicyLink)}
                </a>
            </p>
            <div class="cs-actions">
                {action_button(UiAction::AcceptAll, ctx.t(TextKey::AcceptAll), move || ctx.act(|a| a.accept_all(Layer::Banner)))}
                {action_button(UiAction::RejectAll, ctx.t(TextKey::RejectAll), move || ctx.act(|a| a.reject_all(Layer::Banner)))}
                {action_button(UiAction::Customize, ctx.t(TextKey::Customize), move || ctx.act(|a| a.open_preferences()))}
            </div>
        </section>
    }
    .into_any()
}
