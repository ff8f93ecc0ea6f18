//! Content that waits for consent.
//!
//! `<script type="text/plain" data-consent="ID">` (inline or with `src`) is replaced by a live copy the
//! first time ID is granted, and never run twice; `<iframe data-consent="ID" data-src="…">` gets its
//! `src` then. ID is a purpose id or `purpose/service` ([`Target`]); anything else is never granted.
//! Elements added later (single-page apps) are picked up by a `MutationObserver`.
//!
//! Only what can be trusted is activated: a `src`/`data-src` must be an `http:` or `https:` URL
//! (never `javascript:`, `data:` or `blob:`), a `data-type` a script type; a refused element is
//! marked `data-consentry-done="refused"` and a warning says why. Markup marked for gating that is not
//! inert (a script without `type="text/plain"`, an iframe with `src`) already ran: it gets a warning.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use consentry_model::consent::Decisions;
use consentry_model::contract::{
    loadable_protocol, runnable_script_type, ATTR_CONSENT, ATTR_DONE, ATTR_SRC, ATTR_TYPE, GATED_IFRAMES,
    GATED_SCRIPTS, MISGATED,
};
use consentry_model::Target;

use super::console;
use super::error::{document, BrowserError};
use super::sinks::Sinks;

/// Runs every waiting script and loads every waiting iframe whose purpose is granted; warns once
/// about each element that is marked for gating but not inert (it runs without consent).
pub fn apply(decisions: &Decisions, sinks: &Sinks) {
    apply_in(decisions, sinks, &wasm_bindgen::JsValue::UNDEFINED);
}

