//! The first layer: an informed notice with three buttons of the same kind — accept all, reject all,
//! customize. There is no close button: dismissing is not a choice.

use leptos::prelude::*;

use consentry_model::choice::Layer;
use consentry_model::contract::UiAction;
use consentry_model::i18n::TextKey;

use super::action_button::action_button;
use super::context::use_widget;
use super::controller_line::ControllerLine;

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
    view! {
        <section class="cs-banner" role="region" aria-labelledby="cs-banner-title">
            <h2 id="cs-banner-title" class="cs-title">{ctx.t(TextKey::BannerTitle)}</h2>
            <p class="cs-text">{ctx.t(TextKey::BannerBody)}</p>
            <h3 class="cs-subtitle">{ctx.t(TextKey::PurposesHeading)}</h3>
            <ul class="cs-list">{purposes}</ul>
            <p class="cs-text">{ctx.t(TextKey::WithdrawNote)}</p>
            <ControllerLine />
            <div class="cs-actions">
                {action_button(UiAction::AcceptAll, ctx.t(TextKey::AcceptAll), move || ctx.act(|r| r.accept_all(Layer::Banner)))}
                {action_button(UiAction::RejectAll, ctx.t(TextKey::RejectAll), move || ctx.act(|r| r.reject_all(Layer::Banner)))}
                {action_button(UiAction::Customize, ctx.t(TextKey::Customize), move || ctx.act(|r| r.open_preferences()))}
            </div>
        </section>
    }
    .into_any()
}
