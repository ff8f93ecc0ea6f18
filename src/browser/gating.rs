//! Content that waits for consent.
//!
//! `<script type="text/plain" data-consent="ID">` (inline or with `src`) is replaced by a live copy the
//! first time ID is granted, and never run twice; `<iframe data-consent="ID" data-src="…">` gets its
//! `src` then. ID is a purpose id or `purpose/service` ([`Target`]); anything else is never granted.
//! Elements added later (single-page apps) are picked up by a `MutationObserver`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use consentry_model::consent::Decisions;
use consentry_model::contract::{ATTR_CONSENT, ATTR_DONE, ATTR_SRC, ATTR_TYPE, GATED_IFRAMES, GATED_SCRIPTS};
use consentry_model::Target;

use super::error::{document, BrowserError};

/// Runs every waiting script and loads every waiting iframe whose purpose is granted.
pub fn apply(decisions: &Decisions) {
    let Ok(doc) = document() else { return };
    for el in select(&doc, GATED_SCRIPTS) {
        if granted(&el, decisions) {
            activate_script(&doc, &el);
        }
    }
    for el in select(&doc, GATED_IFRAMES) {
        if granted(&el, decisions) {
            if let Some(src) = el.get_attribute(ATTR_SRC) {
                let _ = el.set_attribute(ATTR_DONE, "");
                let _ = el.set_attribute("src", &src);
            }
        }
    }
}

/// Whether the element's `data-consent` names a granted target (parsed here, at the edge).
fn granted(el: &Element, decisions: &Decisions) -> bool {
    el.get_attribute(ATTR_CONSENT)
        .and_then(|id| id.trim().parse::<Target>().ok())
        .is_some_and(|t| decisions.granted(&t))
}

fn select(doc: &Document, selector: &str) -> Vec<Element> {
    let Ok(list) = doc.query_selector_all(selector) else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into::<Element>().ok()).collect()
}

/// Replaces a gated script by a live copy: same attributes but `type` (taken from `data-type` if set)
/// and the same text. The original stays, marked done, so it never runs twice.
fn activate_script(doc: &Document, original: &Element) {
    let _ = original.set_attribute(ATTR_DONE, "");
    let Ok(live) = doc.create_element("script") else { return };
    let attrs = original.attributes();
    for i in 0..attrs.length() {
        let Some(attr) = attrs.item(i) else { continue };
        let name = attr.name();
        if matches!(name.as_str(), "type" | ATTR_TYPE | ATTR_DONE) {
            continue;
        }
        let _ = live.set_attribute(&name, &attr.value());
    }
    if let Some(t) = original.get_attribute(ATTR_TYPE) {
        let _ = live.set_attribute("type", &t);
    }
    if let Some(script) = live.dyn_ref::<web_sys::HtmlScriptElement>() {
        // Keep document order between several gated external scripts.
        script.set_async(false);
    }
    live.set_text_content(original.text_content().as_deref());
    if let Some(parent) = original.parent_node() {
        let _ = parent.insert_before(&live, original.next_sibling().as_ref());
    }
}

/// The watch on late gated elements; dropping it disconnects the observer.
pub struct Observer {
    observer: web_sys::MutationObserver,
    _callback: Closure<dyn FnMut()>,
}

impl Drop for Observer {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Watches the page for gated elements added later and applies `current()` to them, for as long as
/// the widget's `host` element is in the page: without the widget there is no way to withdraw, so
/// nothing new is started (fail closed).
pub fn observe(host: Element, current: impl Fn() -> Option<Decisions> + 'static) -> Result<Observer, BrowserError> {
    let doc = document()?;
    let callback = Closure::<dyn FnMut()>::new(move || {
        if !host.is_connected() {
            return;
        }
        if let Some(decisions) = current() {
            apply(&decisions);
        }
    });
    let observer = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref())?;
    let init = web_sys::MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    let root = doc.document_element().ok_or(BrowserError::Unexpected("the document has no root element"))?;
    observer.observe_with_options(&root, &init)?;
    Ok(Observer { observer, _callback: callback })
}
