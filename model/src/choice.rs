//! A visitor's recorded choice: the decisions plus when, how and under which policy they were made,
//! and the rule for when to ask again.

use crate::config::{Config, ServiceKey};
use crate::consent::Decisions;
use crate::target::Target;

/// Milliseconds in a day.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

pub use consentry_receipt::vocab::{Action, Layer, Method};

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
    /// The latest decision grants a purpose that a Global Privacy Control signal covers, made after
    /// the preference center said the signal was honored: it stands while the signal is present.
    pub gpc_override: bool,
    /// A Global Privacy Control signal was present when the latest decision was made (its receipt
    /// says so even when it is made at a later page view).
    pub gpc: bool,
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
            gpc_override: false,
            gpc: false,
        }
    }

    /// Whether the visitor must be asked (again), given the stored choice, if any. `asked` lists the
    /// purposes and services the stored choice covers.
    pub fn prompt_reason(stored: Option<&Choice>, config: &Config, now: i64, asked: &[Target]) -> Option<PromptReason> {
        let Some(choice) = stored else { return Some(PromptReason::NoChoice) };
        if choice.policy_version != config.policy_version {
            return Some(PromptReason::PolicyChanged);
        }
        // The earlier of what the record says and what this configuration allows since the decision:
        // shortening `expiry_days` shortens the choices already stored.
        let expires = choice.expires.min(choice.updated.saturating_add(i64::from(config.expiry_days) * DAY_MS));
        if now >= expires || now < choice.created - DAY_MS {
            return Some(PromptReason::Expired);
        }
        let was_asked = |target: Target| asked.contains(&target);
        let new_service = |p: &crate::config::Purpose| {
            p.services.iter().any(|s| !was_asked(Target::Service(ServiceKey::new(&p.id, &s.id))))
        };
        if config.optional_purposes().any(|p| !was_asked(Target::Purpose(p.id.clone())) || new_service(p)) {
            return Some(PromptReason::NewPurpose);
        }
        None
    }
}

#[cfg(test)]
mod tests;
