//! The running widget: the pure [`Session`] plus the adapters that carry out its [`Effects`]
//! (storage, receipts, cookies, gated content, events, focus) and the reactive state the UI renders.
//! The UI and the JS API both talk to this one object; neither decides anything itself.
//!
//! [`Effects`]: consentry_model::session::Effects

use std::cell::RefCell;
use std::rc::Rc;

use consentry_model::choice::{Action, Layer, Method};
use consentry_model::config::Config;
use consentry_model::consent::Decisions;
use consentry_model::contract::EventName;
use consentry_model::json::Value;
use consentry_model::session::{Session, Source};
use consentry_model::surface::Surface;
use consentry_model::Target;

use super::receipts::Receipts;
use super::signals::Signals;
use super::sinks::Sinks;
use super::storage::Store;
use super::{cookie_jar, events, gating, platform};
use crate::ui::focus;
use crate::ui::state::UiState;

/// The running widget.
pub struct Runtime {
    session: RefCell<Session>,
    store: Rc<Store>,
    receipts: Rc<Receipts>,
    opener: RefCell<Option<web_sys::HtmlElement>>,
    sinks: Sinks,
    signals: Signals,
    /// The state the UI renders.
    pub ui: Rc<UiState>,
}

impl Runtime {
    /// Wraps a started session, its store and its receipt worker.
    pub fn new(
        session: Session,
        store: Rc<Store>,
        receipts: Rc<Receipts>,
        ui: Rc<UiState>,
        sinks: Sinks,
        signals: Signals,
    ) -> Rc<Runtime> {
        let session = RefCell::new(session);
        Rc::new(Runtime { session, store, receipts, opener: RefCell::new(None), sinks, signals, ui })
    }

    /// Reads the session.
    pub fn with_session<R>(&self, f: impl FnOnce(&Session) -> R) -> R {
        f(&self.session.borrow())
    }

    /// How scripts are written into this page.
    pub fn sinks(&self) -> &Sinks {
        &self.sinks
    }

    /// The configuration, shared.
    pub fn config(&self) -> Rc<Config> {
        self.with_session(Session::shared_config)
    }

    /// Carries out start-up: checks the vendors' consent defaults, runs what a stored choice grants
    /// and announces it.
    /// `config_json` is the configuration's text, for the loader's vendor signals.
    pub fn start(&self, config_json: &str) {
        let (applied, restored) = self.with_session(|s| (s.applied().clone(), s.restored()));
        self.with_session(|s| {
            if s.config().integrations.any() {
                let decisions = s.decisions_json();
                let mut stored = decisions.clone();
                if let (true, Value::Object(members)) = (s.gpc().overridden, &mut stored) {
                    members.push(("gpc_override".to_string(), Value::Bool(true)));
                }
                let stored = s.choice().map(|_| stored.to_string());
                self.signals.start(config_json, stored.as_deref(), &decisions.to_string());
            }
        });
        gating::apply(&applied, &self.sinks);
        let (current, signal) =
            self.with_session(|s| (s.choice().cloned(), s.signal_choice(platform::now(), platform::new_uuid)));
        self.receipts.start(current.as_ref(), signal);
        if restored {
            let detail = self.with_session(|s| s.change_json(Source::Stored));
            events::dispatch(EventName::Change, &detail);
        }
    }

    /// Records a decision and carries it out: storage and a queued receipt, then the vendors' consent
    /// signals, cookies and gated content, then the UI and the `consentry:change` event. The session borrow ends before any page
    /// code can run; signing and delivery happen later, in the background.
    pub fn decide(&self, decisions: Decisions, method: Method) {
        let effects = self.session.borrow_mut().decide(decisions, method, platform::now(), platform::new_uuid);
        self.store.save_choice(&effects.choice);
        self.receipts.record(effects.choice.clone());
        self.signal_decisions();
        cookie_jar::clear(&effects.cookies_to_clear);
        gating::apply(&effects.choice.decisions, &self.sinks);
        self.ui.set_applied(effects.choice.decisions);
        self.ui.set_surface(self.ui.surface().after_decision());
        if method.layer != Layer::Api {
            self.ui.saved();
        }
        focus::restore(self.opener.take());
        let detail = self.with_session(|s| s.change_json(Source::Decision(method)));
        events::dispatch(EventName::Change, &detail);
    }

