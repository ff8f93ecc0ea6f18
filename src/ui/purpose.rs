//! One purpose in the preference center: its switch (or "always active"), what it does, how long data
//! is kept, who receives it, and its services with their own switches and cookies.

use leptos::prelude::*;

use super::switch::{Switch, SwitchTarget};
use super::use_widget;
use crate::config::{Purpose, Service};
use crate::i18n::TextKey;

/// A purpose with its details and services.
#[component]
pub fn PurposeItem(
    /// The purpose to show.
    purpose: Purpose,
) -> impl IntoView {
    let ctx = use_widget();
    let id = purpose.id.to_string();
    let label_id = format!("cs-p-{id}");
    let draft = ctx.ui.draft;
    let pid = id.clone();
    let checked = Signal::derive(move || draft.with(|d| d.granted(&pid)));
    let pid = id.clone();
    let services = purpose.services.iter().map(|s| service_item(&id, s, purpose.required)).collect_view();
    let has_services = !purpose.services.is_empty();
    view! {
        <li class="cs-purpose">
            <div class="cs-purpose__head">
                <h3 id=label_id.clone() class="cs-subtitle">{ctx.text(&purpose.name)}</h3>
                {purpose.required.then(|| view! { <span class="cs-badge">{ctx.t(TextKey::AlwaysActive)}</span> })}
                <Switch
                    target=SwitchTarget::Purpose(id.clone())
                    labelled_by=label_id
                    checked=checked
                    locked=purpose.required
                    on_toggle=Box::new(move || ctx.act(|a| a.toggle_purpose(&pid)))
                />
            </div>
            <p class="cs-text">{ctx.text(&purpose.description)}</p>
            <dl class="cs-facts">
                <dt>{ctx.t(TextKey::Retention)}</dt><dd>{ctx.text(&purpose.retention)}</dd>
                <dt>{ctx.t(TextKey::Recipients)}</dt><dd>{ctx.text(&purpose.recipients)}</dd>
            </dl>
            {has_services.then(|| view! {
                <h4 class="cs-label">{ctx.t(TextKey::Services)}</h4>
                <ul class="cs-services">{services}</ul>
            })}
        </li>
    }
}

fn service_item(purpose: &str, service: &Service, locked: bool) -> impl IntoView {
    let ctx = use_widget();
    let key = format!("{purpose}/{}", service.id);
    let label_id = format!("cs-s-{purpose}-{}", service.id);
    let draft = ctx.ui.draft;
    let k = key.clone();
    let checked = Signal::derive(move || draft.with(|d| d.granted(&k)));
    let (p, s) = (purpose.to_string(), service.id.to_string());
    let cookies = (!service.cookies.is_empty()).then(|| {
        let list = service.cookies.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ");
        view! { <p class="cs-meta">{ctx.t(TextKey::Cookies)}": "<code>{list}</code></p> }
    });
    let policy = service.policy_url.clone().map(|url| {
        view! { <a class="cs-meta" href=url target="_blank" rel="noopener">{ctx.t(TextKey::PolicyLink)}</a> }
    });
    view! {
        <li class="cs-service">
            <div class="cs-purpose__head">
                <span id=label_id.clone() class="cs-service__name">{ctx.text(&service.name)}</span>
                <Switch
                    target=SwitchTarget::Service(key)
                    labelled_by=label_id
                    checked=checked
                    locked=locked
                    on_toggle=Box::new(move || ctx.act(|a| a.toggle_service(&p, &s)))
                />
            </div>
            <p class="cs-text">{ctx.text(&service.description)}</p>
            {cookies}
            {policy}
        </li>
    }
}
