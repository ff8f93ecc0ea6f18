//! Receipts in the browser: after each decision, build the payload, sign it with this browser's key,
//! keep it in the receipt log and deliver it to the configured endpoint without loss.
//!
//! The UI never waits: decisions are queued and a single worker signs them in order (so the
//! `prevReceiptHash` chain never forks within a page). Every change to the stored log is one
//! synchronous load-modify-save, so concurrent delivery results cannot overwrite each other.
//! Delivery ([`super::delivery`]): in the order the receipts were made (the outbox is a queue, so the
//! endpoint sees the chain in order); a 2xx stores the server's acknowledgment; a network error, 408,
//! 429 or 5xx retries with exponential backoff and jitter, and holds back the receipts behind it; any
//! other status is a permanent refusal, reported on the console and in `state()`. The outbox is
//! flushed after each receipt, on start-up, on the `online` event, when a retry is due, and with
//! `keepalive` on `pagehide`.
//!
//! The signing and delivery code is a chunk of its own ([`chunk`]), fetched the first time a
//! receipt is made or one waits to be sent. If it cannot be loaded, the decision stays stored and
//! applied, the error is reported, and the receipt is made later: at the next decision, or at the next
//! page view, whose start-up makes the receipt of a stored choice that is newer than the latest
//! receipt (this also covers a tab closed before its receipt was signed).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use consentry_model::choice::{Choice, Method};
use consentry_model::config::Config;
use consentry_model::contract::RECEIPTS_FILE;
use consentry_model::json::Value;
use consentry_model::notice::{self, Signer};
use consentry_model::receipt_log::{Added, Delivery, ReceiptLog, MAX_PENDING, STORAGE_KEY};
use consentry_model::session;
use consentry_receipt::jws;

mod chunk;

use super::crypto::{self, CryptoError, SigningKey};
use super::delivery::{self, PostResult};
use super::listener::Listener;
use super::storage::Store;
use super::{console, download, events, platform};

/// Keepalive requests may carry at most 64 KiB in flight; stay under it.
const KEEPALIVE_BUDGET: usize = 60 * 1024;

/// The latest receipt, for the preference center.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestReceipt {
    /// `consentReceiptID`.
    pub id: String,
    /// When it was made, ms since the epoch.
    pub at: i64,
}

/// The receipt worker of one page view.
pub struct Receipts {
    config: Rc<Config>,
    store: Rc<Store>,
    key: RefCell<Option<SigningKey>>,
    /// Each queued choice with the subject id identified when it was made.
    queue: RefCell<VecDeque<(Choice, Option<String>)>>,
    /// `consentry.identify(id)`, else the configuration's `subject_id`: the `subjectId` of the
    /// receipts of decisions made from now on. Kept in memory only (see `identify`).
    subject: RefCell<Option<String>>,
    /// The subject of the receipt being made now (set by the worker before each one).
    signing_subject: RefCell<Option<String>>,
    working: Cell<bool>,
    flushing: Cell<bool>,
    timer: Cell<Option<i32>>,
    listeners: RefCell<Vec<Listener>>,
    show_latest: Box<dyn Fn(Option<LatestReceipt>)>,
}

/// Reads the stored receipt log; an unreadable one is reported and replaced by an empty log.
pub fn load_log(store: &Store) -> ReceiptLog {
    match store.get(STORAGE_KEY) {
        None => ReceiptLog::default(),
        Some(raw) => ReceiptLog::decode(&raw).unwrap_or_else(|| {
            console::warn("the stored receipt log is unreadable; starting a new one");
            ReceiptLog::default()
        }),
    }
}

impl Receipts {
    /// A worker for `config`, keeping its log in `store` (`log` as loaded at start-up) and showing the
    /// latest receipt through `show_latest`.
    pub fn new(
        config: Rc<Config>,
        store: Rc<Store>,
        log: &ReceiptLog,
        show_latest: Box<dyn Fn(Option<LatestReceipt>)>,
    ) -> Rc<Receipts> {
        show_latest(log.latest().map(|i| LatestReceipt { id: i.id.clone(), at: i.at }));
        let subject = RefCell::new(config.subject_id.clone());
        Rc::new(Receipts {
            subject,
            signing_subject: RefCell::new(None),
            config,
            store,
            key: RefCell::new(None),
            queue: RefCell::new(VecDeque::new()),
            working: Cell::new(false),
            flushing: Cell::new(false),
            timer: Cell::new(None),
            listeners: RefCell::new(Vec::new()),
            show_latest,
        })
    }

