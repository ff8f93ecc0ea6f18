//! Writing scripts into a strict page: the loader's Trusted Types policy and the nonce.
//!
//! On a page with `require-trusted-types-for 'script'`, a script's `src` and text only take trusted
//! values. The loader (`consentry.js`) creates the one policy named `consentry` before anything
//! else can, and hands it here; it vouches for nothing but the loader's own bindings URL and the
//! exact `src` or text of a gated element already in the page (it checks the page itself), so even
//! code that got hold of it could not make it trust anything else. When the page's
//! `trusted-types` list does not allow the name, there is no policy: the widget still works if the
//! page lets it load, gated scripts cannot run, and one `consentry:` error names the directive.
//!
//! The nonce: a gated script's copy carries the original's `nonce` property (the attribute reads
//! empty once the browser has hidden it), or the loader's `data-nonce` when the site sets one.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::events;

/// What the loader knows about the page's script policy.
#[derive(Clone, Default)]
pub struct Sinks {
    policy: Option<JsValue>,
    /// Why there is no policy on a page that has Trusted Types (the loader's `createPolicy` threw).
    refused: Option<String>,
    /// `data-nonce` on the loader's tag: the nonce every gated copy gets.
    nonce: Option<String>,
    /// The loader's own nonce (its `nonce` property), for the fallback `<style>`.
    own_nonce: Option<String>,
    reported: Rc<Cell<bool>>,
}

impl Sinks {
    /// From the loader's `{ policy, refused, nonce, ownNonce }` object (absent outside the loader:
    /// the browser tests, a Leptos app).
    pub fn from_loader(security: Option<&JsValue>) -> Sinks {
        let Some(security) = security.filter(|s| s.is_object()) else { return Sinks::default() };
        let get =
            |key: &str| js_sys::Reflect::get(security, &key.into()).ok().filter(|v| !v.is_undefined() && !v.is_null());
        let text = |key: &str| get(key).and_then(|v| v.as_string()).filter(|s| !s.is_empty());
        Sinks {
            policy: get("policy"),
            refused: text("refused"),
            nonce: text("nonce"),
            own_nonce: text("ownNonce"),
            reported: Rc::new(Cell::new(false)),
        }
    }

    /// The nonce for a copy of a script whose own nonce is `original`.
    pub fn nonce_for(&self, original: String) -> Option<String> {
        self.nonce.clone().or((!original.is_empty()).then_some(original))
    }

    /// The nonce for an element of the widget's own (the fallback `<style>`).
    pub fn own_nonce(&self) -> Option<&str> {
        self.nonce.as_deref().or(self.own_nonce.as_deref())
    }

    /// Sets a script's `src` (`"src"`) or text (`"text"`) to `value`, through the policy when there is
    /// one. `Err` when the page refuses it (reported once).
    pub fn set(&self, script: &web_sys::Element, property: &str, value: &str) -> Result<(), ()> {
        let trusted = match &self.policy {
            Some(policy) => {
                let method = if property == "src" { "createScriptURL" } else { "createScript" };
                let call = js_sys::Reflect::get(policy, &method.into())
                    .and_then(|f| f.dyn_into::<js_sys::Function>())
                    .and_then(|f| f.call1(policy, &value.into()));
                match call {
                    Ok(trusted) => trusted,
                    Err(_) => return self.refuse("the consentry Trusted Types policy refused it"),
                }
            }
            None => JsValue::from_str(value),
        };
        match js_sys::Reflect::set(script, &property.into(), &trusted) {
            Ok(true) => Ok(()),
            _ => self.refuse("the page requires Trusted Types"),
        }
    }

    fn refuse(&self, why: &str) -> Result<(), ()> {
        if !self.reported.replace(true) {
            let hint = match &self.refused {
                Some(e) => format!(" (creating the policy failed: {e})"),
                None => String::new(),
            };
            events::report(&format_args!(
                "gated scripts cannot run: {why}; add `trusted-types consentry` to the page's Content-Security-Policy{hint}"
            ));
        }
        Err(())
    }
}
