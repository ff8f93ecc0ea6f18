//! The Leptos API (feature `leptos-api`): Consentry inside a Leptos 0.8 (CSR) app, without a
//! script tag.
//!
//! [`ConsentProvider`] starts the same widget the script tag starts (banner, preference center,
//! `window.consentry`, gated scripts, receipts) and provides a context to its children; the widget
//! goes away when the provider is unmounted. Inside it:
//!
//! * [`use_consent`]`("analytics")` or `("analytics/matomo")`: a `Signal<bool>`, true while that
//!   purpose or service is granted;
//! * [`use_consent_state`]: a signal of the whole [`ConsentState`] (the decisions, and whether the
//!   visitor has decided);
//! * [`use_consentry`]: a [`Consentry`] handle with the actions [`Consentry::open_preferences`],
//!   [`Consentry::accept_all`] and [`Consentry::reject_all`].
//!
//! The signals follow every change: a click in the banner or the preference center, a call to
//! `window.consentry`, another tab's choice. They are fed by the widget's own state watchers, so
//! nothing is parsed back from `consentry:change` events.
//!
//! ```ignore
//! use consentry::component::{use_consent, use_consentry, ConsentProvider};
//! use leptos::prelude::*;
//!
//! const CONFIG: &str = include_str!("consentry.json");
//!
//! #[component]
//! fn Video() -> impl IntoView {
//!     let media = use_consent("media");
//!     let consentry = use_consentry();
//!     view! {
//!         <Show
//!             when=move || media.get()
//!             fallback=move || view! {
//!                 <button on:click=move |_| consentry.open_preferences()>"Allow media to watch"</button>
//!             }
//!         >
//!             <iframe src="https://video.example/embed/42"></iframe>
//!         </Show>
//!     }
//! }
//!
//! fn main() {
//!     leptos::mount::mount_to_body(|| view! { <ConsentProvider config=CONFIG><Video /></ConsentProvider> });
//! }
//! ```

use std::rc::Weak;

use leptos::prelude::*;

use consentry_model::choice::Layer;
use consentry_model::config::Config;
use consentry_model::consent::Decisions;
use consentry_model::Target;

use crate::browser::embed::{start, Mounted};
use crate::browser::events;
use crate::browser::runtime::Runtime;
use crate::browser::storage::Store;
use crate::ui::state::Watch;

/// The configuration of a [`ConsentProvider`]: the same JSON a site owner puts in
/// `<script type="application/json" id="consentry-config">`, as text (`&str`, `String`), or already
/// parsed and validated ([`Config::from_json`]).
#[derive(Debug, Clone)]
pub enum ProviderConfig {
    /// The configuration's JSON text; validated when the provider mounts.
    Json(String),
    /// A validated configuration.
    Parsed(Box<Config>),
}

impl From<&str> for ProviderConfig {
    fn from(json: &str) -> Self {
        ProviderConfig::Json(json.to_string())
    }
}

impl From<String> for ProviderConfig {
    fn from(json: String) -> Self {
        ProviderConfig::Json(json)
    }
}

impl From<Config> for ProviderConfig {
    fn from(config: Config) -> Self {
        ProviderConfig::Parsed(Box::new(config))
    }
}

/// The consent in force, as [`use_consent_state`] gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentState {
    /// Whether a choice of the visitor is in force (made now, in another tab, or stored earlier).
    pub decided: bool,
    /// The decisions in force for every purpose and service (before a choice: only the required ones).
    /// `None` when the widget did not start (an invalid configuration: nothing is granted).
    pub decisions: Option<Decisions>,
}

impl ConsentState {
    /// Whether `target` (`"analytics"` or `"analytics/matomo"`) is granted. Text that is not a
    /// purpose or `purpose/service` is never granted.
    pub fn granted(&self, target: &str) -> bool {
        target.parse::<Target>().is_ok_and(|t| self.granted_target(&t))
    }

    fn granted_target(&self, target: &Target) -> bool {
        self.decisions.as_ref().is_some_and(|d| d.granted(target))
    }

    fn of(runtime: &Runtime) -> ConsentState {
        runtime.with_session(|s| ConsentState { decided: s.choice().is_some(), decisions: Some(s.applied().clone()) })
    }
}

/// The widget a provider started, and the watch that feeds its signal (dropped first).
struct Started {
    _watch: Watch,
    _mounted: Mounted,
}

/// A handle on the provider's widget, from [`use_consentry`]: the consent signals and the actions.
/// `Copy`, so it moves into any number of event handlers.
#[derive(Clone, Copy)]
pub struct Consentry {
    state: RwSignal<ConsentState>,
    runtime: StoredValue<Option<Weak<Runtime>>, LocalStorage>,
}

impl Consentry {
    fn with_runtime(&self, f: impl FnOnce(&Runtime)) {
        if let Some(runtime) = self.runtime.try_with_value(|r| r.as_ref().and_then(Weak::upgrade)).flatten() {
            f(&runtime);
        }
    }

    /// Opens the preference center (as `window.consentry.show()` does).
    pub fn open_preferences(&self) {
        self.with_runtime(Runtime::open_preferences);
    }

