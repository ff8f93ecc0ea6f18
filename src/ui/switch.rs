//! An on/off switch: a `<button role="switch">` with `aria-checked`, labelled by its purpose or service name.

use leptos::prelude::*;

/// What a switch controls, written into `data-purpose` or `data-service`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwitchTarget {
    /// A purpose id.
    Purpose(String),
    /// A service, as `purpose/service`.
    Service(String),
}

/// A switch.
#[component]
pub fn Switch(
    /// The purpose or service it controls.
    target: SwitchTarget,
    /// The id of the element that names it.
    labelled_by: String,
    /// Whether it is on.
    #[prop(into)]
    checked: Signal<bool>,
    /// Locked on (a required purpose).
    #[prop(optional)]
    locked: bool,
    /// Called when the visitor flips it.
    on_toggle: Box<dyn Fn()>,
) -> impl IntoView {
    let (purpose, service) = match target {
        SwitchTarget::Purpose(p) => (Some(p), None),
        SwitchTarget::Service(s) => (None, Some(s)),
    };
    view! {
        <button
            type="button"
            role="switch"
            class="cs-switch"
            aria-checked=move || if checked.get() { "true" } else { "false" }
            aria-disabled=locked.then_some("true")
            aria-labelledby=labelled_by
            data-purpose=purpose
            data-service=service
            on:click=move |_| if !locked { on_toggle() }
        >
            <span class="cs-switch__thumb" aria-hidden="true"></span>
        </button>
    }
}
