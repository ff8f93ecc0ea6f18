//! One page view's consent session: the configuration, the language shown, the stored choice and the
//! decisions in force, with the one transition that matters — a visitor's decision — as a pure method.
//! The browser adapters perform what a transition returns (write storage, run scripts, delete cookies,
//! dispatch events); they decide nothing themselves.

use std::rc::Rc;

use crate::choice::{Choice, Method, PromptReason};
use crate::config::Config;
use crate::consent::Decisions;
use crate::cookies::CookiePattern;
use crate::json::Value;
use crate::record::Decoded;

/// Where a change of the decisions in force came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A stored choice applied at start-up.
    Stored,
    /// A decision made on the banner, in the preference center or through the API.
    Decision(Method),
}

impl Source {
    /// The `source` field of a `consentry:change` event.
    pub fn name(self) -> &'static str {
        match self {
            Source::Stored => "stored",
            Source::Decision(m) => m.layer.name(),
        }
    }
}

/// Where the choice is kept, as `state().storage` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `window.localStorage`.
    Local,
    /// Memory only: lost when the page is left.
    Memory,
}

impl Backend {
    /// The name shown in `state().storage`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Local => "local",
            Backend::Memory => "memory",
        }
    }
}

/// The consent state of one page view.
#[derive(Debug, Clone)]
pub struct Session {
    config: Rc<Config>,
    language: String,
    choice: Option<Choice>,
    applied: Decisions,
    prompt: Option<PromptReason>,
}

/// What a decision changed, for the adapters to carry out.
#[derive(Debug, Clone)]
pub struct Effects {
    /// The new recorded choice, to be stored.
    pub choice: Choice,
    /// Cookie patterns of services not granted, to be deleted.
    pub cookies_to_clear: Vec<CookiePattern>,
}

impl Session {
    /// Starts a session from the stored record, if one could be read.
    ///
    /// A stored choice stays in force unless the policy changed or it expired; when only a new purpose
    /// was added, the old decisions stay in force (the new purpose is off) and the notice is shown again.
    pub fn start(config: Config, language: String, stored: Option<Decoded>, now: i64) -> Session {
        let (choice, asked) = match stored {
            Some(d) => (Some(d.choice), d.asked),
            None => (None, Vec::new()),
        };
        let prompt = Choice::prompt_reason(choice.as_ref(), &config, now, &asked);
        let keep = matches!(prompt, None | Some(PromptReason::NewPurpose));
        let choice = if keep { choice } else { None };
        let applied = match &choice {
            Some(c) => c.decisions.clone(),
            None => Decisions::none(&config),
        };
        Session { config: Rc::new(config), language, choice, applied, prompt }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The configuration, shared (the UI and the receipt worker read it without copying it).
    pub fn shared_config(&self) -> Rc<Config> {
        Rc::clone(&self.config)
    }

    /// The language of the notice.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// The decisions in force.
    pub fn applied(&self) -> &Decisions {
        &self.applied
    }

    /// The recorded choice in force, if any.
    pub fn choice(&self) -> Option<&Choice> {
        self.choice.as_ref()
    }

    /// Why the notice must be shown now, if it must.
    pub fn prompt(&self) -> Option<PromptReason> {
        self.prompt
    }

    /// Whether a stored choice was applied at start-up (a `consentry:change` with source "stored" is due).
    pub fn restored(&self) -> bool {
        self.choice.is_some()
    }

    /// Records a decision and puts it in force.
    pub fn decide(
        &mut self,
        decisions: Decisions,
        method: Method,
        now: i64,
        new_id: impl FnOnce() -> String,
    ) -> Effects {
        let choice = Choice::decide(self.choice.as_ref(), &self.config, decisions, method, &self.language, now, new_id);
        let cookies_to_clear = choice.decisions.cookies_to_clear(&self.config).into_iter().cloned().collect();
        self.applied = choice.decisions.clone();
        self.choice = Some(choice.clone());
        self.prompt = None;
        Effects { choice, cookies_to_clear }
    }

    /// The object returned by `window.consentry.state()`; `storage` is where the choice is kept.
    pub fn state_json(&self, storage: Backend) -> Value {
        let c = self.choice.as_ref();
        Value::object([
            ("decided", Value::Bool(c.is_some() && self.prompt.is_none())),
            ("id", Value::opt(c, |c| Value::str(&c.id))),
            ("policyVersion", Value::str(&self.config.policy_version)),
            ("language", Value::str(&self.language)),
            ("updatedAt", Value::opt(c, |c| Value::int(c.updated))),
            ("expiresAt", Value::opt(c, |c| Value::int(c.expires))),
            ("purposes", self.purposes_json()),
            ("services", self.services_json()),
            ("storage", Value::str(storage.name())),
        ])
    }

    /// The `detail` of a `consentry:change` event.
    pub fn change_json(&self, source: Source) -> Value {
        let action = match source {
            Source::Stored => Value::Null,
            Source::Decision(m) => Value::str(m.action.name()),
        };
        Value::object([
            ("purposes", self.purposes_json()),
            ("services", self.services_json()),
            ("id", Value::opt(self.choice.as_ref(), |c| Value::str(&c.id))),
            ("source", Value::str(source.name())),
            ("action", action),
        ])
    }

    fn purposes_json(&self) -> Value {
        Value::flags(self.applied.purposes().iter().map(|(k, on)| (k.to_string(), *on)))
    }

    fn services_json(&self) -> Value {
        Value::flags(self.applied.services().iter().map(|(k, on)| (k.to_string(), *on)))
    }
}

#[cfg(test)]
mod tests;
