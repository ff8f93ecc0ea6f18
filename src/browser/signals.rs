//! The vendors' consent APIs (Consent Mode v2, UET, Clarity, Meta, Matomo): hands the commands that
//! [`consentry_model::signals`] computes to the loader, which owns the page's queues (a `gtag` command
//! must be pushed as an `arguments` object, which only JavaScript can make).
//!
//! The loader pushed the defaults before any tag ran; at start-up the widget recomputes them and, if
//! they differ (a stored record the loader accepted but the widget does not, a configuration that was
//! not inline), puts the page right with an update, before gated content runs.

use consentry_model::config::Config;
use consentry_model::consent::Decisions;
use consentry_model::json::Value;
use consentry_model::signals;
use wasm_bindgen::JsValue;

use super::console;

/// The loader's `signals` object: `{ apply(json), pushed }`.
#[derive(Clone, Default)]
pub struct Signals {
    apply: Option<js_sys::Function>,
    /// The JSON of the commands the loader pushed, if it pushed any.
    pushed: Option<String>,
}

impl Signals {
    /// From the loader's `security.signals` (absent outside the loader).
    pub fn from_loader(security: Option<&JsValue>) -> Signals {
        let Some(signals) = security
            .filter(|s| s.is_object())
            .and_then(|s| js_sys::Reflect::get(s, &"signals".into()).ok())
            .filter(JsValue::is_object)
        else {
            return Signals::default();
        };
        let get = |key: &str| js_sys::Reflect::get(&signals, &key.into()).ok();
        Signals {
            apply: get("apply").and_then(|f| wasm_bindgen::JsCast::dyn_into(f).ok()),
            pushed: get("pushed").and_then(|p| p.as_string()),
        }
    }

    /// At start-up: checks the loader's defaults against the widget's rule (`stored`: the decisions of
    /// the stored choice in force, if any) and corrects the page if they differ.
    pub fn start(&self, config: &Config, stored: Option<&Decisions>, applied: &Decisions) {
        if !config.integrations.any() {
            return;
        }
        let expected = Value::Array(signals::defaults(config, stored)).to_string();
        match &self.pushed {
            Some(pushed) if *pushed == expected => {}
            Some(_) => {
                console::warn(
                    "the consent defaults the loader set differ from the widget's rule; correcting them with an update",
                );
                self.send(&signals::updates(config, applied));
            }
            None => {
                console::warn(
                    "the vendors' consent defaults were set late, after the page's tags could read them: put the configuration inline (<script type=\"application/json\" id=\"consentry-config\">) before consentry.js",
                );
                self.send(&signals::defaults(config, stored));
            }
        }
    }

    /// After a decision or a withdrawal.
    pub fn decided(&self, config: &Config, decisions: &Decisions) {
        if config.integrations.any() {
            self.send(&signals::updates(config, decisions));
        }
    }

    fn send(&self, commands: &[Value]) {
        let Some(apply) = &self.apply else {
            console::warn(
                "vendor consent signals need consentry.js (the loader owns the page's queues); none were sent",
            );
            return;
        };
        let json = Value::Array(commands.to_vec()).to_string();
        if let Err(e) = apply.call1(&JsValue::NULL, &json.into()) {
            console::warn(&format!("a vendor consent signal failed: {}", super::error::BrowserError::from(e)));
        }
    }
}
