//! One purpose in the preference center: its switch (or "always active"), what it does, how long data
//! is kept, who receives it, and its services.

use leptos::prelude::*;

use consentry_model::config::{Purpose, ServiceKey};
use consentry_model::i18n::TextKey;
use consentry_model::Target;

use super::context::use_widget;
use super::service::ServiceItem;
use super::switch::Switch;

/// A purpose with its details and services.
#[component]
pub fn PurposeItem(
    /// The purpose to show.
    purpose: Purpose,
) -> impl IntoView {
    let ctx = use_widget();
    let target = Target::Purpose(purpose.id.clone());
    let label_id = format!("cs-p-{}", purpose.id);
    let services = purpose
        .services
        .iter()
        .map(|s| {
            let key = ServiceKey::new(&purpose.id, &s.id);
            view! { <ServiceItem service=s.clone() key=key locked=purpose.required /> }
        })
        .collect_view();
    let has_services = !purpose.services.is_empty();
    view! {
        <li class="cs-purpose">
            <div class="cs-purpose__head">
                <h3 id=label_id.clone() class="cs-subtitle">{ctx.text(&purpose.name)}</h3>
                {purpose.required.then(|| view! { <span class="cs-badge">{ctx.t(TextKey::AlwaysActive)}</span> })}
                <Switch target=target labelled_by=label_id locked=purpose.required />
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
