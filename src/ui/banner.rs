//! The first layer: an informed notice with three buttons of the same kind — accept all, reject all,
//! customize. There is no close button: dismissing is not a choice.
//!
//! Built with the DOM directly (no Leptos): the banner is what every first visit downloads before it
//! can see anything, and it changes only by appearing and disappearing.

use std::rc::Rc;

use wasm_bindgen::JsCast;

use consentry_model::choice::Layer;
use consentry_model::config::BannerMode;
use consentry_model::contract::{UiAction, ATTR_ACTION};
use consentry_model::i18n::TextKey;

use super::dom::{append, Dom};
use super::gesture;
use super::texts::Texts;
use crate::browser::error::BrowserError;
use crate::browser::listener::Listener;
use crate::browser::runtime::Runtime;

/// The banner's element and the listeners of its buttons (removed when dropped).
pub struct Banner {
    /// The `<section>`, attached to the widget while the banner shows.
    pub element: web_sys::HtmlElement,
    _listeners: Vec<Listener>,
}

/// A banner button: what it does (its `data-action`), its label, whether it is a decision (then
/// only the visitor's own click counts, see `gesture.rs`), and the runtime call it makes.
type Button = (UiAction, TextKey, bool, fn(&Runtime));

/// Builds the banner of `texts`, its buttons calling `runtime`: a labelled region, or in the
/// blocking mode a modal dialog that keeps Tab and Shift+Tab among its own controls.
pub fn build(dom: &Dom, texts: &Texts, runtime: &Rc<Runtime>) -> Result<Banner, BrowserError> {
    let blocking = texts.config().ui.mode == BannerMode::Blocking;
    let section = if blocking {
        dom.el(
            "section",
            &[
                ("class", "cs-banner cs-banner--blocking"),
                ("role", "dialog"),
                ("aria-modal", "true"),
                ("aria-labelledby", "cs-banner-title"),
            ],
        )?
    } else {
        dom.el("section", &[("class", "cs-banner"), ("role", "region"), ("aria-labelledby", "cs-banner-title")])?
    };
    let list = dom.el("ul", &[("class", "cs-list")])?;
    for purpose in &texts.config().purposes {
        let item = dom.el("li", &[])?;
        append(&item, &[&dom.text_el("strong", &[], texts.text(&purpose.name))?])?;
        if purpose.required {
            dom.text(&item, &format!(" ({})", texts.t(TextKey::AlwaysActive)))?;
        }
        list.append_child(&item)?;
    }
    let actions = dom.el("div", &[("class", "cs-actions")])?;
    let mut listeners = Vec::with_capacity(3);
    let buttons: [Button; 3] = [
        (UiAction::AcceptAll, TextKey::AcceptAll, true, |r| r.accept_all(Layer::Banner)),
        (UiAction::RejectAll, TextKey::RejectAll, true, |r| r.reject_all(Layer::Banner)),
        (UiAction::Customize, TextKey::Customize, false, Runtime::open_preferences),
    ];
    for (action, label, decides, act) in buttons {
        let button = action_button(dom, action, &texts.t(label))?;
        let runtime = Rc::downgrade(runtime);
        listeners.push(Listener::new(&button, "click", move |event| {
            if decides && !gesture::by_visitor(&event, action.as_str()) {
                return;
            }
            if let Some(runtime) = runtime.upgrade() {
                act(&runtime);
            }
        })?);
        actions.append_child(&button)?;
    }
    append(
        &section,
        &[
            &dom.text_el("h2", &[("id", "cs-banner-title"), ("class", "cs-title")], &texts.t(TextKey::BannerTitle))?,
            &dom.text_el("p", &[("class", "cs-text")], &texts.t(TextKey::BannerBody))?,
            &dom.text_el("h3", &[("class", "cs-subtitle")], &texts.t(TextKey::PurposesHeading))?,
            &list,
            &dom.text_el("p", &[("class", "cs-text")], &texts.t(TextKey::WithdrawNote))?,
            &controller_line(dom, texts)?,
            &actions,
        ],
    )?;
    if blocking {
        let dialog = section.clone();
        listeners.push(Listener::new(&section, "keydown", move |event| {
            if let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() {
                if key.key() == "Tab" {
                    keep_tab_inside(key, &dialog);
                }
            }
        })?);
    }
    Ok(Banner { element: section, _listeners: listeners })
}

/// Tab from the last control goes to the first, Shift+Tab from the first to the last.
fn keep_tab_inside(event: &web_sys::KeyboardEvent, dialog: &web_sys::HtmlElement) {
    let Ok(list) = dialog.query_selector_all("button, a[href]") else { return };
    let items: Vec<web_sys::HtmlElement> =
        (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into().ok()).collect();
    let (Some(first), Some(last)) = (items.first(), items.last()) else { return };
    let root = dialog.get_root_node().dyn_into::<web_sys::ShadowRoot>().ok();
    let active = root.and_then(|r| r.active_element());
    let at = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>());
    if event.shift_key() && at(first) {
        event.prevent_default();
        let _ = last.focus();
    } else if !event.shift_key() && at(last) {
        event.prevent_default();
        let _ = first.focus();
    }
}

/// A button of the widget: every button shares one class, so accept and reject cannot be styled apart.
fn action_button(dom: &Dom, action: UiAction, label: &str) -> Result<web_sys::HtmlElement, BrowserError> {
    dom.text_el("button", &[("type", "button"), ("class", "cs-btn"), (ATTR_ACTION, action.as_str())], label)
}

/// Who asks: the controller's name, contact and policy link (the preference center adds the address).
fn controller_line(dom: &Dom, texts: &Texts) -> Result<web_sys::HtmlElement, BrowserError> {
    let c = &texts.config().controller;
    let line = dom.el("p", &[("class", "cs-meta")])?;
    dom.text(&line, &format!("{}: {} · {}: ", texts.t(TextKey::Controller), c.name, texts.t(TextKey::Contact)))?;
    append(&line, &[&dom.text_el("a", &[("href", &format!("mailto:{}", c.contact))], &c.contact)?])?;
    dom.text(&line, " · ")?;
    let policy = texts.t(TextKey::PolicyLink);
    append(
        &line,
        &[&dom.text_el("a", &[("href", &c.policy_url), ("target", "_blank"), ("rel", "noopener")], &policy)?],
    )?;
    Ok(line)
}
