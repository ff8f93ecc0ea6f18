//! The first layer: an informed notice with three buttons of the same kind — accept all, reject all,
//! customize. There is no close button: dismissing is not a choice.
//!
//! Built with the DOM directly (no Leptos): the banner is what every first visit downloads before it
//! can see anything, and it changes only by appearing and disappearing.

use std::rc::Rc;

use consentry_model::choice::Layer;
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

/// Builds the banner of `texts`, its buttons calling `runtime`.
pub fn build(dom: &Dom, texts: &Texts, runtime: &Rc<Runtime>) -> Result<Banner, BrowserError> {
    let section =
        dom.el("section", &[("class", "cs-banner"), ("role", "region"), ("aria-labelledby", "cs-banner-title")])?;
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
    Ok(Banner { element: section, _listeners: listeners })
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
