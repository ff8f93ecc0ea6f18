//! Content that waits for consent, and what a withdrawal removes.
//!
//! `<script type="text/plain" data-consent="ID">` (inline or with `src`) is replaced by a live copy the
//! first time ID is granted, and never run twice; `<iframe data-consent="ID" data-src="…">` gets its
//! `src` then. ID is a purpose id or `purpose/service`. Elements added later (single-page apps) are
//! picked up by a `MutationObserver`. After a decision, cookies of services that are not granted are
//! deleted on the host and each parent domain.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::consent::Decisions;
use crate::cookies::{candidate_domains, cookie_names, CookiePattern};

/// Attribute naming the purpose (or `purpose/service`) an element waits for.
pub const ATTR_CONSENT: &str = "data-consent";
/// Marks an element the widget has already activated.
pub const ATTR_DONE: &str = "data-consentry-done";

const SCRIPT_SELECTOR: &str = "script[type=\"text/plain\"][data-consent]:not([data-consentry-done])";
const IFRAME_SELECTOR: &str = "iframe[data-consent][data-src]:not([data-consentry-done])";

fn document() -> Option<Document> {
    web_sys::window().and_then(|w| w.document())
}

/// Runs every waiting script and loads every waiting iframe whose purpose is granted.
pub fn apply(decisions: &Decisions) {
    let Some(doc) = document() else { return };
    for el in select(&doc, SCRIPT_SELECTOR) {
        if granted(&el, decisions) {
            activate_script(&doc, &el);
        }
    }
    for el in select(&doc, IFRAME_SELECTOR) {
        if granted(&el, decisions) {
            if let Some(src) = el.get_attribute("data-src") {
                let _ = el.set_attribute(ATTR_DONE, "");
                let _ = el.set_attribute("src", &src);
            }
        }
    }
}

fn granted(el: &Element, decisions: &Decisions) -> bool {
    el.get_attribute(ATTR_CONSENT).is_some_and(|id| decisions.granted(id.trim()))
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
        if matches!(name.as_str(), "type" | "data-type" | ATTR_DONE) {
            continue;
        }
        let _ = live.set_attribute(&name, &attr.value());
    }
    if let Some(t) = original.get_attribute("data-type") {
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

/// Watches the page for gated elements added later and applies `current()` to them, for as long as
/// the widget's `host` element is in the page: without the widget there is no way to withdraw, so
/// nothing new is started (fail closed).
pub fn observe(host: Element, current: impl Fn() -> Option<Decisions> + 'static) {
    let Some(doc) = document() else { return };
    let callback = Closure::<dyn FnMut()>::new(move || {
        if !host.is_connected() {
            return;
        }
        if let Some(decisions) = current() {
            apply(&decisions);
        }
    });
    let Ok(observer) = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref()) else { return };
    callback.forget();
    let init = web_sys::MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    if let Some(root) = doc.document_element() {
        let _ = observer.observe_with_options(&root, &init);
    }
}

/// Deletes every cookie whose name matches one of `patterns`, on the host and its parent domains and on
/// the root path and the current path's ancestors. Only cookies visible to the page can be deleted.
pub fn clear_cookies(patterns: &[CookiePattern]) {
    if patterns.is_empty() {
        return;
    }
    let Some(doc) = document().and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok()) else { return };
    let Ok(all) = doc.cookie() else { return };
    let location = web_sys::window().map(|w| w.location());
    let host = location.as_ref().and_then(|l| l.hostname().ok()).unwrap_or_default();
    let path = location.as_ref().and_then(|l| l.pathname().ok()).unwrap_or_else(|| "/".into());
    let mut paths = vec!["/".to_string()];
    let mut prefix = String::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        prefix.push('/');
        prefix.push_str(segment);
        paths.push(prefix.clone());
    }
    let domains = candidate_domains(&host);
    for name in cookie_names(&all).filter(|n| patterns.iter().any(|p| p.matches(n))) {
        for path in &paths {
            let _ = doc.set_cookie(&format!("{name}=; Max-Age=0; path={path}"));
            for domain in &domains {
                let _ = doc.set_cookie(&format!("{name}=; Max-Age=0; path={path}; domain={domain}"));
            }
        }
    }
}
