//! Receipts in the browser: after each decision, build the payload, sign it with this browser's key,
//! keep it in the receipt log and deliver it to the configured endpoint without loss.
//!
//! The UI never waits: decisions are queued and a single worker signs them in order (so the
//! `prevReceiptHash` chain never forks within a page). Every change to the stored log is one
//! synchronous load-modify-save, so concurrent delivery results cannot overwrite each other.
//! Delivery: `POST` with `Content-Type: application/jose`; a 2xx stores the server's acknowledgment;
//! a network error, 408, 429 or 5xx retries with exponential backoff and jitter; any other 4xx is a
//! permanent refusal, reported on the console and in `state()`. The outbox is flushed after each
//! receipt, on start-up, on the `online` event, when a retry is due, and with `keepalive` on `pagehide`.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use consentry_receipt::json::Value;
use consentry_receipt::jws;

use crate::choice::Choice;
use crate::config::Config;
use crate::crypto::{self, SigningKey};
use crate::events;
use crate::receipt::{self, Signer};
use crate::receipt_log::{Added, Delivery, ReceiptLog, STORAGE_KEY};
use crate::storage::Store;

/// Keepalive requests may carry at most 64 KiB in flight; stay under it.
const KEEPALIVE_BUDGET: usize = 60 * 1024;

/// The latest receipt, for the preference center.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Latest {
    /// `consentReceiptID`.
    pub id: String,
    /// When it was made, ms since the epoch.
    pub at: i64,
}

/// The receipt worker of one page view.
pub struct Receipts {
    config: Config,
    store: Rc<Store>,
    key: RefCell<Option<SigningKey>>,
    queue: RefCell<VecDeque<Choice>>,
    working: Cell<bool>,
    flushing: Cell<bool>,
    timer: Cell<Option<i32>>,
    /// The latest receipt, as the UI shows it.
    pub latest: RwSignal<Option<Latest>>,
}

enum Outcome {
    Delivered(String),
    Retry(String),
    Refused(u16, String),
}

impl Receipts {
    /// A worker for `config`, keeping its log in `store`.
    pub fn new(config: Config, store: Rc<Store>) -> Rc<Receipts> {
        let receipts = Rc::new(Receipts {
            config,
            store,
            key: RefCell::new(None),
            queue: RefCell::new(VecDeque::new()),
            working: Cell::new(false),
            flushing: Cell::new(false),
            timer: Cell::new(None),
            latest: RwSignal::new(None),
        });
        let log = receipts.load();
        receipts.latest.set(log.latest().map(|i| Latest { id: i.id.clone(), at: i.at }));
        receipts
    }

    /// Starts delivery of what an earlier page view left, and listens for `online` and `pagehide`.
    pub fn start(self: &Rc<Self>) {
        let Some(window) = web_sys::window() else { return };
        let weak = Rc::downgrade(self);
        listen(&window, "online", move || {
            if let Some(r) = weak.upgrade() {
                r.flush();
            }
        });
        let weak = Rc::downgrade(self);
        listen(&window, "pagehide", move || {
            if let Some(r) = weak.upgrade() {
                r.flush_keepalive();
            }
        });
        self.flush();
    }

