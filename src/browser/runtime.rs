//! The running widget: the pure [`Session`] plus the adapters that carry out its outcomes (storage,
//! gating, cookies, events, focus) and the reactive state the UI renders. The UI and the JS API both
//! talk to this one object; neither decides anything itself.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::choice::{Action, Layer, Method};
use crate::consent::Decisions;
use crate::events::{self, EventName};
use crate::gating;
use crate::receipts::Receipts;
use crate::record::{self, STORAGE_KEY};
use crate::session::{Session, Source};
use crate::storage::Store;

/// Which surface of the widget is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// Only the persistent control.
    Closed,
    /// The first-layer banner.
    Banner,
    /// The preference center.
    Preferences,
}

/// The reactive state the components render. `Copy`: hand it to any component.
#[derive(Debug, Clone, Copy)]
pub struct UiState {
    /// The surface showing.
    pub surface: RwSignal<Surface>,
    /// The decisions in force.
    pub applied: RwSignal<Decisions>,
    /// The switches of the open preference center, before "Save".
    pub draft: RwSignal<Decisions>,
}

/// The running widget.
pub struct App {
    session: RefCell<Session>,
    store: Rc<Store>,
    /// The receipt worker.
    pub receipts: Rc<Receipts>,
    opener: RefCell<Option<web_sys::HtmlElement>>,
    /// Reactive state for the UI.
    pub ui: UiState,
}

impl App {
    /// Wraps a started session.
    pub fn new(session: Session, store: Store) -> Rc<App> {
        let applied = session.applied().clone();
        let store = Rc::new(store);
        let receipts = Receipts::new(session.config().clone(), store.clone());
        let surface = if session.prompt().is_some() { Surface::Banner } else { Surface::Closed };
        Rc::new(App {
            ui: UiState {
                surface: RwSignal::new(surface),
                applied: RwSignal::new(applied.clone()),
                draft: RwSignal::new(applied),
            },
            session: RefCell::new(session),
            store,
            receipts,
            opener: RefCell::new(None),
        })
    }

    /// Reads the session.
    pub fn with_session<R>(&self, f: impl FnOnce(&Session) -> R) -> R {
        f(&self.session.borrow())
    }

    /// Carries out start-up: runs what a stored choice grants and announces it.
    pub fn start(&self) {
        let (applied, restored) = self.with_session(|s| (s.applied().clone(), s.restored()));
        gating::apply(&applied);
        self.receipts.start();
        if restored {
            let detail = self.with_session(|s| s.change_json(Source::Stored));
            events::dispatch(EventName::Change, &detail);
        }
    }

    /// Records a decision and carries it out: storage and a queued receipt, then cookies and gated
    /// content, then the UI and the `consentry:change` event. The session borrow ends before any page
    /// code can run; signing and delivery happen later, in the background.
    pub fn decide(&self, decisions: Decisions, method: Method) {
        let outcome = self.session.borrow_mut().decide(decisions, method, now(), new_consent_id);
        self.store.set(STORAGE_KEY, &record::encode(&outcome.choice));
        self.receipts.record(outcome.choice.clone());
        gating::clear_cookies(&outcome.cookies_to_clear);
        gating::apply(&outcome.choice.decisions);
        self.ui.applied.set(outcome.choice.decisions.clone());
        self.ui.draft.set(outcome.choice.decisions);
        self.ui.surface.set(Surface::Closed);
        self.restore_focus();
        let detail = self.with_session(|s| s.change_json(Source::Decision(method)));
        events::dispatch(EventName::Change, &detail);
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
        let draft = self.ui.draft.get_untracked();
        self.decide(draft, Method { layer: Layer::Preferences, action: Action::Save });
    }

    /// Turns a purpose's switch in the preference center.
    pub fn toggle_purpose(&self, purpose: &str) {
        self.with_session(|s| {
            self.ui.draft.update(|d| {
                let on = !d.granted(purpose);
                d.set_purpose(s.config(), purpose, on);
            })
        });
    }

    /// Turns a service's switch in the preference center.
    pub fn toggle_service(&self, purpose: &str, service: &str) {
        self.with_session(|s| {
            self.ui.draft.update(|d| {
                let on = !d.granted(&format!("{purpose}/{service}"));
                d.set_service(s.config(), purpose, service, on);
            })
        });
    }

    /// Opens the preference center, remembering where focus was.
    pub fn open_preferences(&self) {
        self.opener.replace(focused_element());
        self.ui.draft.set(self.ui.applied.get_untracked());
        self.ui.surface.set(Surface::Preferences);
    }

    /// Closes the preference center without a decision: back to the banner if a choice is still due.
    pub fn close_preferences(&self) {
        let due = self.with_session(|s| s.prompt().is_some());
        self.ui.surface.set(if due { Surface::Banner } else { Surface::Closed });
        self.restore_focus();
    }

    /// Whether `target` (purpose or `purpose/service`) is granted now.
    pub fn granted(&self, target: &str) -> bool {
        self.with_session(|s| s.applied().granted(target))
    }

    /// The object `window.consentry.state()` returns.
    pub fn state_json(&self) -> crate::json::Value {
        let backend = self.store.backend();
        let mut state = self.with_session(|s| s.state_json(backend.name()));
        if let crate::json::Value::Object(members) = &mut state {
            members.push(("receipts".to_string(), self.receipts.summary()));
        }
        state
    }

    fn restore_focus(&self) {
        let opener = self.opener.take();
        set_timeout(
            move || {
                // The opener itself if it is still there; else its re-rendered twin (the banner is
                // rebuilt when the center closes back to it); else the persistent control.
                let twin = |el: &web_sys::HtmlElement| {
                    el.get_attribute("data-action").and_then(|a| shadow_query(&format!("[data-action=\"{a}\"]")))
                };
                let target = match opener {
                    Some(el) if el.is_connected() => Some(el),
                    Some(el) => twin(&el),
                    None => None,
                }
                .or_else(|| shadow_query("[data-action=\"open-preferences\"]:not([hidden])"));
                if let Some(el) = target {
                    let _ = el.focus();
                }
            },
            std::time::Duration::ZERO,
        );
    }
}

/// The element that has focus, looking inside the widget's shadow root when focus is there.
fn focused_element() -> Option<web_sys::HtmlElement> {
    let doc = web_sys::window()?.document()?;
    let active = doc.active_element()?;
    if active.id() == crate::embed::HOST_ID {
        if let Some(inner) = active.shadow_root().and_then(|r| r.active_element()) {
            return inner.dyn_into().ok();
        }
    }
    active.dyn_into().ok()
}

/// The first element matching `selector` inside the widget's shadow root.
pub fn shadow_query(selector: &str) -> Option<web_sys::HtmlElement> {
    let doc = web_sys::window()?.document()?;
    let host = doc.get_element_by_id(crate::embed::HOST_ID)?;
    host.shadow_root()?.query_selector(selector).ok()??.dyn_into().ok()
}

/// Milliseconds since the epoch.
pub fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// A random UUID v4 for the consent record.
pub fn new_consent_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}
