//! Start-up on a site owner's page: find the configuration, validate it, start the session and mount
//! the widget inside an open shadow root on `<div id="consentry">`, so that the page's CSS cannot reach
//! it and its CSS cannot leak. A refused configuration mounts nothing and grants nothing.
//!
//! [`start`] returns a [`Mounted`] handle that owns everything the widget added to the page; dropping
//! it removes all of it (the view, the host element, `window.consentry`, every listener, the
//! observer). [`boot`], the entry point of `consentry.js`, keeps the handle for the page's lifetime.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use consentry_model::config::{Config, ConfigError};
use consentry_model::contract::{EventName, CONFIG_ID, HOST_ID};
use consentry_model::i18n;
use consentry_model::json::Value;
use consentry_model::record::{Unreadable, STORAGE_KEY};
use consentry_model::session::Session;
use consentry_model::surface::Surface;

use super::api::{self, Api};
use super::error::{document, window, BrowserError};
use super::gating::{self, Observer};
use super::listener::Listener;
use super::receipts::{self, Receipts};
use super::runtime::Runtime;
use super::signals::Signals;
use super::sinks::Sinks;
use super::storage::Store;
use super::{console, events, packs, platform};
use crate::ui::state::UiState;
use crate::ui::{Dom, Widget};

/// The widget's stylesheet (minified), injected into its shadow root.
pub const STYLE: &str = crate::style::STYLE;

/// Why the configuration could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The server answered with a non-2xx status.
    #[error("HTTP {0}")]
    Status(u16),
    /// No answer, or an answer that could not be read.
    #[error(transparent)]
    Browser(#[from] BrowserError),
}

/// Why the widget did not start. Reported once, by [`boot`], as `consentry: <this text>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmbedError {
    /// Neither an inline configuration nor a `data-config` URL.
    #[error(
        "no configuration found: add <script type=\"application/json\" id=\"{CONFIG_ID}\"> or a data-config URL to the script tag"
    )]
    NoConfig,
    /// The `data-config` URL could not be loaded.
    #[error("could not load the configuration from {url}: {source}")]
    Fetch {
        /// The absolute URL.
        url: String,
        /// What went wrong.
        source: FetchError,
    },
    /// The configuration was refused (invalid or non-compliant).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The widget is already on the page.
    #[error("an element with id \"{HOST_ID}\" already exists: is the script included twice?")]
    AlreadyMounted,
    /// A browser API the widget needs failed.
    #[error(transparent)]
    Browser(#[from] BrowserError),
}

/// Entry point called by `consentry.js` once the module is instantiated and the page has a body.
///
/// `config_url` is the absolute URL from the script's `data-config` attribute, if it has one, and
/// `pending` the `fetch()` of it that the loader started beside the module's download (the widget
/// fetches it itself if it is missing). `on_ready` is called once the widget is mounted and
/// `window.consentry` is the real API: the loader then replays the calls it kept. `security` is what
/// the loader knows about the page's script policy (see [`Sinks`]). Any failure is reported once,
/// and `on_ready` is not called.
#[wasm_bindgen]
pub fn boot(
    config_url: Option<String>,
    pending: Option<js_sys::Promise>,
    on_ready: Option<js_sys::Function>,
    security: Option<JsValue>,
) {
    let sinks = Sinks::from_loader(security.as_ref());
    let signals = Signals::from_loader(security.as_ref());
    wasm_bindgen_futures::spawn_local(async move {
        let mut pack_error = None;
        let mut domain_refusal = None;
        let started = match load(config_url, pending).await {
            Ok((mut config, json)) => {
                let language = language_of(&config);
                if let Some(tag) = config.needs_pack(&language) {
                    match packs::fetch(tag, security.as_ref()).await {
                        Ok(pack) => config.ui.pack = Some(pack),
                        Err(e) => pack_error = Some(e),
                    }
                }
                let store = Store::open_for(&config.storage).await;
                domain_refusal = store.take_domain_refusal().map(|e| e.to_string());
                start_with(config, language, &json, store, sinks, signals)
            }
            Err(e) => Err(e),
        };
        // Reported once the widget runs: English text is a degraded notice, not a failed start.
        if let Some(e) = pack_error {
            events::report(&e);
        }
        match started {
            Ok(mounted) => {
                // The widget stays for the page's lifetime.
                std::mem::forget(mounted);
                // Reported once the widget runs: a host-only cookie is a degraded set-up, not a failed start.
                if let Some(e) = domain_refusal {
                    events::report(&e);
                }
                if let Some(on_ready) = on_ready {
                    // The loader's replay catches what each queued call throws; nothing reaches us.
                    let _ = on_ready.call0(&JsValue::NULL);
                }
            }
            Err(e) => events::report(&e),
        }
    });
}

