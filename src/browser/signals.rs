//! The vendors' consent APIs (Consent Mode v2, UET, Clarity, Meta, Matomo). Their rule lives in the
//! loader (`src/loader.js`), which must push the defaults before the WebAssembly module exists and
//! owns the page's queues (a `gtag` command is an `arguments` object, which only JavaScript makes);
//! the widget, which validated the configuration and decides, tells it what is in force.

use wasm_bindgen::JsValue;

use super::{console, events};

/// The loader's `signals` object: `{ start(config, stored, applied), update(decisions) }`.
#[derive(Clone, Default)]
pub struct Signals {
    start: Option<js_sys::Function>,
    update: Option<js_sys::Function>,
}

impl Signals {
    /// From the loader's `security.signals` (absent outside the loader).
    pub fn from_loader(security: Option<&JsValue>) -> Signals {
        let signals = security.and_then(|s| js_sys::Reflect::get(s, &"signals".into()).ok()).filter(JsValue::is_object);
        let Some(signals) = signals else { return Signals::default() };
        let get = |key: &str| {
            js_sys::Reflect::get(&signals, &key.into()).ok().and_then(|f| wasm_bindgen::JsCast::dyn_into(f).ok())
        };
        Signals { start: get("start"), update: get("update") }
    }

    /// At start-up, before gated content runs: the configuration's JSON text, the decisions of the
    /// stored choice in force (if any) and the decisions in force, each as `{purposes, services}` JSON.
    /// The loader checks the defaults it pushed against them and corrects the page if they differ.
    pub fn start(&self, config: &str, stored: Option<&str>, applied: &str) {
        let Some(start) = &self.start else {
            events::report(&"the configuration signals vendors' consent APIs (`integrations`), which needs the loader consentry-signals.js: this page embeds consentry.js, so no default or update reaches the vendors' tags (README \"Consent Mode and vendor signals\")");
            return;
        };
        let args = [config, stored.unwrap_or(""), applied].map(JsValue::from);
        report_failure(start.call3(&JsValue::NULL, &args[0], &args[1], &args[2]));
    }

    /// After a decision or a withdrawal: the decisions now in force.
    pub fn decided(&self, decisions: &str) {
        // Without the signals loader, `start` has said so once.
        if let Some(update) = &self.update {
            report_failure(update.call1(&JsValue::NULL, &decisions.into()));
        }
    }
}

fn report_failure(result: Result<JsValue, JsValue>) {
    if let Err(e) = result {
        console::warn(&format!("a vendor consent signal failed: {}", super::error::BrowserError::from(e)));
    }
}
