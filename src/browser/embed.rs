//! Start-up on a site owner's page: find the configuration, validate it, start the session and mount
//! the widget inside an open shadow root on `<div id="consentry">`, so that the page's CSS cannot reach
//! it and its CSS cannot leak. A refused configuration mounts nothing and grants nothing.

use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::app::App;
use crate::config::Config;
use crate::events::{self, EventName};
use crate::record::{self, Unreadable, STORAGE_KEY};
use crate::session::Session;
use crate::storage::Store;
use crate::ui::Widget;

/// The id of the host element.
pub const HOST_ID: &str = "consentry";
/// The id of the inline configuration script.
pub const CONFIG_ID: &str = "consentry-config";
/// The widget's stylesheet, injected into its shadow root.
pub const STYLE: &str = include_str!("../style/consentry.css");

/// Entry point called by `consentry.js` once the module is instantiated. `config_url` is the absolute
/// URL from the script's `data-config` attribute, if it has one.
#[wasm_bindgen]
pub fn boot(config_url: Option<String>) {
    wasm_bindgen_futures::spawn_local(async move {
        let source = match config_url {
            Some(url) => {
                fetch_text(&url).await.map_err(|e| format!("could not load the configuration from {url}: {e}"))
            }
            None => inline_config(),
        };
        let result = source.and_then(|json| Config::from_json(&json).map_err(|e| e.to_string()));
        match result {
            Ok(config) => {
                if let Err(e) = start(config, Store::open()) {
                    events::error(&e);
                }
            }
            Err(message) => events::error(&message),
        }
    });
}

fn inline_config() -> Result<String, String> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(CONFIG_ID))
        .and_then(|el| el.text_content())
        .ok_or_else(|| {
            format!("no configuration found: add <script type=\"application/json\" id=\"{CONFIG_ID}\"> or a data-config URL to the script tag")
        })
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url)).await.map_err(|e| events::describe(&e))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let text = response.text().map_err(|e| events::describe(&e))?;
    JsFuture::from(text).await.map_err(|e| events::describe(&e))?.as_string().ok_or_else(|| "empty body".into())
}

/// Starts the widget with a validated configuration and a store: reads the stored choice, picks the
/// language, mounts the UI, installs `window.consentry`, runs what a stored choice grants, and
/// dispatches `consentry:ready`.
pub fn start(config: Config, store: Store) -> Result<Rc<App>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    if document.get_element_by_id(HOST_ID).is_some() {
        return Err(format!("an element with id \"{HOST_ID}\" already exists: is the script included twice?"));
    }
    let stored = match store.get(STORAGE_KEY).map(|raw| record::decode(&raw, &config)) {
        Some(Ok(decoded)) => Some(decoded),
        Some(Err(Unreadable::Corrupt(why))) => {
            events::warn(&format!("ignoring the stored choice ({why}); asking again"));
            None
        }
        Some(Err(Unreadable::OtherVersion(v))) => {
            events::warn(&format!("ignoring a stored choice of format version {v}; asking again"));
            None
        }
        None => None,
    };
    let page_lang = document.document_element().and_then(|e| e.get_attribute("lang"));
    let browser: Vec<String> = window.navigator().languages().iter().filter_map(|v| v.as_string()).collect();
    let language = crate::i18n::negotiate(&config.languages, page_lang.as_deref(), &browser).to_string();
    let session = Session::start(config, language, stored, crate::app::now());
    let app = App::new(session, store);
    let host = mount(&document, &app)?;
    crate::api::install(&app)?;
    app.start();
    let weak = Rc::downgrade(&app);
    crate::gating::observe(host, move || weak.upgrade().map(|a| a.with_session(|s| s.applied().clone())));
    events::dispatch(EventName::Ready, &crate::json::Value::Null);
    Ok(app)
}

fn mount(document: &web_sys::Document, app: &Rc<App>) -> Result<web_sys::Element, String> {
    let js = |e: JsValue| events::describe(&e);
    let host = document.create_element("div").map_err(js)?;
    host.set_id(HOST_ID);
    let init = web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open);
    let shadow = host.attach_shadow(&init).map_err(js)?;
    let style = document.create_element("style").map_err(js)?;
    style.set_text_content(Some(STYLE));
    shadow.append_child(&style).map_err(js)?;
    let root: web_sys::HtmlElement = document.create_element("div").map_err(js)?.unchecked_into();
    shadow.append_child(&root).map_err(js)?;
    // First in <body>: keyboard users reach the notice before the rest of the page (the banner is
    // fixed-position, so where the host sits changes nothing visually).
    let body = document.body().ok_or("the page has no <body>")?;
    body.insert_before(&host, body.first_child().as_ref()).map_err(js)?;
    let app = app.clone();
    let handle = leptos::mount::mount_to(root, move || {
        let ctx = crate::ui::WidgetCtx::new(app.clone());
        view! { <Widget ctx=ctx /> }
    });
    handle.forget();
    Ok(host)
}
