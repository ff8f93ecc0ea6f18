//! The root component: provides the context and shows the surface in force, plus the persistent
//! control unless the owner hid it.

use leptos::prelude::*;

use consentry_model::i18n;
use consentry_model::surface::Surface;

use super::banner::Banner;
use super::context::WidgetCtx;
use super::floating::Floating;
use super::preferences::Preferences;

/// The root component.
#[component]
pub fn Widget(
    /// The running widget and its state.
    ctx: WidgetCtx,
) -> impl IntoView {
    provide_context(ctx);
    let lang = ctx.language();
    let dir = if i18n::is_rtl(&lang) { "rtl" } else { "ltr" };
    let ui = ctx.config().map(|c| c.ui.clone()).unwrap_or_default();
    let surface = ctx.ui.surface;
    view! {
        <div class=ui.theme.class() lang=lang dir=dir>
            {move || match surface.get() {
                Surface::Banner => view! { <Banner /> }.into_any(),
                Surface::Preferences => view! { <Preferences /> }.into_any(),
                Surface::Closed => ().into_any(),
            }}
            {ui.floating_button.class().map(|class| view! { <Floating class=class /> })}
        </div>
    }
}