    /// Starts delivery of what an earlier page view left, makes the receipt of `current` (the stored
    /// choice) if it has none yet, or of `signal` (the state a Global Privacy Control signal alone
    /// put in force, when `gpc.receipts` asks for it) if this browser has not made it for this
    /// policy and these purposes yet, and listens for `online` and `pagehide` (until the worker is
    /// dropped).
    pub fn start(self: &Rc<Self>, current: Option<&Choice>, signal: Option<Choice>) {
        let Some(window) = web_sys::window() else { return };
        let weak = Rc::downgrade(self);
        let online = Listener::new(&window, "online", move |_| {
            if let Some(r) = weak.upgrade() {
                r.flush();
            }
        });
        let weak = Rc::downgrade(self);
        let pagehide = Listener::new(&window, "pagehide", move |_| {
            if let Some(r) = weak.upgrade() {
                r.flush_keepalive();
            }
        });
        self.listeners.borrow_mut().extend(online.into_iter().chain(pagehide));
        if let Some(choice) = current {
            // A receipt is made after its decision, so a receipt at or after `updated` covers it.
            let latest = self.load().latest().map(|i| i.at);
            if latest.is_none_or(|at| choice.updated > at) {
                // A decision of an earlier page view: who made it is not known here, so no subject.
                self.queue_with(choice.clone(), None);
                return;
            }
        }
        if let Some(signal) = signal {
            if self.load().signal.as_deref() != Some(session::signal_key(&self.config).as_str()) {
                self.record(signal);
                return;
            }
        }
        self.flush();
    }

    /// Queues a receipt for a recorded choice. Returns at once; signing happens in the background.
    pub fn record(self: &Rc<Self>, choice: Choice) {
        let subject = self.subject.borrow().clone();
        self.queue_with(choice, subject);
    }

    /// `consentry.identify(id)`: the subject of the receipts of later decisions (`None` removes it).
    /// Not persisted: an id kept in `localStorage` would outlive the site's login session, and on a
    /// shared device the next person's decisions would be attributed to the previous customer. The
    /// site identifies the visitor on each page view (or renders `subject_id` in the configuration).
    pub fn identify(&self, subject: Option<String>) {
        self.subject.replace(subject);
    }

    fn queue_with(self: &Rc<Self>, choice: Choice, subject: Option<String>) {
        self.queue.borrow_mut().push_back((choice, subject));
        if self.working.replace(true) {
            return;
        }
        // After the frame that shows the decision: fetching the chunk and signing must not delay the
        // banner closing. A tab closed before then gets the receipt at its next page view (see `start`).
        let this = self.clone();
        platform::when_idle(1000, move || wasm_bindgen_futures::spawn_local(this.work()));
    }

    /// Makes the queued receipts in order, then starts delivery.
    async fn work(self: Rc<Self>) {
        loop {
            let next = self.queue.borrow_mut().pop_front();
            let Some((choice, subject)) = next else { break };
            self.signing_subject.replace(subject.clone());
            if let Err(e) = chunk::make(self.clone(), choice.clone()).await {
                // Keep it for the next attempt (the next decision retries the chunk).
                self.queue.borrow_mut().push_front((choice, subject));
                self.working.set(false);
                events::report(&e);
                return;
            }
        }
        self.working.set(false);
        self.flush();
    }

    async fn key(&self) -> Result<SigningKey, CryptoError> {
        let cached = self.key.borrow().clone();
        if let Some(k) = cached {
            return Ok(k);
        }
        let k = crypto::load_or_create().await?;
        self.key.replace(Some(k.clone()));
        Ok(k)
    }

    /// Makes, signs and stores the receipt of `choice`; a failure is reported (runs in the chunk).
    async fn make_now(&self, choice: &Choice) {
        if let Err(e) = self.make(choice).await {
            events::report(&format_args!(
                "could not make the consent receipt: {e}; the decision itself is stored and applied"
            ));
        }
    }