/// [`apply`] to the gated elements inside `root`: an element, a shadow root, or anything else for the
/// whole document.
pub fn apply_in(decisions: &Decisions, sinks: &Sinks, root: &wasm_bindgen::JsValue) {
    let Ok(doc) = document() else { return };
    // Anything with `querySelectorAll` (an element, a shadow root, the document itself), else the document.
    let query_of = |node: &wasm_bindgen::JsValue| {
        js_sys::Reflect::get(node, &"querySelectorAll".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    };
    let (root, query) = match query_of(root) {
        Some(query) => (root.clone(), query),
        None => {
            let doc: wasm_bindgen::JsValue = doc.clone().into();
            let Some(query) = query_of(&doc) else { return };
            (doc, query)
        }
    };
    let select = |selector: &str| -> Vec<Element> {
        let list = query.call1(&root, &selector.into()).ok().and_then(|l| l.dyn_into::<web_sys::NodeList>().ok());
        let Some(list) = list else { return Vec::new() };
        (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into::<Element>().ok()).collect()
    };
    for el in select(MISGATED) {
        let _ = el.set_attribute(ATTR_DONE, "misgated");
        let fix = if el.tag_name().eq_ignore_ascii_case("iframe") {
            "an iframe needs data-src instead of src"
        } else {
            "a script needs type=\"text/plain\" (its own type goes in data-type)"
        };
        console::warn(&format!("{} runs before any consent: {fix}", describe(&el)));
    }
    for el in select(GATED_SCRIPTS) {
        if granted(&el, decisions) {
            activate_script(&doc, &el, sinks);
        }
    }
    for el in select(GATED_IFRAMES) {
        if granted(&el, decisions) {
            if let Some(src) = el.get_attribute(ATTR_SRC) {
                if loadable(&doc, &el, ATTR_SRC, &src) {
                    let _ = el.set_attribute(ATTR_DONE, "");
                    let _ = el.set_attribute("src", &src);
                }
            }
        }
    }
}

/// `<script data-consent="analytics">`, to name an element in a warning.
fn describe(el: &Element) -> String {
    let id = el.get_attribute(ATTR_CONSENT).unwrap_or_default();
    format!("<{} {ATTR_CONSENT}=\"{id}\">", el.tag_name().to_ascii_lowercase())
}

/// Whether `url` (the element's `attr`) is an `http:` or `https:` URL once resolved against the page;
/// if not, the element is marked refused and a warning says why. The browser's own parser decides,
/// so no spelling (`java\tscript:`, upper case, entities) gets past it.
fn loadable(doc: &Document, el: &Element, attr: &str, url: &str) -> bool {
    let base = doc.base_uri().ok().flatten().unwrap_or_default();
    let protocol = web_sys::Url::new_with_base(url, &base).map(|u| u.protocol()).unwrap_or_default();
    if loadable_protocol(&protocol) {
        return true;
    }
    let _ = el.set_attribute(ATTR_DONE, "refused");
    let scheme = if protocol.is_empty() { "an unparsable URL".to_string() } else { format!("a {protocol} URL") };
    console::warn(&format!(
        "{} is not activated: its {attr} is {scheme}; only http: and https: URLs load",
        describe(el)
    ));
    false
}

/// Whether the element's `data-consent` names a granted target (parsed here, at the edge).
fn granted(el: &Element, decisions: &Decisions) -> bool {
    el.get_attribute(ATTR_CONSENT)
        .and_then(|id| id.trim().parse::<Target>().ok())
        .is_some_and(|t| decisions.granted(&t))
}

/// Replaces a gated script by a live copy: same attributes but `type` (taken from `data-type` if set)
/// and the same text. The original stays, marked done, so it never runs twice.
fn activate_script(doc: &Document, original: &Element, sinks: &Sinks) {
    let data_type = original.get_attribute(ATTR_TYPE);
    if !runnable_script_type(data_type.as_deref()) {
        let _ = original.set_attribute(ATTR_DONE, "refused");
        let t = data_type.unwrap_or_default();
        console::warn(&format!(
            "{} is not activated: {ATTR_TYPE}=\"{t}\" is not a script type (leave it out, or use text/javascript or module)",
            describe(original)
        ));
        return;
    }
    let src = original.get_attribute("src");
    if let Some(src) = &src {
        if !loadable(doc, original, "src", src) {
            return;
        }
    }
    let _ = original.set_attribute(ATTR_DONE, "");
    let Ok(live) = doc.create_element("script") else { return };
    let attrs = original.attributes();
    for i in 0..attrs.length() {
        let Some(attr) = attrs.item(i) else { continue };
        let name = attr.name();
        // `src` and the text are script sinks (below); the nonce attribute reads empty once hidden.
        if matches!(name.as_str(), "type" | "src" | "nonce" | ATTR_TYPE | ATTR_DONE) {
            continue;
        }
        let _ = live.set_attribute(&name, &attr.value());
    }
    if let Some(t) = data_type {
        let _ = live.set_attribute("type", &t);
    }
    // The copy is the widget's: neither gated again nor taken for misgated markup.
    let _ = live.set_attribute(ATTR_DONE, "copy");
    if let Some(script) = live.dyn_ref::<web_sys::HtmlScriptElement>() {
        // Keep document order between several gated external scripts.
        script.set_async(false);
        let own = original.dyn_ref::<web_sys::HtmlElement>().map(|o| o.nonce()).unwrap_or_default();
        if let Some(nonce) = sinks.nonce_for(own) {
            script.set_nonce(&nonce);
        }
    }
    let text = original.text_content().unwrap_or_default();
    let written = src.as_ref().map_or(Ok(()), |src| sinks.set(&live, "src", src)).and_then(|()| {
        if text.is_empty() {
            Ok(())
        } else {
            sinks.set(&live, "text", &text)
        }
    });
    if written.is_err() {
        let _ = original.set_attribute(ATTR_DONE, "refused");
        return;
    }
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

/// Watches the page for gated elements added later and applies `current()` to them, and keeps the
/// widget's `host` element in the page (a page script that removes it gets it back at once: without
/// it there would be no way to withdraw). If it cannot be put back, nothing new is started (fail
/// closed).
pub fn observe(
    host: Element,
    sinks: Sinks,
    current: impl Fn() -> Option<Decisions> + 'static,
) -> Result<Observer, BrowserError> {
    let doc = document()?;
    let page = doc.clone();
    let callback = Closure::<dyn FnMut()>::new(move || {
        // A single-page app that owns <body> may replace its children, the widget's host with them:
        // put it back, first in <body>, so the notice and the persistent control never go away.
        if !host.is_connected() {
            let Some(body) = page.body() else { return };
            if body.insert_before(&host, body.first_child().as_ref()).is_err() {
                return;
            }
        }
        if let Some(decisions) = current() {
            apply(&decisions, &sinks);
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
