//! Where the choice is kept: `localStorage`, the cookie `consentry` (`storage: "cookie"`), or
//! memory when neither can be used.
//!
//! Every storage call is checked. Storage may be missing, blocked by the browser's cookie settings,
//! full, or replaced by a page script that throws; in each case the widget falls back to memory for
//! the rest of the page view, so the page still works and the visitor's decision still applies.
//! (gloo-storage was the first choice here, but its `LocalStorage` throws a JS exception from inside
//! the module on exactly these failures, which would abandon the widget mid-call.)
//!
//! In cookie mode only the choice moves to the cookie; the receipt log stays in `localStorage`
//! (receipts are per origin: each subdomain keeps its own chain).

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use web_sys::Storage;

use consentry_model::choice::Choice;
use consentry_model::config::{Config, CookieDomain, StorageMode};
use consentry_model::cookie_storage::{check_domain, cookie_values, probe_candidates, reconcile};
use consentry_model::record::{self, compact, Decoded, Unreadable, STORAGE_KEY};
pub use consentry_model::session::Backend;

mod chunk;

use super::error::describe;
use super::{console, platform};

/// The cookie's name (the same as the `localStorage` key).
const COOKIE: &str = STORAGE_KEY;
/// The cookie set and read back to learn whether the browser accepts a `Domain`.
const PROBE: &str = "consentry_probe";

/// A key-value store for one string value per key, and the stored choice.
pub struct Store {
    local: RefCell<Option<Storage>>,
    memory: RefCell<Vec<(String, String)>>,
    /// `Some` in cookie mode: the jar while `document.cookie` works, `None` inside once it failed.
    /// Its code is in the `cookies` chunk ([`chunk`]), fetched only in cookie mode.
    cookie: Option<RefCell<Option<Box<dyn CookieJar>>>>,
    /// Why an explicit `cookie_domain` is not used, until [`Store::take_domain_refusal`].
    refused: RefCell<Option<DomainRefused>>,
}

/// `document.cookie`, with the attributes every write of the choice carries.
struct Jar {
    doc: web_sys::HtmlDocument,
    /// The `Domain` attribute; `None`: host-only.
    domain: Option<String>,
    /// `; Secure` on an https page.
    secure: bool,
    /// The `consentry` values seen at the last read or write, to tell a change made elsewhere.
    seen: String,
}

/// The cookie could not be read or written: why.
pub(crate) struct Blocked(pub(crate) String);

/// The cookie backend, behind a trait object so that its code (the codec, probing, duplicates)
/// lives in the `cookies` chunk, not in the first module of every site.
pub(crate) trait CookieJar {
    /// Every `consentry` value, decoded; the newest wins (see [`Jar::read`]).
    fn read(&mut self, config: &Config) -> Result<Option<Result<Decoded, Unreadable>>, Blocked>;
    /// Writes `choice`.
    fn write(&mut self, choice: &Choice) -> Result<(), Blocked>;
    /// Whether the cookie changed since this page last read or wrote it.
    fn changed(&self) -> bool;
}

impl CookieJar for Jar {
    fn read(&mut self, config: &Config) -> Result<Option<Result<Decoded, Unreadable>>, Blocked> {
        Jar::read(self, config)
    }
    fn write(&mut self, choice: &Choice) -> Result<(), Blocked> {
        Jar::write(self, choice)
    }
    fn changed(&self) -> bool {
        self.values().is_ok_and(|v| v != self.seen)
    }
}

/// What opening the jar gave: the jar and why an explicit domain was not used, or why cookies
/// cannot be used at all.
pub(crate) type Opened = Result<(Box<dyn CookieJar>, Option<DomainRefused>), Blocked>;

/// Opens the jar (the `cookies` chunk's entry).
pub(crate) fn open_jar(domain: &CookieDomain) -> Opened {
    Jar::open(domain).map(|(jar, refused)| (Box::new(jar) as Box<dyn CookieJar>, refused))
}

