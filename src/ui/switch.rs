//! An on/off switch: a `<button role="switch">` with `aria-checked`, labelled by its purpose or service
//! name, showing the preference center's draft and flipping it on the visitor's click (unless locked).

use leptos::prelude::*;

use consentry_model::Target;

use super::context::use_widget;
use super::gesture;

/// A switch for `target`.
#[component]
pub fn Switch(
    /// The purpose or service it controls (written into `data-purpose` or `data-service`).
    target: Target,
    /// The id of the element that names it.
    labelled_by: String,
    /// Locked on (a required purpose and its services).
    #[prop(optional)]
    locked: bool,
) -> impl IntoView {
    let ctx = use_widget();
    let draft = ctx.draft;
    let (purpose, service) = match &target {
        Target::Purpose(p) => (Some(p.to_string()), None),
        Target::Service(k) => (None, Some(k.to_string())),
    };
    let shown = target.clone();
    let checked = move || if draft.with(|d| d.granted(&shown)) { "true" } else { "false" };
    view! {
        <button
            type="button"
            role="switch"
            class="cs-switch"
            aria-checked=checked
            aria-disabled=locked.then_some("true")
            aria-labelledby=labelled_by
            data-purpose=purpose
            data-service=service
            on:click=move |ev| if !locked && gesture::by_visitor(&ev, "switch") { ctx.act(|r| r.toggle(&target)) }
        >
            <span class="cs-switch__thumb" aria-hidden=super::context::TRUE></span>
        </button>
    }
}