    /// Queues a receipt for a recorded choice. Returns at once; signing happens in the background.
    pub fn record(self: &Rc<Self>, choice: Choice) {
        self.queue.borrow_mut().push_back(choice);
        if self.working.replace(true) {
            return;
        }
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let next = this.queue.borrow_mut().pop_front();
                let Some(choice) = next else { break };
                if let Err(e) = this.make(&choice).await {
                    events::error(&format!(
                        "could not make the consent receipt: {e}; the decision itself is stored and applied"
                    ));
                }
            }
            this.working.set(false);
            this.flush();
        });
    }

    async fn key(&self) -> Result<SigningKey, String> {
        let cached = self.key.borrow().clone();
        if let Some(k) = cached {
            return Ok(k);
        }
        let k = crypto::load_or_create().await.map_err(|e| e.0)?;
        self.key.replace(Some(k.clone()));
        Ok(k)
    }

    async fn make(&self, choice: &Choice) -> Result<(), String> {
        let key = self.key().await?;
        let signer = Signer { principal: key.jwk.thumbprint(), prev_receipt_hash: self.load().chain, gpc: gpc() };
        let id = crate::app::new_consent_id();
        let payload = receipt::build(&self.config, choice, &id, signer).to_json();
        let input = jws::signing_input(&jws::protected_header(&key.jwk), &payload);
        let signature = key.sign(input.as_bytes()).await.map_err(|e| e.0)?;
        let compact = jws::assemble(&input, &signature);
        let now = crate::app::now();
        let has_endpoint = self.config.endpoint.is_some();
        let added = self.update(|log| log.add(&id, &compact, now, has_endpoint));
        if added == Added::OutboxFull {
            events::error(&format!(
                "the receipt outbox is full ({} receipts wait for the endpoint); receipt {id} is kept locally but not sent",
                crate::receipt_log::MAX_PENDING
            ));
        }
        self.latest.set(Some(Latest { id, at: now }));
        Ok(())
    }

    fn load(&self) -> ReceiptLog {
        match self.store.get(STORAGE_KEY) {
            None => ReceiptLog::default(),
            Some(raw) => ReceiptLog::decode(&raw).unwrap_or_else(|| {
                events::warn("the stored receipt log is unreadable; starting a new one");
                ReceiptLog::default()
            }),
        }
    }

    /// One synchronous load-modify-save of the log.
    fn update<R>(&self, f: impl FnOnce(&mut ReceiptLog) -> R) -> R {
        let mut log = self.load();
        let r = f(&mut log);
        self.store.set(STORAGE_KEY, &log.encode());
        r
    }

    /// Sends every due receipt, one at a time, then schedules the next retry.
    pub fn flush(self: &Rc<Self>) {
        let Some(endpoint) = self.config.endpoint.clone() else { return };
        if self.flushing.replace(true) {
            return;
        }
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            for item in this.load().due(crate::app::now()) {
                let outcome = post(&endpoint, &item.jws, false).await;
                let now = crate::app::now();
                this.update(|log| match &outcome {
                    Outcome::Delivered(ack) => log.delivered(&item.id, ack.clone()),
                    Outcome::Retry(_) => log.failed(&item.id, now, js_sys::Math::random()),
                    Outcome::Refused(..) => log.rejected(&item.id),
                });
                match outcome {
                    Outcome::Refused(status, body) => events::error(&format!(
                        "the receipt endpoint refused receipt {} (HTTP {status}: {body}); it stays in the downloadable receipts",
                        item.id
                    )),
                    Outcome::Retry(why) => events::warn(&format!("receipt {} not delivered yet ({why}); will retry", item.id)),
                    Outcome::Delivered(_) => {}
                }
            }
            this.flushing.set(false);
            this.schedule(Rc::downgrade(&this));
        });
    }

    fn schedule(&self, weak: Weak<Receipts>) {
        let Some(window) = web_sys::window() else { return };
        if let Some(t) = self.timer.take() {
            window.clear_timeout_with_handle(t);
        }
        let Some(due) = self.load().next_due() else { return };
        let delay = (due - crate::app::now()).clamp(0, i64::from(i32::MAX)) as i32;
        let cb = Closure::once_into_js(move || {
            if let Some(r) = weak.upgrade() {
                r.timer.set(None);
                r.flush();
            }
        });
        if let Ok(t) = window.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), delay) {
            self.timer.set(Some(t));
        }
    }

    /// On `pagehide`: hand every pending receipt to the browser with `keepalive`, so it is sent even
    /// as the page goes away. The outcome is not seen; receipts stay pending and are sent again on the
    /// next visit (the server is idempotent by receipt id).
    fn flush_keepalive(&self) {
        let Some(endpoint) = &self.config.endpoint else { return };
        let mut budget = KEEPALIVE_BUDGET;
        for item in self.load().pending() {
            if item.jws.len() > budget {
                break;
            }
            budget -= item.jws.len();
            let _ = request(endpoint, &item.jws, true);
        }
    }

    /// The `receipts` member of `state()`.
    pub fn summary(&self) -> Value {
        let log = self.load();
        let count = |d: Delivery| log.items.iter().filter(|i| i.delivery == d).count() as i64;
        Value::object([
            ("count", Value::int(log.items.len() as i64)),
            ("pending", Value::int(count(Delivery::Pending))),
            ("delivered", Value::int(count(Delivery::Delivered))),
            ("rejected", Value::int(count(Delivery::Rejected))),
            ("overflow", Value::int(log.overflow as i64)),
            ("trimmed", Value::int(log.trimmed as i64)),
            ("signing", Value::Bool(self.working.get())),
            (
                "latest",
                Value::opt(log.latest(), |i| Value::object([("id", Value::str(&i.id)), ("at", Value::int(i.at))])),
            ),
        ])
    }

    /// Offers the visitor their receipts as a JSON file.
    pub fn download(&self) {
        if let Err(e) = download_file("consent-receipts.json", &self.load().export()) {
            events::error(&format!("could not offer the receipts for download: {}", events::describe(&e)));
        }
    }
}

fn listen(window: &web_sys::Window, event: &str, f: impl Fn() + 'static) {
    let cb = Closure::<dyn Fn()>::new(f);
    let _ = window.add_event_listener_with_callback(event, cb.as_ref().unchecked_ref());
    cb.forget();
}

/// Whether the browser sends a Global Privacy Control signal.
pub fn gpc() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"globalPrivacyControl".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

fn request(endpoint: &str, body: &str, keepalive: bool) -> Result<js_sys::Promise, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let headers = web_sys::Headers::new()?;
    headers.append("content-type", "application/jose")?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(body));
    init.set_mode(web_sys::RequestMode::Cors);
    init.set_credentials(web_sys::RequestCredentials::Omit);
    // `keepalive` is not in web-sys's stable bindings; set it as a plain property.
    js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::from_bool(keepalive))?;
    Ok(window.fetch_with_str_and_init(endpoint, &init))
}

async fn post(endpoint: &str, body: &str, keepalive: bool) -> Outcome {
    let response = match request(endpoint, body, keepalive) {
        Ok(p) => JsFuture::from(p).await,
        Err(e) => Err(e),
    };
    let response: web_sys::Response = match response.and_then(|r| r.dyn_into()) {
        Ok(r) => r,
        Err(e) => return Outcome::Retry(format!("network: {}", events::describe(&e))),
    };
    let status = response.status();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()).unwrap_or_default(),
        Err(_) => String::new(),
    };
    match status {
        200..=299 => Outcome::Delivered(text),
        408 | 429 | 500..=599 => Outcome::Retry(format!("HTTP {status}")),
        _ => Outcome::Refused(status, text.chars().take(300).collect()),
    }
}

fn download_file(name: &str, text: &str) -> Result<(), JsValue> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}