impl Store {
    /// Opens `localStorage` if it can be used, else memory.
    pub fn open() -> Self {
        let local = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        Self { local: RefCell::new(local), memory: RefCell::new(Vec::new()), cookie: None, refused: RefCell::new(None) }
    }

    /// Opens the store `storage` asks for: [`Store::open`], or in cookie mode the cookie for the
    /// choice (its domain found now), with `localStorage` for the receipt log.
    /// In cookie mode the cookie code is fetched first (its chunk); if it cannot be had, the choice
    /// is kept in memory for the page view and the failure is reported.
    pub async fn open_for(storage: &StorageMode) -> Self {
        let mut store = Self::open();
        if let StorageMode::Cookie(domain) = storage {
            let opened = chunk::open(domain.clone()).await.unwrap_or_else(|e| Err(Blocked(e.to_string())));
            let jar = match opened {
                Ok((jar, refused)) => {
                    store.refused.replace(refused);
                    Some(jar)
                }
                Err(Blocked(why)) => {
                    console::warn(&format!(
                        "cookies cannot be used ({why}); the choice is kept in memory for this page only"
                    ));
                    None
                }
            };
            store.cookie = Some(RefCell::new(jar));
        }
        store
    }

    /// Why the configured `cookie_domain` is not used (once): the widget reports it once it runs.
    pub fn take_domain_refusal(&self) -> Option<impl std::fmt::Display> {
        self.refused.take()
    }

    /// A store that only ever uses memory.
    pub fn memory_only() -> Self {
        Self { local: RefCell::new(None), memory: RefCell::new(Vec::new()), cookie: None, refused: RefCell::new(None) }
    }

    /// The backend the choice is kept in.
    pub fn backend(&self) -> Backend {
        match &self.cookie {
            Some(jar) if jar.borrow().is_some() => Backend::Cookie,
            Some(_) => Backend::Memory,
            None if self.local.borrow().is_some() => Backend::Local,
            None => Backend::Memory,
        }
    }

    /// The stored choice, decoded against `config`: `None` if there is none.
    pub fn load_choice(&self, config: &Config) -> Option<Result<Decoded, Unreadable>> {
        let Some(cell) = &self.cookie else {
            return self.get(STORAGE_KEY).map(|raw| record::decode(&raw, config));
        };
        let read = cell.borrow_mut().as_mut().map(|jar| jar.read(config));
        match read {
            Some(Ok(None)) => return self.migrate(config),
            Some(Ok(found)) => return found,
            Some(Err(Blocked(why))) => self.cookie_failed("read", &why),
            None => {}
        }
        self.memory_get(STORAGE_KEY).map(|raw| record::decode(&raw, config))
    }

    /// No cookie yet on a site that switched to `storage: "cookie"`: the choice this origin kept in
    /// `localStorage` applies, and moves into the cookie when it is complete and current (a
    /// choice that must be asked again stays where it is until the decision writes the cookie).
    fn migrate(&self, config: &Config) -> Option<Result<Decoded, Unreadable>> {
        let decoded = record::decode(&self.get(STORAGE_KEY)?, config);
        if let Ok(d) = &decoded {
            if Choice::prompt_reason(Some(&d.choice), config, platform::now(), &d.asked).is_none() {
                self.save_choice(&d.choice);
                if self.backend() == Backend::Cookie {
                    if let Some(storage) = self.local.borrow().as_ref() {
                        let _ = storage.remove_item(STORAGE_KEY);
                    }
                }
            }
        }
        Some(decoded)
    }

    /// Keeps `choice` as the stored one.
    pub fn save_choice(&self, choice: &Choice) {
        let Some(cell) = &self.cookie else {
            return self.set(STORAGE_KEY, &record::encode(choice));
        };
        let written = cell.borrow_mut().as_mut().map(|jar| jar.write(choice));
        match written {
            Some(Ok(())) => return,
            Some(Err(Blocked(why))) => self.cookie_failed("write", &why),
            None => {}
        }
        self.memory_set(STORAGE_KEY, &record::encode(choice));
    }