    async fn make(&self, choice: &Choice) -> Result<(), CryptoError> {
        let key = self.key().await?;
        let signer = Signer { principal: key.jwk.thumbprint(), prev_receipt_hash: self.load().chain, gpc: choice.gpc };
        let id = platform::new_uuid();
        let mut receipt = notice::build(&self.config, choice, &id, signer);
        receipt.subject_id = self.signing_subject.borrow().clone();
        let payload = receipt.to_json();
        let input = jws::signing_input(&jws::protected_header(&key.jwk), &payload);
        let signature = key.sign(input.as_bytes()).await?;
        let compact = jws::assemble(&input, &signature);
        let now = platform::now();
        let has_endpoint = self.config.endpoint.is_some();
        let signal = (choice.method == Method::GPC_OPT_OUT).then(|| session::signal_key(&self.config));
        let added = self.update(|log| {
            if signal.is_some() {
                log.signal = signal;
            }
            log.add(&id, &compact, now, has_endpoint)
        });
        if added == Added::OutboxFull {
            events::report(&format_args!(
                "the receipt outbox is full ({MAX_PENDING} receipts wait for the endpoint); receipt {id} is kept locally but not sent"
            ));
        }
        (self.show_latest)(Some(LatestReceipt { id, at: now }));
        Ok(())
    }

    fn load(&self) -> ReceiptLog {
        load_log(&self.store)
    }

    /// One synchronous load-modify-save of the log.
    fn update<R>(&self, f: impl FnOnce(&mut ReceiptLog) -> R) -> R {
        let mut log = self.load();
        let r = f(&mut log);
        self.store.set(STORAGE_KEY, &log.encode());
        r
    }

    /// Starts a delivery round if there is an endpoint and something waits for it (so the chunk is not
    /// fetched for nothing), unless one is running.
    pub fn flush(self: &Rc<Self>) {
        if self.config.endpoint.is_none() || self.load().pending().next().is_none() {
            return;
        }
        if self.flushing.replace(true) {
            return;
        }
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = chunk::flush(this.clone()).await {
                this.flushing.set(false);
                events::report(&e);
            }
        });
    }

    /// Sends the due receipts one at a time, oldest first, then schedules the next retry. A receipt
    /// that must be retried stops the round, so no later receipt overtakes it (runs in the chunk).
    async fn flush_round(self: Rc<Self>) {
        let this = self;
        let Some(endpoint) = this.config.endpoint.clone() else {
            this.flushing.set(false);
            return;
        };
        {
            for item in this.load().due(platform::now()) {
                let result = delivery::post(&endpoint, &item.jws).await;
                let now = platform::now();
                this.update(|log| match &result {
                    PostResult::Delivered(ack) => log.delivered(&item.id, ack.clone()),
                    PostResult::Retry(_) => log.failed(&item.id, now, platform::jitter()),
                    PostResult::Refused { .. } => log.rejected(&item.id),
                });
                match result {
                    PostResult::Refused { status, body } => events::report(&format_args!(
                        "the receipt endpoint refused receipt {} (HTTP {status}: {body}); it stays in the downloadable receipts",
                        item.id
                    )),
                    PostResult::Retry(why) => {
                        console::warn(&format!("receipt {} not delivered yet ({why}); will retry", item.id));
                        break;
                    }
                    PostResult::Delivered(_) => {}
                }
            }
            this.flushing.set(false);
            this.schedule(Rc::downgrade(&this));
        }
    }

    fn schedule(&self, weak: Weak<Receipts>) {
        let Some(window) = web_sys::window() else { return };
        if let Some(t) = self.timer.take() {
            window.clear_timeout_with_handle(t);
        }
        let Some(due) = self.load().next_due() else { return };
        let delay = (due - platform::now()).clamp(0, i64::from(i32::MAX)) as i32;
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

    /// On `pagehide`: hand the oldest pending receipt to the browser with `keepalive`, so it is sent
    /// even as the page goes away. Only one: two requests in flight may arrive in either order, and a
    /// later receipt must not overtake an earlier one. The outcome is not seen; receipts stay pending
    /// and are sent (again, the server is idempotent by receipt id), in order, on the next page view.
    fn flush_keepalive(&self) {
        let Some(endpoint) = &self.config.endpoint else { return };
        if let Some(head) = self.load().pending().next() {
            if head.jws.len() <= KEEPALIVE_BUDGET {
                let _ = delivery::send_keepalive(endpoint, &head.jws);
            }
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
        if let Err(e) = download::offer_json(RECEIPTS_FILE, &self.load().export()) {
            events::report(&format_args!("could not offer the receipts for download: {e}"));
        }
    }
}

impl Drop for Receipts {
    fn drop(&mut self) {
        if let (Some(t), Some(window)) = (self.timer.take(), web_sys::window()) {
            window.clear_timeout_with_handle(t);
        }
    }
}
