//! One page view's consent session: the configuration, the language shown, the stored choice and the
//! decisions in force, with the one transition that matters — a visitor's decision — as a pure method.
//! The browser adapters perform what a transition returns (write storage, run scripts, delete cookies,
//! dispatch events); they decide nothing themselves.

use std::rc::Rc;

use crate::choice::{Action, Choice, Layer, Method, PromptReason};
use crate::config::Config;
use crate::consent::Decisions;
use crate::cookies::CookiePattern;
use crate::json::Value;
use crate::record::Decoded;
use crate::target::Target;

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
    /// The cookie `consentry` (`storage: "cookie"`), shared across subdomains.
    Cookie,
}

impl Backend {
    /// The name shown in `state().storage`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Local => "local",
            Backend::Memory => "memory",
            Backend::Cookie => "cookie",
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
    gpc: Gpc,
}

/// What a Global Privacy Control signal does in this page view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Gpc {
    /// The browser sends the signal (`navigator.globalPrivacyControl`).
    pub present: bool,
    /// The signal switches the purposes it covers off: it is present, the configuration marks
    /// purposes as covered, and the jurisdiction is opt-out (or `gpc.opt_in` treats it as a refusal).
    /// The banner does not ask; only a grant made in the preference center, where the signal is
    /// shown as honored, turns a covered purpose on.
    pub applies: bool,
    /// The stored choice in force is such a grant (it stands while the signal is present).
    pub overridden: bool,
    /// The signal switched off a covered purpose that the stored choice had granted before.
    pub conflict: bool,
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
        Self::start_with_gpc(config, language, stored, now, false)
    }

    /// [`Session::start`] in a browser that sends a Global Privacy Control signal (`gpc`) or not.
    pub fn start_with_gpc(config: Config, language: String, stored: Option<Decoded>, now: i64, gpc: bool) -> Session {
        Self::start_shared(Rc::new(config), language, stored, now, gpc)
    }

    fn start_shared(config: Rc<Config>, language: String, stored: Option<Decoded>, now: i64, gpc: bool) -> Session {
        let (choice, asked) = match stored {
            Some(d) => (Some(d.choice), d.asked),
            None => (None, Vec::new()),
        };
        let prompt = Choice::prompt_reason(choice.as_ref(), &config, now, &asked);
        let keep = matches!(prompt, None | Some(PromptReason::NewPurpose));
        let choice = if keep { choice } else { None };
        let mut applied = match &choice {
            Some(c) => c.decisions.clone(),
            None => Decisions::none(&config),
        };
        let applies = gpc && config.gpc_applies();
        let overridden = applies && choice.as_ref().is_some_and(|c| c.gpc_override);
        let mut conflict = false;
        if applies && !overridden {
            for target in covered(&config) {
                conflict |= applied.granted(&target);
                applied.set(&config, &target, false);
            }
        }
        // The signal is the visitor's answer: the banner does not ask while it applies.
        let prompt = if applies { None } else { prompt };
        let gpc = Gpc { present: gpc, applies, overridden, conflict };
        Session { config, language, choice, applied, prompt, gpc }
    }

    /// Puts in force a stored record that changed outside this page view (another tab decided, or
    /// a page restored from the back/forward cache finds a newer choice), read as at start-up.
    /// Returns the cookie patterns the new decisions refuse, or `None` when nothing changed.
    pub fn adopt(&mut self, stored: Option<Decoded>, now: i64) -> Option<Vec<CookiePattern>> {
        let config = Rc::clone(&self.config);
        let fresh = Session::start_shared(config, self.language.clone(), stored, now, self.gpc.present);
        if fresh.choice == self.choice && fresh.applied == self.applied {
            return None;
        }
        let cookies = fresh.applied.cookies_to_clear(&self.config).into_iter().cloned().collect();
        *self = fresh;
        Some(cookies)
    }

    /// What the Global Privacy Control signal does in this page view.
    pub fn gpc(&self) -> Gpc {
        self.gpc
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

    /// Records a decision and puts it in force. While a Global Privacy Control signal applies, the
    /// purposes it covers stay off unless the decision is the preference center's "Save" with one of
    /// them on (where the signal is shown as honored): that grant is recorded as overriding it.
    pub fn decide(
        &mut self,
        mut decisions: Decisions,
        method: Method,
        now: i64,
        new_id: impl FnOnce() -> String,
    ) -> Effects {
        let mut gpc_override = false;
        if self.gpc.applies {
            let saved = method == Method { layer: Layer::Preferences, action: Action::Save };
            let covered = covered(&self.config);
            if saved && covered.iter().any(|t| decisions.granted(t)) {
                gpc_override = true;
            } else {
                for target in &covered {
                    decisions.set(&self.config, target, false);
                }
            }
            self.gpc.overridden = gpc_override;
            self.gpc.conflict = false;
        }
        let mut choice =
            Choice::decide(self.choice.as_ref(), &self.config, decisions, method, &self.language, now, new_id);
        choice.gpc_override = gpc_override;
        choice.gpc = self.gpc.present;
        let cookies_to_clear = choice.decisions.cookies_to_clear(&self.config).into_iter().cloned().collect();
        self.applied = choice.decisions.clone();
        self.choice = Some(choice.clone());
        self.prompt = None;
        Effects { choice, cookies_to_clear }
    }

    /// The state the Global Privacy Control signal alone put in force, as a choice (collection
    /// method `gpc:opt-out`) to make a receipt of, when the configuration asks for such receipts
    /// (`gpc.receipts`): the signal applies and no choice of the visitor's is in force. It is never
    /// stored as a choice; the receipt log remembers it was made ([`signal_key`]).
    pub fn signal_choice(&self, now: i64, new_id: impl FnOnce() -> String) -> Option<Choice> {
        if !(self.config.gpc.receipts && self.gpc.applies && self.choice.is_none()) {
            return None;
        }
        let mut choice =
            Choice::decide(None, &self.config, self.applied.clone(), Method::GPC_OPT_OUT, &self.language, now, new_id);
        choice.gpc = true;
        Some(choice)
    }

    /// The object returned by `window.consentry.state()`; `storage` is where the choice is kept.
    pub fn state_json(&self, storage: Backend) -> Value {
        let c = self.choice.as_ref();
        Value::object([
            ("decided", Value::Bool((c.is_some() && self.prompt.is_none()) || self.gpc.applies)),
            ("id", Value::opt(c, |c| Value::str(&c.id))),
            ("policyVersion", Value::str(&self.config.policy_version)),
            ("language", Value::str(&self.language)),
            ("updatedAt", Value::opt(c, |c| Value::int(c.updated))),
            ("expiresAt", Value::opt(c, |c| Value::int(c.expires))),
            ("purposes", self.purposes_json()),
            ("services", self.services_json()),
            ("storage", Value::str(storage.name())),
            ("gpc", Value::Bool(self.gpc.present)),
            ("gpcApplied", self.gpc_applied_json()),
        ])
    }

    /// The purposes the signal keeps off now, for `state()` and `consentry:change`.
    fn gpc_applied_json(&self) -> Value {
        let off = self.gpc.applies && !self.gpc.overridden;
        let ids = self.config.purposes.iter().filter(|p| off && p.gpc).map(|p| Value::str(p.id.as_str()));
        Value::Array(ids.collect())
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
            ("gpc", Value::Bool(self.gpc.present)),
            ("gpcApplied", self.gpc_applied_json()),
        ])
    }

    /// The decisions in force as `{purposes, services}` (the shape of the stored record's maps).
    pub fn decisions_json(&self) -> Value {
        Value::object([("purposes", self.purposes_json()), ("services", self.services_json())])
    }

    fn purposes_json(&self) -> Value {
        Value::flags(self.applied.purposes().iter().map(|(k, on)| (k.to_string(), *on)))
    }

    fn services_json(&self) -> Value {
        Value::flags(self.applied.services().iter().map(|(k, on)| (k.to_string(), *on)))
    }
}

/// What a `gpc:opt-out` receipt covers: the policy version and the purposes the signal keeps off.
/// The browser makes one such receipt per key, so a returning visitor with the signal on does not
/// post one per page view, and a new policy or a newly covered purpose gets its own.
pub fn signal_key(config: &Config) -> String {
    let ids: Vec<&str> = config.purposes.iter().filter(|p| p.gpc).map(|p| p.id.as_str()).collect();
    format!("{}|{}", config.policy_version, ids.join(","))
}

/// The purposes a Global Privacy Control signal covers.
fn covered(config: &Config) -> Vec<Target> {
    config.purposes.iter().filter(|p| p.gpc).map(|p| Target::Purpose(p.id.clone())).collect()
}

#[cfg(test)]
mod tests;