    /// In cookie mode, whether the cookie changed since this page last read or wrote it (another
    /// tab or subdomain decided: cookies fire no `storage` event).
    pub fn cookie_changed(&self) -> bool {
        let Some(cell) = &self.cookie else { return false };
        let jar = cell.borrow();
        jar.as_ref().is_some_and(|jar| jar.changed())
    }

    /// Reads `key`. A failing `localStorage` switches the store to memory.
    pub fn get(&self, key: &str) -> Option<String> {
        let local = self.local.borrow().clone();
        if let Some(storage) = local {
            match storage.get_item(key) {
                Ok(value) => return value,
                Err(e) => self.fall_back("read", &e),
            }
        }
        self.memory_get(key)
    }

    /// Writes `key`. A failing `localStorage` switches the store to memory, keeping the value there.
    pub fn set(&self, key: &str, value: &str) {
        let local = self.local.borrow().clone();
        if let Some(storage) = local {
            match storage.set_item(key, value) {
                Ok(()) => return,
                Err(e) => self.fall_back("write", &e),
            }
        }
        self.memory_set(key, value);
    }

    fn memory_get(&self, key: &str) -> Option<String> {
        self.memory.borrow().iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    fn memory_set(&self, key: &str, value: &str) {
        let mut memory = self.memory.borrow_mut();
        memory.retain(|(k, _)| k != key);
        memory.push((key.to_string(), value.to_string()));
    }

    fn fall_back(&self, what: &str, error: &wasm_bindgen::JsValue) {
        self.local.replace(None);
        console::warn(&format!(
            "localStorage could not {what} ({}); the choice is kept in memory for this page only",
            describe(error)
        ));
    }

    fn cookie_failed(&self, what: &str, why: &str) {
        if let Some(cell) = &self.cookie {
            cell.replace(None);
        }
        console::warn(&format!("the cookie could not {what} ({why}); the choice is kept in memory for this page only"));
    }
}

/// An explicit `cookie_domain` that cannot be used here: reported as a `consentry:` error.
pub struct DomainRefused(String);

impl std::fmt::Display for DomainRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cookie_domain {}; the choice is kept in a cookie for this host only", self.0)
    }
}

impl Jar {
    /// The jar of this page, its `Domain` found by probing (`auto`) or checked (an explicit domain).
    fn open(domain: &CookieDomain) -> Result<(Jar, Option<DomainRefused>), Blocked> {
        let window = web_sys::window().ok_or_else(|| Blocked("no window".into()))?;
        let doc = window
            .document()
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
            .ok_or_else(|| Blocked("no HTML document".into()))?;
        let location = window.location();
        let host = location.hostname().unwrap_or_default();
        let secure = location.protocol().is_ok_and(|p| p == "https:");
        let mut jar = Jar { doc, domain: None, secure, seen: String::new() };
        // Host-only first: if even that is refused, cookies are off.
        if !jar.accepts(None)? {
            return Err(Blocked("the browser refuses them".into()));
        }
        let mut refused = None;
        jar.domain = match domain {
            CookieDomain::Auto => {
                let mut found = None;
                for candidate in probe_candidates(&host) {
                    if jar.accepts(Some(candidate.as_str()))? {
                        found = Some(candidate);
                        break;
                    }
                }
                found
            }
            CookieDomain::Explicit(wanted) => match check_domain(wanted, &host) {
                Ok(d) if jar.accepts(Some(d.as_str()))? => Some(d),
                Ok(d) => {
                    refused =
                        Some(DomainRefused(format!("\"{d}\": the browser refuses a cookie for it (a public suffix?)")));
                    None
                }
                Err(why) => {
                    refused = Some(DomainRefused(why));
                    None
                }
            },
        };
        Ok((jar, refused))
    }

