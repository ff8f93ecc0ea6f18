//! The persistent control: a small floating button that reopens the preference center at any time.

use leptos::prelude::*;

use consentry_model::contract::UiAction;
use consentry_model::i18n::TextKey;
use consentry_model::surface::Surface;

use super::context::use_widget;

/// The floating button, shown whenever the banner and the preference center are not.
#[component]
pub fn Floating(
    /// Its classes, which place it (from `FloatingButton::class`).
    class: &'static str,
) -> impl IntoView {
    let ctx = use_widget();
    let label = ctx.t(TextKey::OpenPreferences);
    let surface = ctx.ui.surface;
    view! {
        <button
            type="button"
            class=class
            data-action=UiAction::OpenPreferences.as_str()
            aria-label=label.clone()
            title=label
            hidden=move || surface.get() != Surface::Closed
            on:click=move |_| ctx.act(|r| r.open_preferences())
        >
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
                <path fill="currentColor" d="M12 2a10 10 0 1 0 10 10 4 4 0 0 1-5-5 4 4 0 0 1-5-5zm-4.5 9a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm3-4a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm2 8a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm4-2a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3z"/>
            </svg>
        </button>
    }
}
