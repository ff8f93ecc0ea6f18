//! One service of a purpose: its switch, what it does, its cookies and its own privacy policy.

use leptos::prelude::*;

use consentry_model::config::{Service, ServiceKey};
use consentry_model::i18n::TextKey;
use consentry_model::Target;

use super::context::use_widget;
use super::switch::Switch;

/// A service with its switch.
#[component]
pub fn ServiceItem(
    /// The service to show.
    service: Service,
    /// The service named with its purpose.
    key: ServiceKey,
    /// Locked on (its purpose is required).
    locked: bool,
) -> impl IntoView {
    let ctx = use_widget();
    let label_id = format!("cs-s-{}-{}", key.purpose, key.service);
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
                <Switch target=Target::Service(key) labelled_by=label_id locked=locked />
            </div>
            <p class="cs-text">{ctx.text(&service.description)}</p>
            {cookies}
            {policy}
        </li>
    }
}
