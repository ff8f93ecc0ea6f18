//! The root component: provides the context and shows the surface in force, plus the persistent
//! control unless the owner hid it.
//!
//! The preference center comes from its own chunk ([`split::preferences`]): each time the surface
//! becomes the preference center, its view is asked for and shown when it arrives (the first time,
//! once the chunk is downloaded; afterwards one microtask later). Until then the banner stays if a
//! choice is due, so its three buttons keep working; if the chunk cannot be loaded, the error is
//! reported and the preference center closes again. When the banner is shown, the chunk is fetched in
//! the background once the browser is idle, so Customize normally opens at once.

use leptos::prelude::*;

use consentry_model::i18n;
use consentry_model::surface::Surface;

use super::banner::Banner;
use super::context::WidgetCtx;
use super::floating::Floating;
use super::split;
use crate::browser::events;

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
    // The preference center's view, from its chunk; `arrived` counts the views delivered. Each view is
    // built under its own child owner, kept while it is open and dropped (ending its effects) when the
    // preference center closes.
    let loaded = StoredValue::new_local(None::<AnyView>);
    let view_owner = StoredValue::new_local(None::<Owner>);
    let arrived = RwSignal::new(0u32);
    // Which opening a view belongs to: one that arrives after the center was closed (or reopened) is dropped.
    let opening = StoredValue::new_local(0u32);
    let parent = Owner::current();
    Effect::new(move |_| {
        opening.update_value(|n| *n += 1);
        if surface.get() != Surface::Preferences {
            view_owner.set_value(None);
            return;
        }
        let Some(owner) = parent.as_ref().map(Owner::child) else { return };
        view_owner.set_value(Some(owner.clone()));
        let mine = opening.get_value();
        leptos::task::spawn_local(async move {
            match split::preferences(owner).await {
                Ok(view) if opening.try_get_value() == Some(mine) => {
                    loaded.set_value(Some(view));
                    arrived.update(|n| *n += 1);
                }
                Ok(_) => {}
                Err(e) => {
                    events::report(&e);
                    ctx.act(|r| r.close_preferences());
                }
            }
        });
    });
    let banner_due = move || ctx.act_with(|r| r.banner_due()).unwrap_or(false);
    // A visitor who sees the banner may press Customize: have its chunk ready by then.
    if banner_due() {
        split::prefetch_preferences();
    }
    view! {
        <div class=ui.theme.class() lang=lang dir=dir>
            {move || {
                arrived.track();
                match surface.get() {
                    Surface::Banner => view! { <Banner /> }.into_any(),
                    Surface::Preferences => match loaded.try_update_value(Option::take).flatten() {
                        Some(view) => view,
                        None if banner_due() => view! { <Banner /> }.into_any(),
                        None => ().into_any(),
                    },
                    Surface::Closed => ().into_any(),
                }
            }}
            {ui.floating_button.class().map(|class| view! { <Floating class=class /> })}
        </div>
    }
}
