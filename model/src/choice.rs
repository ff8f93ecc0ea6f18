//! A visitor's recorded choice: the decisions plus when, how and under which policy they were made,
//! and the rule for when to ask again.

use crate::config::Config;
use crate::consent::Decisions;

/// Milliseconds in a day.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The layer of the notice where a decision was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// The first-layer banner.
    Banner,
    /// The preference center.
    Preferences,
    /// The JavaScript API (`window.consentry.acceptAll()` …).
    Api,
}

impl Layer {
    /// The name used in storage, events and receipts.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Banner => "banner",
            Layer::Preferences => "preferences",
            Layer::Api => "api",
        }
    }

    /// Parses a stored name.
    pub fn from_name(s: &str) -> Option<Self> {
        [Layer::Banner, Layer::Preferences, Layer::Api].into_iter().find(|l| l.name() == s)
    }
}

/// The button (or call) that made a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Accept all.
    AcceptAll,
    /// Reject all.
    RejectAll,
    /// Save the switches as set.
    Save,
}

impl Action {
    /// The name used in storage, events and receipts (same as the button's `data-action`).
    pub fn name(self) -> &'static str {
        match self {
            Action::AcceptAll => "accept-all",
            Action::RejectAll => "reject-all",
            Action::Save => "save",
        }
    }

    /// Parses a stored name.
    pub fn from_name(s: &str) -> Option<Self> {
        [Action::AcceptAll, Action::RejectAll, Action::Save].into_iter().find(|a| a.name() == s)
    }
}

/// How a decision was made: which layer, which button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Method {
    /// Where.
    pub layer: Layer,
    /// Which button or call.
    pub action: Action,
}

/// A recorded choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Random identifier of this browser's consent record, kept across changes.
    pub id: String,
    /// The policy version the choice was made under.
    pub policy_version: String,
    /// The language the notice was shown in.
    pub language: String,
    /// First decision, ms since the epoch.
    pub created: i64,
    /// Latest decision, ms since the epoch.
    pub updated: i64,
    /// When the choice lapses and the visitor is asked again, ms since the epoch.
    pub expires: i64,
    /// The decisions.
    pub decisions: Decisions,
    /// How the latest decision was made.
    pub method: Method,
}

/// Why the notice must be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptReason {
    /// No valid choice is stored.
    NoChoice,
    /// The policy version changed since the choice.
    PolicyChanged,
    /// The choice is older than the expiry.
    Expired,
    /// The configuration now has a purpose or a service the visitor was never asked about.
    NewPurpose,
}

impl Choice {
    /// Records a decision made at `now`: a new choice, or an update of `previous` that keeps its id and
    /// creation time. The expiry restarts from `now`.
    pub fn decide(
        previous: Option<&Choice>,
        config: &Config,
        decisions: Decisions,
        method: Method,
        language: &str,
        now: i64,
        new_id: impl FnOnce() -> String,
    ) -> Choice {
        let (id, created) = match previous {
            Some(p) => (p.id.clone(), p.created),
            None => (new_id(), now),
        };
        Choice {
            id,
            policy_version: config.policy_version.clone(),
            language: language.to_string(),
            created,
            updated: now,
            expires: now + i64::from(config.expiry_days) * DAY_MS,
            decisions,
            method,
        }
    }

    /// Whether the visitor must be asked (again), given the stored choice, if any. `asked` lists the
    /// purpose ids and `purpose/service` keys the stored choice covers.
    pub fn prompt_reason(stored: Option<&Choice>, config: &Config, now: i64, asked: &[String]) -> Option<PromptReason> {
        let Some(choice) = stored else { return Some(PromptReason::NoChoice) };
        if choice.policy_version != config.policy_version {
            return Some(PromptReason::PolicyChanged);
        }
        if now >= choice.expires || now < choice.created - DAY_MS {
            return Some(PromptReason::Expired);
        }
        let was_asked = |key: &str| asked.iter().any(|a| a == key);
        let new_service =
            |p: &crate::config::Purpose| p.services.iter().any(|s| !was_asked(&format!("{}/{}", p.id, s.id)));
        if config.optional_purposes().any(|p| !was_asked(p.id.as_str()) || new_service(p)) {
            return Some(PromptReason::NewPurpose);
        }
        None
    }
}

#[cfg(test)]
mod tests;