/// Finds and parses the configuration: from `config_url` if given (the `pending` response, else a
/// fetch of its own), else inline. Returns it with its JSON text.
async fn load(config_url: Option<String>, pending: Option<js_sys::Promise>) -> Result<(Config, String), EmbedError> {
    let json = match config_url {
        Some(url) => match read_text(&url, pending).await {
            Ok(text) => text,
            Err(source) => return Err(EmbedError::Fetch { url, source }),
        },
        None => inline_config()?,
    };
    Ok((Config::from_json(&json)?, json))
}

fn inline_config() -> Result<String, EmbedError> {
    document()?.get_element_by_id(CONFIG_ID).and_then(|el| el.text_content()).ok_or(EmbedError::NoConfig)
}

async fn read_text(url: &str, pending: Option<js_sys::Promise>) -> Result<String, FetchError> {
    let pending = match pending {
        Some(pending) => pending,
        None => window()?.fetch_with_str(url),
    };
    let response = JsFuture::from(pending).await.map_err(BrowserError::from)?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| BrowserError::Unexpected("not a response"))?;
    if !response.ok() {
        return Err(FetchError::Status(response.status()));
    }
    let text = response.text().map_err(BrowserError::from)?;
    let text = JsFuture::from(text).await.map_err(BrowserError::from)?;
    Ok(text.as_string().ok_or(BrowserError::Unexpected("empty body"))?)
}

/// Everything one started widget put on the page. Dropping it takes all of it away again.
pub struct Mounted {
    _runtime: Rc<Runtime>,
    host: web_sys::Element,
    view: Option<Widget>,
    _api: Api,
    _observer: Option<Observer>,
    _sync: Vec<Listener>,
}

impl Mounted {
    /// The running widget, for the Leptos API's hooks and actions.
    #[cfg(feature = "leptos-api")]
    pub(crate) fn runtime(&self) -> &Rc<Runtime> {
        &self._runtime
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        // Unmount the view first (its owner holds the runtime), then take the host off the page; the
        // API and the observer go with the remaining fields.
        drop(self.view.take());
        self.host.remove();
    }
}

/// Starts the widget with a validated configuration and a store: reads the stored choice, picks the
/// language, mounts the UI, installs `window.consentry`, runs what a stored choice grants, and
/// dispatches `consentry:ready`.
pub fn start(config: Config, store: Store) -> Result<Mounted, EmbedError> {
    let language = language_of(&config);
    start_with(config, language, "", store, Sinks::default(), Signals::default())
}

/// [`start`] on a page the loader described (its script policy, its vendors' queues); `json` is the
/// configuration's text, for the loader's vendor signals.
fn start_with(
    config: Config,
    language: String,
    json: &str,
    store: Store,
    sinks: Sinks,
    signals: Signals,
) -> Result<Mounted, EmbedError> {
    window()?;
    let document = document()?;
    if document.get_element_by_id(HOST_ID).is_some() {
        return Err(EmbedError::AlreadyMounted);
    }
    let stored = match store.load_choice(&config) {
        Some(Ok(decoded)) => Some(decoded),
        Some(Err(Unreadable::Corrupt(why))) => {
            console::warn(&format!("ignoring the stored choice ({why}); asking again"));
            None
        }
        Some(Err(Unreadable::OtherVersion(v))) => {
            console::warn(&format!("ignoring a stored choice of format version {v}; asking again"));
            None
        }
        None => None,
    };
    let session = Session::start_with_gpc(config, language, stored, platform::now(), platform::gpc());
    let ui = UiState::new(Surface::initial(session.prompt()), session.applied().clone());
    let store = Rc::new(store);
    let log = receipts::load_log(&store);
    let shown = ui.clone();
    let show_latest = Box::new(move |latest| shown.set_latest_receipt(latest));
    let receipts = Receipts::new(session.shared_config(), store.clone(), &log, show_latest);
    let runtime = Runtime::new(session, store, receipts, ui, sinks, signals);
    let (host, view) = mount(&document, &runtime)?;
    let api = match api::install(&runtime) {
        Ok(api) => api,
        Err(e) => {
            drop(view);
            host.remove();
            return Err(e.into());
        }
    };
    runtime.start(json);
    let weak = Rc::downgrade(&runtime);
    let current = move || weak.upgrade().map(|r| r.with_session(|s| s.applied().clone()));
    let observer = gating::observe(host.clone(), runtime.sinks().clone(), current)
        .map_err(|e| console::warn(&format!("content added to the page later will not be activated ({e})")))
        .ok();
    let sync = sync_listeners(&runtime)
        .map_err(|e| console::warn(&format!("choices made in other tabs will show here only after a reload ({e})")))
        .unwrap_or_default();
    events::dispatch(EventName::Ready, &Value::Null);
    Ok(Mounted { _runtime: runtime, host, view: Some(view), _api: api, _observer: observer, _sync: sync })
}