    /// Accepts every purpose and service, recorded as a decision made through the API (as
    /// `window.consentry.acceptAll()`); call it only from the visitor's own gesture.
    pub fn accept_all(&self) {
        self.with_runtime(|r| r.accept_all(Layer::Api));
    }

    /// Refuses every optional purpose and service, recorded as a decision made through the API (as
    /// `window.consentry.rejectAll()`).
    pub fn reject_all(&self) {
        self.with_runtime(|r| r.reject_all(Layer::Api));
    }

    /// The consent in force, as a signal.
    pub fn state(&self) -> Signal<ConsentState> {
        self.state.into()
    }

    /// Whether `target` (`"analytics"` or `"analytics/matomo"`) is granted, as a signal.
    pub fn consent(&self, target: &str) -> Signal<bool> {
        let state = self.state;
        let target = target.parse::<Target>().ok();
        Signal::derive(move || target.as_ref().is_some_and(|t| state.with(|s| s.granted_target(t))))
    }
}

/// Starts Consentry for its children: the banner (if a choice is due), the persistent control, the
/// preference center, `window.consentry` and the gating of `data-consent` content, exactly as the
/// script tag does, in a shadow root at the top of `<body>`. Everything is removed when the provider
/// is unmounted.
///
/// `config` is the configuration's JSON text or a parsed [`Config`] (see [`ProviderConfig`]). An
/// invalid configuration, or a second widget on the page, starts nothing: the reason is reported
/// once (`console.error("consentry: …")` and a `consentry:error` event), the children still render,
/// and every consent signal stays false.
///
/// ```ignore
/// view! { <ConsentProvider config=r#"{"policy_version": "1", …}"#><App /></ConsentProvider> }
/// ```
#[component]
pub fn ConsentProvider(
    /// The configuration: JSON text or a parsed [`Config`].
    #[prop(into)]
    config: ProviderConfig,
    /// The app, which may call the hooks.
    children: Children,
) -> impl IntoView {
    let state = RwSignal::new(ConsentState { decided: false, decisions: None });
    let runtime = StoredValue::new_local(None::<Weak<Runtime>>);
    let started = StoredValue::new_local(None::<Started>);
    let config = match config {
        ProviderConfig::Json(json) => Config::from_json(&json).map_err(crate::EmbedError::from),
        ProviderConfig::Parsed(config) => Ok(*config),
    };
    let config = config.inspect(|c| {
        if matches!(c.storage, consentry_model::config::StorageMode::Cookie(_)) {
            // The cookie backend is a chunk the script tag's start-up awaits; the provider starts
            // synchronously, inside the app's render.
            crate::browser::console::warn(
                "storage \"cookie\" is not supported by <ConsentProvider> yet; the choice is kept in localStorage \
                 (per origin) instead",
            );
        }
    });
    match config.and_then(|config| start(config, Store::open())) {
        Ok(mounted) => {
            let live = mounted.runtime().clone();
            state.set(ConsentState::of(&live));
            let weak = std::rc::Rc::downgrade(&live);
            runtime.set_value(Some(weak.clone()));
            // Every decision goes through the UI state (`set_applied`), whatever made it.
            let watch = live.ui.watch(move |_| {
                let Some(live) = weak.upgrade() else { return };
                let next = ConsentState::of(&live);
                if state.try_with_untracked(|s| *s != next) == Some(true) {
                    state.try_set(next);
                }
            });
            started.set_value(Some(Started { _watch: watch, _mounted: mounted }));
        }
        Err(e) => events::report(&e),
    }
    on_cleanup(move || {
        runtime.try_set_value(None);
        // Drops the watch, then the widget: its view, host element, `window.consentry`, listeners.
        if let Some(gone) = started.try_update_value(Option::take) {
            drop(gone);
        }
    });
    provide_context(Consentry { state, runtime });
    children()
}

/// The provider's handle, for its actions and signals. Outside a [`ConsentProvider`], a handle on
/// no widget: its signals stay false and its actions do nothing.
pub fn use_consentry() -> Consentry {
    use_context::<Consentry>().unwrap_or_else(|| Consentry {
        state: RwSignal::new(ConsentState { decided: false, decisions: None }),
        runtime: StoredValue::new_local(None),
    })
}

/// Whether `target` is granted now, as a signal: a purpose (`"media"`) or one service of it
/// (`"media/youtube"`). False before a decision (unless the purpose is required), after a refusal,
/// for text that is not a target, and outside a [`ConsentProvider`].
///
/// ```ignore
/// let analytics = use_consent("analytics");
/// Effect::new(move |_| if analytics.get() { start_analytics() });
/// ```
pub fn use_consent(target: &str) -> Signal<bool> {
    use_consentry().consent(target)
}

/// The consent in force, as a signal of [`ConsentState`]: whether the visitor has decided, and
/// every decision.
///
/// ```ignore
/// let state = use_consent_state();
/// view! { <p>{move || if state.get().decided { "Thanks for choosing." } else { "Please choose." }}</p> }
/// ```
pub fn use_consent_state() -> Signal<ConsentState> {
    use_consentry().state()
}
