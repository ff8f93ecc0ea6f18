//! The consent signals sent to vendors' own consent APIs: what the page's command queues receive
//! before any tag runs (the defaults) and after every decision (the updates).
//!
//! Each signal is a command for one queue, as a JSON array whose first element names the queue:
//!
//! | queue       | applied as                                   | example                                            |
//! |-------------|----------------------------------------------|----------------------------------------------------|
//! | `gtag`      | `dataLayer.push(arguments)` (the gtag shim)  | `["gtag","consent","update",{"ad_storage":"denied",…}]` |
//! | `dataLayer` | `dataLayer.push(object)`                     | `["dataLayer",{"event":"consentry_consent_update",…}]` |
//! | `uetq`      | `uetq.push(…rest)`                           | `["uetq","consent","update",{"ad_storage":"granted"}]` |
//! | `fbq`       | `fbq(…rest)`                                 | `["fbq","consent","revoke"]`                       |
//! | `clarity`   | `clarity(…rest)`                             | `["clarity","consentv2",{"ad_Storage":"denied",…}]` |
//! | `_paq`      | `_paq.push(rest[0])`                         | `["_paq",["forgetConsentGiven"]]`                  |
//!
//! The synchronous loader (`src/loader.js`) computes the defaults itself, before the WebAssembly
//! module exists, from the inline configuration and the stored record; [`defaults`] is the same rule
//! in Rust, and the widget compares the two at start-up and corrects the page if they differ.

use crate::config::{Config, ConsentMode, ConsentType, MatomoMode};
use crate::consent::Decisions;
use crate::json::Value;
use crate::target::Target;

/// The `dataLayer` event pushed after every update, for tag-manager triggers.
pub const UPDATE_EVENT: &str = "consentry_consent_update";

fn state(granted: bool) -> Value {
    Value::str(if granted { "granted" } else { "denied" })
}

/// The seven Consent Mode types under `decisions`: a type is granted when at least one target maps
/// it and every target that maps it is granted (a required purpose always is).
pub fn consent_state(mode: &ConsentMode, decisions: &Decisions) -> Vec<(ConsentType, bool)> {
    ConsentType::ALL
        .into_iter()
        .map(|t| {
            let mut targets = mode.map.iter().filter(|(_, types)| types.contains(&t)).map(|(target, _)| target);
            let mut any = false;
            let all = targets.all(|target| {
                any = true;
                decisions.granted(target)
            });
            (t, any && all)
        })
        .collect()
}

fn consent_object(types: &[(ConsentType, bool)], extra: Vec<(&str, Value)>) -> Value {
    let mut members: Vec<(String, Value)> = types.iter().map(|(t, on)| (t.name().to_string(), state(*on))).collect();
    members.extend(extra.into_iter().map(|(k, v)| (k.to_string(), v)));
    Value::Object(members)
}

fn command(queue: &str, args: impl IntoIterator<Item = Value>) -> Value {
    Value::Array(std::iter::once(Value::str(queue)).chain(args).collect())
}

fn gtag(args: impl IntoIterator<Item = Value>) -> Value {
    command("gtag", args)
}

/// What the page's queues receive before any tag runs: `stored` is the decisions of a valid stored
/// choice (then Google's tags do not wait), `None` when there is none (everything optional denied,
/// region defaults first, then the fallback with `wait_for_update`).
pub fn defaults(config: &Config, stored: Option<&Decisions>) -> Vec<Value> {
    let none = Decisions::none(config);
    let decisions = stored.unwrap_or(&none);
    let mut out = Vec::new();
    if let Some(mode) = &config.integrations.google_consent_mode {
        if mode.ads_data_redaction {
            out.push(gtag([Value::str("set"), Value::str("ads_data_redaction"), Value::Bool(true)]));
        }
        if mode.url_passthrough {
            out.push(gtag([Value::str("set"), Value::str("url_passthrough"), Value::Bool(true)]));
        }
        let base = consent_state(mode, decisions);
        let consent_default = |object| gtag([Value::str("consent"), Value::str("default"), object]);
        if stored.is_some() {
            out.push(consent_default(consent_object(&base, Vec::new())));
        } else {
            let wait = || ("wait_for_update", Value::uint(u64::from(mode.wait_for_update)));
            for region in &mode.regions {
                let types: Vec<(ConsentType, bool)> =
                    base.iter().map(|(t, on)| (*t, *on || region.granted.contains(t))).collect();
                let codes = Value::Array(region.region.iter().map(Value::str).collect());
                out.push(consent_default(consent_object(&types, vec![("region", codes), wait()])));
            }
            out.push(consent_default(consent_object(&base, vec![wait()])));
        }
    }
    out.extend(vendor_signals(config, decisions, Phase::Default));
    out
}

/// What the page's queues receive after a decision or a withdrawal, in this order: Consent Mode's
/// update with all seven types, each vendor's update, then the `consentry_consent_update` event so
/// tag-manager triggers run with every signal already in place.
pub fn updates(config: &Config, decisions: &Decisions) -> Vec<Value> {
    let mut out = Vec::new();
    let mode = config.integrations.google_consent_mode.as_ref();
    if let Some(mode) = mode {
        let object = consent_object(&consent_state(mode, decisions), Vec::new());
        out.push(gtag([Value::str("consent"), Value::str("update"), object]));
    }
    out.extend(vendor_signals(config, decisions, Phase::Update));
    if mode.is_some() {
        let flags = |entries: Vec<(String, bool)>| Value::flags(entries);
        let purposes = flags(decisions.purposes().iter().map(|(k, on)| (k.to_string(), *on)).collect());
        let services = flags(decisions.services().iter().map(|(k, on)| (k.to_string(), *on)).collect());
        let detail = Value::object([("purposes", purposes), ("services", services)]);
        out.push(command("dataLayer", [Value::object([("event", Value::str(UPDATE_EVENT)), ("consentry", detail)])]));
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Default,
    Update,
}

fn vendor_signals(config: &Config, decisions: &Decisions, phase: Phase) -> Vec<Value> {
    let i = &config.integrations;
    let on = |t: &Target| decisions.granted(t);
    let mut out = Vec::new();
    if let Some(target) = &i.microsoft_uet {
        let which = if phase == Phase::Default { "default" } else { "update" };
        let object = Value::object([("ad_storage", state(on(target)))]);
        out.push(command("uetq", [Value::str("consent"), Value::str(which), object]));
    }
    if let Some(target) = &i.meta_pixel {
        let which = if on(target) { "grant" } else { "revoke" };
        out.push(command("fbq", [Value::str("consent"), Value::str(which)]));
    }
    if let Some((ads, analytics)) = &i.microsoft_clarity {
        let object = Value::object([("ad_Storage", state(on(ads))), ("analytics_Storage", state(on(analytics)))]);
        out.push(command("clarity", [Value::str("consentv2"), object]));
    }
    if let Some((target, mode)) = &i.matomo {
        let call = |name: &str| command("_paq", [Value::Array(vec![Value::str(name)])]);
        let (require, given, forget) = match mode {
            MatomoMode::Tracking => ("requireConsent", "setConsentGiven", "forgetConsentGiven"),
            MatomoMode::Cookies => ("requireCookieConsent", "setCookieConsentGiven", "forgetCookieConsentGiven"),
        };
        if phase == Phase::Default {
            out.push(call(require));
            if on(target) {
                out.push(call(given));
            }
        } else {
            out.push(call(if on(target) { given } else { forget }));
        }
    }
    out
}

#[cfg(test)]
mod tests;