/// One choice for every tab: a `storage` event for the stored choice (another tab decided or
/// withdrew) and a `pageshow` from the back/forward cache put what storage holds in force here; in
/// cookie mode, so do `focus` and `visibilitychange` (to visible) when the cookie changed.
fn sync_listeners(runtime: &Rc<Runtime>) -> Result<Vec<Listener>, BrowserError> {
    let window = window()?;
    let weak = Rc::downgrade(runtime);
    let storage = Listener::new(&window, "storage", move |event| {
        let key = event.dyn_ref::<web_sys::StorageEvent>().and_then(web_sys::StorageEvent::key);
        // `None`: the other tab cleared all of storage.
        if key.is_none() || key.as_deref() == Some(STORAGE_KEY) {
            if let Some(runtime) = weak.upgrade() {
                runtime.sync();
            }
        }
    })?;
    let weak = Rc::downgrade(runtime);
    let restored = Listener::new(&window, "pageshow", move |event| {
        let persisted = event.dyn_ref::<web_sys::PageTransitionEvent>().is_some_and(|e| e.persisted());
        if persisted {
            if let Some(runtime) = weak.upgrade() {
                runtime.sync();
            }
        }
    })?;
    let mut listeners = vec![storage, restored];
    if runtime.cookie_backed() {
        // Cookies fire no `storage` event: another tab or subdomain's decision is read when this
        // page is looked at again.
        for (target, kind) in [
            (window.clone().unchecked_into::<web_sys::EventTarget>(), "focus"),
            (document()?.into(), "visibilitychange"),
        ] {
            let weak = Rc::downgrade(runtime);
            listeners.push(Listener::new(&target, kind, move |_| {
                let visible = document().is_ok_and(|d| !d.hidden());
                if let Some(runtime) = weak.upgrade().filter(|r| visible && r.cookie_changed()) {
                    runtime.sync();
                }
            })?);
        }
    }
    Ok(listeners)
}

/// The language the notice is shown in: the page's `lang`, then the browser's, then the default.
fn language_of(config: &Config) -> String {
    let page_lang = document().ok().and_then(|d| platform::page_language(&d));
    let browser = web_sys::window().map(|w| platform::navigator_languages(&w)).unwrap_or_default();
    i18n::negotiate(&config.languages, page_lang.as_deref(), &browser).to_string()
}

fn mount(document: &web_sys::Document, runtime: &Rc<Runtime>) -> Result<(web_sys::Element, Widget), BrowserError> {
    let host = document.create_element("div")?;
    host.set_id(HOST_ID);
    let init = web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open);
    let shadow = host.attach_shadow(&init)?;
    attach_style(document, &shadow, runtime.sinks().own_nonce())?;
    // First in <body>: keyboard users reach the notice before the rest of the page (the banner is
    // fixed-position, so where the host sits changes nothing visually).
    let body = document.body().ok_or(BrowserError::NoBody)?;
    body.insert_before(&host, body.first_child().as_ref())?;
    let widget = Widget::mount(&Dom::new(document.clone()), &shadow, runtime)?;
    Ok((host, widget))
}

/// Gives the shadow root the stylesheet as a constructed sheet (`adoptedStyleSheets`), which a
/// `style-src` without `'unsafe-inline'` does not block; where that API is missing, as a `<style>`
/// with the loader's nonce.
fn attach_style(
    document: &web_sys::Document,
    shadow: &web_sys::ShadowRoot,
    nonce: Option<&str>,
) -> Result<(), BrowserError> {
    if let Ok(sheet) = web_sys::CssStyleSheet::new() {
        if sheet.replace_sync(STYLE).is_ok() {
            shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
            return Ok(());
        }
    }
    let style = document.create_element("style")?;
    if let Some(nonce) = nonce {
        style.set_attribute("nonce", nonce)?;
    }
    style.set_text_content(Some(STYLE));
    shadow.append_child(&style)?;
    Ok(())
}
