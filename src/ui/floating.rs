//! The persistent control: a small floating button that reopens the preference center at any time.
//! Built with the DOM directly, like the banner: it is on every page, choice or not.

use std::rc::Rc;

use consentry_model::contract::{UiAction, ATTR_ACTION};
use consentry_model::i18n::TextKey;

use super::dom::Dom;
use super::texts::Texts;
use crate::browser::error::BrowserError;
use crate::browser::listener::Listener;
use crate::browser::runtime::Runtime;

const ICON: &str = "M12 2a10 10 0 1 0 10 10 4 4 0 0 1-5-5 4 4 0 0 1-5-5zm-4.5 9a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm3-4a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm2 8a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm4-2a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3z";

/// The floating button, shown whenever the banner and the preference center are not.
pub struct Floating {
    /// The `<button>`.
    pub element: web_sys::HtmlElement,
    _listener: Listener,
}

impl Floating {
    /// Shows or hides the button.
    pub fn show(&self, shown: bool) {
        self.element.set_hidden(!shown);
    }
}

/// Builds the button with `class` (from `FloatingButton::class`, which places it).
pub fn build(dom: &Dom, texts: &Texts, runtime: &Rc<Runtime>, class: &str) -> Result<Floating, BrowserError> {
    let label = texts.t(TextKey::OpenPreferences);
    let button = dom.el(
        "button",
        &[
            ("type", "button"),
            ("class", class),
            (ATTR_ACTION, UiAction::OpenPreferences.as_str()),
            ("aria-label", &label),
            ("title", &label),
        ],
    )?;
    let svg = dom.svg(
        "svg",
        &[("viewBox", "0 0 24 24"), ("width", "22"), ("height", "22"), ("aria-hidden", "true"), ("focusable", "false")],
    )?;
    let path = dom.svg("path", &[("fill", "currentColor"), ("d", ICON)])?;
    svg.append_child(&path)?;
    button.append_child(&svg)?;
    let runtime = Rc::downgrade(runtime);
    let listener = Listener::new(&button, "click", move |_| {
        if let Some(runtime) = runtime.upgrade() {
            runtime.open_preferences();
        }
    })?;
    Ok(Floating { element: button, _listener: listener })
}