    /// Puts in force what storage holds now, when it changed outside this page view: another tab
    /// decided or withdrew (a `storage` event), or the page came back from the back/forward cache.
    /// No receipt: the tab that decided made it. Content already run stays run, as after any
    /// withdrawal; refused cookies are deleted and newly granted content runs.
    pub fn sync(&self) {
        let config = self.config();
        let stored = self.store.load_choice(&config).and_then(Result::ok);
        let Some(cookies) = self.session.borrow_mut().adopt(stored, platform::now()) else { return };
        let applied = self.with_session(|s| s.applied().clone());
        self.signal_decisions();
        cookie_jar::clear(&cookies);
        gating::apply(&applied, &self.sinks);
        self.ui.set_applied(applied);
        if self.ui.surface() != Surface::Preferences {
            self.ui.set_surface(Surface::initial(self.with_session(Session::prompt)));
        }
        let detail = self.with_session(|s| s.change_json(Source::Stored));
        events::dispatch(EventName::Change, &detail);
    }

    /// Whether the choice is kept in the cookie (`storage: "cookie"`, cookies working).
    pub fn cookie_backed(&self) -> bool {
        self.store.backend() == consentry_model::session::Backend::Cookie
    }

    /// Whether the cookie changed since this page last read or wrote it.
    pub fn cookie_changed(&self) -> bool {
        self.store.cookie_changed()
    }

    /// Runs the gated content of `root` (an element or a shadow root; anything else means the
    /// document) that the decisions in force grant.
    pub fn rescan(&self, root: &wasm_bindgen::JsValue) {
        let applied = self.with_session(|s| s.applied().clone());
        gating::apply_in(&applied, &self.sinks, root);
    }

    /// Tells the vendors' consent APIs (through the loader) the decisions now in force.
    fn signal_decisions(&self) {
        self.with_session(|s| {
            if s.config().integrations.any() {
                self.signals.decided(&s.decisions_json().to_string());
            }
        });
    }

    /// Accept everything.
    pub fn accept_all(&self, layer: Layer) {
        let all = self.with_session(|s| Decisions::accept_all(s.config()));
        self.decide(all, Method { layer, action: Action::AcceptAll });
    }

    /// Refuse everything optional.
    pub fn reject_all(&self, layer: Layer) {
        let none = self.with_session(|s| Decisions::reject_all(s.config()));
        self.decide(none, Method { layer, action: Action::RejectAll });
    }

    /// Save the preference center's switches.
    pub fn save(&self) {
        let draft = self.ui.with_draft(Decisions::clone);
        self.decide(draft, Method { layer: Layer::Preferences, action: Action::Save });
    }

    /// Flips a switch of the preference center (nothing applies before "Save").
    pub fn toggle(&self, target: &Target) {
        self.with_session(|s| self.ui.update_draft(|d| d.toggle(s.config(), target)));
    }

    /// Opens the preference center, remembering where focus was.
    pub fn open_preferences(&self) {
        self.opener.replace(focus::focused_element());
        self.ui.set_draft(self.ui.applied());
        self.ui.set_surface(self.ui.surface().open_preferences());
    }

    /// Closes the preference center without a decision: back to the banner if a choice is still due.
    pub fn close_preferences(&self) {
        let prompt = self.with_session(Session::prompt);
        self.ui.set_surface(self.ui.surface().close_preferences(prompt));
        focus::restore(self.opener.take());
    }

    /// Whether a choice is due (the banner's question is open).
    pub fn banner_due(&self) -> bool {
        self.with_session(|s| s.prompt().is_some())
    }

    /// Whether `target` is granted now.
    pub fn granted(&self, target: &Target) -> bool {
        self.with_session(|s| s.applied().granted(target))
    }

    /// The object `window.consentry.state()` returns.
    pub fn state_json(&self) -> Value {
        let backend = self.store.backend();
        let mut state = self.with_session(|s| s.state_json(backend));
        if let Value::Object(members) = &mut state {
            members.push(("receipts".to_string(), self.receipts.summary()));
        }
        state
    }

    /// `consentry.identify(id)`: the subject id of the receipts of later decisions (already checked).
    pub fn identify(&self, subject: Option<String>) {
        self.receipts.identify(subject);
    }

    /// Offers the visitor their receipts as a file.
    pub fn download_receipts(&self) {
        self.receipts.download();
    }
}