    /// Whether a test cookie set with `domain` (host-only: `None`) reads back; it is deleted again.
    fn accepts(&self, domain: Option<&str>) -> Result<bool, Blocked> {
        let token = ((js_sys::Math::random() * 1e9) as u32).to_string();
        let scope = domain.map(|d| format!("; Domain={d}")).unwrap_or_default();
        self.assign(&format!("{PROBE}={token}; Path=/; SameSite=Lax{scope}{}", self.secure_attr()))?;
        let accepted = cookie_values(&self.all()?, PROBE).contains(&token.as_str());
        if accepted {
            self.assign(&format!("{PROBE}=; Path=/; Max-Age=0{scope}{}", self.secure_attr()))?;
        }
        Ok(accepted)
    }

    /// Every `consentry` value, decoded; the newest wins, and duplicates are replaced by one cookie
    /// on the shared domain.
    fn read(&mut self, config: &Config) -> Result<Option<Result<Decoded, Unreadable>>, Blocked> {
        let all = self.all()?;
        let values = cookie_values(&all, COOKIE);
        self.seen = values.join(";");
        let decoded: Vec<Result<Decoded, Unreadable>> = values.iter().map(|v| compact::decode(v, config)).collect();
        let updated: Vec<Option<i64>> = decoded.iter().map(|d| d.as_ref().ok().map(|d| d.choice.updated)).collect();
        let Some((winner, rewrite)) = reconcile(&updated) else {
            // Nothing readable: the first reason, for the warning.
            return Ok(decoded.into_iter().next());
        };
        let Some(Ok(found)) = decoded.into_iter().nth(winner) else { return Ok(None) };
        if rewrite {
            self.clear_others()?;
            self.write(&found.choice)?;
        }
        Ok(Some(Ok(found)))
    }

    /// Writes `choice` on the shared domain (after expiring a host-only duplicate).
    fn write(&mut self, choice: &Choice) -> Result<(), Blocked> {
        let max_age = (choice.expires - platform::now()).max(0) / 1000;
        let secure = self.secure_attr();
        if let Some(domain) = &self.domain {
            self.assign(&format!("{COOKIE}=; Path=/; Max-Age=0{secure}"))?;
            self.assign(&format!(
                "{COOKIE}={}; Path=/; SameSite=Lax; Max-Age={max_age}; Domain={domain}{secure}",
                compact::encode(choice)
            ))?;
        } else {
            self.assign(&format!(
                "{COOKIE}={}; Path=/; SameSite=Lax; Max-Age={max_age}{secure}",
                compact::encode(choice)
            ))?;
        }
        self.seen = self.values()?;
        Ok(())
    }

    /// Expires `consentry` on every domain this page can name but the shared one.
    fn clear_others(&self) -> Result<(), Blocked> {
        let secure = self.secure_attr();
        self.assign(&format!("{COOKIE}=; Path=/; Max-Age=0{secure}"))?;
        let host = web_sys::window().and_then(|w| w.location().hostname().ok()).unwrap_or_default();
        for candidate in probe_candidates(&host) {
            if self.domain.as_deref() != Some(candidate.as_str()) {
                self.assign(&format!("{COOKIE}=; Path=/; Max-Age=0; Domain={candidate}{secure}"))?;
            }
        }
        Ok(())
    }

    fn values(&self) -> Result<String, Blocked> {
        Ok(cookie_values(&self.all()?, COOKIE).join(";"))
    }

    fn secure_attr(&self) -> &'static str {
        if self.secure {
            "; Secure"
        } else {
            ""
        }
    }

    fn all(&self) -> Result<String, Blocked> {
        self.doc.cookie().map_err(|e| Blocked(describe(&e)))
    }

    fn assign(&self, cookie: &str) -> Result<(), Blocked> {
        self.doc.set_cookie(cookie).map_err(|e| Blocked(describe(&e)))
    }
}
