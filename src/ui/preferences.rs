//! The preference center: a modal dialog listing every purpose, with save, accept all and reject all.
//! Escape closes it; Tab and Shift+Tab stay inside while it is open; focus returns to the opener
//! when it closes (`focus::restore`, called by the runtime). A Leptos view, in its own chunk (see
//! `split.rs`).

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use consentry_model::choice::Layer;
use consentry_model::contract::UiAction;
use consentry_model::i18n::TextKey;

use super::action_button::action_button;
use super::context::use_widget;
use super::controller_line::ControllerLine;
use super::purpose::PurposeItem;
use super::receipt_info::ReceiptInfo;

const FOCUSABLE: &str = "button:not([disabled]), a[href], [tabindex]:not([tabindex=\"-1\"])";

/// The preference center.
#[component]
pub fn Preferences() -> impl IntoView {
    let ctx = use_widget();
    let Some(config) = ctx.config() else { return ().into_any() };
    let dialog = NodeRef::<Div>::new();
    Effect::new(move |_| {
        if let Some(el) = dialog.get() {
            if let Some(first) = focusables(&el).into_iter().next() {
                let _ = first.focus();
            }
        }
    });
    let on_keydown = move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            ctx.act(|r| r.close_preferences());
        }
        "Tab" => {
            if let Some(el) = dialog.get_untracked() {
                trap_tab(&ev, &el);
            }
        }
        _ => {}
    };
    let purposes = config.purposes.iter().cloned().map(|p| view! { <PurposeItem purpose=p /> }).collect_view();
    // California requires showing that the opt-out preference signal was honored (§7025(c)(6)), and
    // allows saying that it overrides an earlier choice (§7025(c)(3)).
    let gpc = ctx.gpc();
    let honored = (gpc.applies && !gpc.overridden).then(|| {
        let conflict = gpc.conflict.then(|| format!(" {}", ctx.t(TextKey::GpcConflict)));
        view! { <p class="cs-text cs-gpc" role="note" data-gpc="honored">{ctx.t(TextKey::GpcHonored)}{conflict}</p> }
    });
    view! {
        <div class="cs-backdrop">
            <div
                node_ref=dialog
                class="cs-dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="cs-prefs-title"
                on:keydown=on_keydown
            >
                <div class="cs-dialog__head">
                    <h2 id="cs-prefs-title" class="cs-title">{ctx.t(TextKey::PreferencesTitle)}</h2>
                    <button type="button" class="cs-close" data-action=UiAction::Close.as_str()
                        aria-label=ctx.t(TextKey::Close) on:click=move |_| ctx.act(|r| r.close_preferences())>
                        <span aria-hidden=super::context::TRUE>"×"</span>
                    </button>
                </div>
                <div class="cs-dialog__body">
                    <p class="cs-text">{ctx.t(TextKey::PreferencesBody)}</p>
                    {honored}
                    <p class="cs-text">{ctx.t(TextKey::WithdrawNote)}</p>
                    <ControllerLine />
                    <ul class="cs-purposes">{purposes}</ul>
                    <ReceiptInfo />
                </div>
                <div class="cs-actions">
                    {action_button(UiAction::Save, ctx.t(TextKey::Save), move || ctx.act(|r| r.save()))}
                    {action_button(UiAction::AcceptAll, ctx.t(TextKey::AcceptAll), move || ctx.act(|r| r.accept_all(Layer::Preferences)))}
                    {action_button(UiAction::RejectAll, ctx.t(TextKey::RejectAll), move || ctx.act(|r| r.reject_all(Layer::Preferences)))}
                </div>
            </div>
        </div>
    }
    .into_any()
}

fn focusables(container: &web_sys::HtmlElement) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = container.query_selector_all(FOCUSABLE) else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into().ok()).collect()
}

/// Keeps Tab inside the dialog: from the last element to the first, Shift+Tab from the first to the last.
fn trap_tab(ev: &web_sys::KeyboardEvent, dialog: &web_sys::HtmlElement) {
    let items = focusables(dialog);
    let (Some(first), Some(last)) = (items.first(), items.last()) else { return };
    let active = dialog.get_root_node().dyn_into::<web_sys::ShadowRoot>().ok().and_then(|root| root.active_element());
    let at = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>());
    let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
    if ev.shift_key() && (at(first) || !inside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (at(last) || !inside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}
