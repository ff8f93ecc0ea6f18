//! The site owner's configuration: its types, and the parser that refuses anything invalid or
//! non-compliant with a message naming the field and the rule.
//!
//! The parser reads JSON into a [`crate::json::Value`] and walks it with a path-tracking reader
//! (`reader.rs`) instead of deriving `Deserialize`: that gives precise messages (`purposes[1].description:
//! missing`) and lets compliance rules (nothing on by default, no legal basis but consent) be refused
//! with their own explanation. A `Config` that exists is valid: the rest of the widget never re-checks it.

mod error;
mod ids;
mod integrations;
mod reader;
mod text;

use crate::json::{self, Value};

pub use error::ConfigError;
pub use ids::{PurposeId, ServiceId, ServiceKey};
pub use integrations::{
    ConsentMode, ConsentType, Integrations, MatomoMode, RegionDefault, DEFAULT_DATA_LAYER, DEFAULT_WAIT_FOR_UPDATE,
    MAX_WAIT_FOR_UPDATE, MIN_WAIT_FOR_UPDATE,
};
pub use text::Text;

use crate::cookies::CookiePattern;
use crate::i18n::{self, TextKey};
use reader::{join, kind, string_at, text_at, Obj, Result};

/// Default number of days a choice is kept before asking again (about six months, as the CNIL recommends).
pub const DEFAULT_EXPIRY_DAYS: u32 = 182;
/// The longest a choice may be kept (13 months).
pub const MAX_EXPIRY_DAYS: u32 = 395;
/// The jurisdiction recorded in receipts when the configuration names none.
pub const DEFAULT_JURISDICTION: &str = "EU";

/// A validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Version of the policy; a change asks every visitor again.
    pub policy_version: String,
    /// Who is responsible for the processing.
    pub controller: Controller,
    /// Offered languages; the first is the default.
    pub languages: Vec<String>,
    /// Days a choice is kept before asking again.
    pub expiry_days: u32,
    /// Where receipts are posted, if anywhere.
    pub endpoint: Option<String>,
    /// The jurisdiction recorded in receipts (Kantara `jurisdiction`), `"EU"` unless configured.
    pub jurisdiction: String,
    /// The purposes, in display order.
    pub purposes: Vec<Purpose>,
    /// Presentation settings.
    pub ui: UiConfig,
    /// The vendors' consent APIs to signal (Consent Mode, UET, Clarity, Meta, Matomo).
    pub integrations: Integrations,
    /// How a Global Privacy Control signal is honored.
    pub gpc: GpcConfig,
    /// `subject_id`: the site's own opaque, pseudonymous customer id, written in the receipts of this
    /// page view's decisions (`subjectId`) until `consentry.identify` changes it. Never an e-mail.
    pub subject_id: Option<String>,
    /// `storage` and `cookie_domain`: where the choice is kept.
    pub storage: StorageMode,
}

/// `storage`: where the choice is kept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StorageMode {
    /// `"local"`: `localStorage["consentry"]`, per origin (the default).
    #[default]
    Local,
    /// `"cookie"`: the cookie `consentry`, shared with the subdomains of `cookie_domain`.
    Cookie(CookieDomain),
}

impl StorageMode {
    /// The configuration's names, in the order the schema lists them.
    pub const NAMES: [&'static str; 2] = ["local", "cookie"];

    /// The configuration's name for it.
    pub fn name(&self) -> &'static str {
        match self {
            StorageMode::Local => "local",
            StorageMode::Cookie(_) => "cookie",
        }
    }
}

/// `cookie_domain`: the `Domain` attribute of the cookie.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CookieDomain {
    /// `"auto"`: the widest parent domain of the page's host that the browser accepts, found by
    /// probing (never a public suffix); host-only on an IP address or a one-label host.
    #[default]
    Auto,
    /// A domain name, lower case, without a leading dot; checked against the page's host at start-up.
    Explicit(String),
}

/// What a Global Privacy Control signal does in an opt-in jurisdiction (EU, UK, CH), where it can
/// never grant anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GpcOptIn {
    /// Recorded in receipts; the banner asks as usual.
    #[default]
    Record,
    /// The purposes it covers are refused without a click, and the banner does not ask until the
    /// visitor opens the preference center.
    TreatAsReject,
}

impl GpcOptIn {
    /// Every value.
    pub const ALL: [GpcOptIn; 2] = [GpcOptIn::Record, GpcOptIn::TreatAsReject];

    /// The configuration's name.
    pub fn name(self) -> &'static str {
        match self {
            GpcOptIn::Record => "record",
            GpcOptIn::TreatAsReject => "treat_as_reject",
        }
    }
}

/// `gpc`: how the signal is honored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GpcConfig {
    /// In an opt-in jurisdiction.
    pub opt_in: GpcOptIn,
    /// `receipts`: make (and post) a receipt, collection method `gpc:opt-out`, for a state the
    /// signal alone put in force, once per browser and notice. Off by default: a deployment that
    /// only detects the signal posts nothing its operator did not ask for.
    pub receipts: bool,
}

/// The controller's identity, as the notice must show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Controller {
    /// Legal name.
    pub name: String,
    /// Contact e-mail address (for the data protection officer, or the controller).
    pub contact: String,
    /// Postal address, if given.
    pub address: Option<String>,
    /// The full privacy policy.
    pub policy_url: String,
}

/// One purpose of processing.
#[derive(Debug, Clone, PartialEq)]
pub struct Purpose {
    /// Stable identifier used in storage, gating attributes and the API.
    pub id: PurposeId,
    /// Strictly necessary: always on, never asked.
    pub required: bool,
    /// Short name.
    pub name: Text,
    /// What the purpose does.
    pub description: Text,
    /// How long data is kept.
    pub retention: Text,
    /// Who receives the data.
    pub recipients: Text,
    /// The services (vendors, tools) that serve this purpose.
    pub services: Vec<Service>,
    /// Covered by Global Privacy Control: a sale, a share or cross-context advertising, which the
    /// signal opts out of (`"gpc": true`).
    pub gpc: bool,
}

/// A service (a tool or vendor) under a purpose.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Identifier, unique within its purpose.
    pub id: ServiceId,
    /// Display name.
    pub name: Text,
    /// What the service does.
    pub description: Text,
    /// Cookies it sets, deleted when consent is withdrawn.
    pub cookies: Vec<CookiePattern>,
    /// The service's own privacy policy.
    pub policy_url: Option<String>,
}

/// Where the persistent control sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FloatingButton {
    /// Bottom corner where lines start: left in left-to-right languages, right in Arabic and Hebrew
    /// (the default).
    #[default]
    BottomStart,
    /// Bottom corner where lines end.
    BottomEnd,
    /// `bottom-left`, kept as an alias of [`FloatingButton::BottomStart`] (it mirrors in right to left).
    BottomLeft,
    /// `bottom-right`, kept as an alias of [`FloatingButton::BottomEnd`].
    BottomRight,
    /// Not shown: the owner places `data-consentry-open` links instead.
    Hidden,
}

impl FloatingButton {
    /// Every position, in the order the schema lists them.
    pub const ALL: [FloatingButton; 5] = [
        FloatingButton::BottomStart,
        FloatingButton::BottomEnd,
        FloatingButton::BottomLeft,
        FloatingButton::BottomRight,
        FloatingButton::Hidden,
    ];

    /// The configuration's name for it.
    pub fn name(self) -> &'static str {
        match self {
            FloatingButton::BottomStart => "bottom-start",
            FloatingButton::BottomEnd => "bottom-end",
            FloatingButton::BottomLeft => "bottom-left",
            FloatingButton::BottomRight => "bottom-right",
            FloatingButton::Hidden => "hidden",
        }
    }

    /// The class of the persistent control (`None` when it is hidden); positions are logical, so
    /// the control mirrors with the text direction.
    pub fn class(self) -> Option<&'static str> {
        match self {
            FloatingButton::BottomStart | FloatingButton::BottomLeft => Some("cs-floating cs-floating--start"),
            FloatingButton::BottomEnd | FloatingButton::BottomRight => Some("cs-floating cs-floating--end"),
            FloatingButton::Hidden => None,
        }
    }
}

/// How the banner sits on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BannerMode {
    /// A labelled region: the page stays usable and scrollable behind it (the default).
    #[default]
    NonBlocking,
    /// A modal dialog: the rest of the page is `inert` and focus stays in the banner until a choice.
    Blocking,
}

impl BannerMode {
    /// Every mode, in the order the schema lists them.
    pub const ALL: [BannerMode; 2] = [BannerMode::NonBlocking, BannerMode::Blocking];

    /// The configuration's name for it.
    pub fn name(self) -> &'static str {
        match self {
            BannerMode::NonBlocking => "non-blocking",
            BannerMode::Blocking => "blocking",
        }
    }
}

/// Colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follows `prefers-color-scheme`.
    #[default]
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// Every scheme, in the order the schema lists them.
    pub const ALL: [Theme; 3] = [Theme::Auto, Theme::Light, Theme::Dark];

    /// The configuration's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The classes of the widget's root element.
    pub fn class(self) -> &'static str {
        match self {
            Theme::Auto => "cs-root cs-auto",
            Theme::Light => "cs-root cs-light",
            Theme::Dark => "cs-root cs-dark",
        }
    }
}

/// Presentation settings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UiConfig {
    /// Where the persistent control sits.
    pub floating_button: FloatingButton,
    /// Colour scheme.
    pub theme: Theme,
    /// How the banner sits on the page.
    pub mode: BannerMode,
    /// The owner's overrides of interface strings.
    pub texts: Vec<(TextKey, Text)>,
    /// The language pack of the language shown, once the widget has fetched it (not part of the
    /// configuration's JSON; without it, a language other than English falls back as [`Config::ui_text`] says).
    pub pack: Option<i18n::Pack>,
}

impl Config {
    /// Parses and validates a configuration from JSON text.
    pub fn from_json(json: &str) -> std::result::Result<Config, ConfigError> {
        let value = json::parse(json).map_err(|e| ConfigError::new("$", format!("not valid JSON: {e}")))?;
        Self::from_value(&value)
    }

    /// Validates an already parsed JSON value.
    pub fn from_value(value: &Value) -> std::result::Result<Config, ConfigError> {
        let root = Obj::new(
            value,
            "$",
            &[
                "policy_version",
                "controller",
                "languages",
                "expiry_days",
                "endpoint",
                "jurisdiction",
                "purposes",
                "ui",
                "integrations",
                "gpc",
                "subject_id",
                "storage",
                "cookie_domain",
                "$schema",
            ],
        )?;
        let languages = parse_languages(&root)?;
        let policy_version = root.string("policy_version", "a change of policy version asks every visitor again")?;
        let controller = parse_controller(&root)?;
        let expiry_days = parse_expiry(&root)?;
        let endpoint = root.opt_string("endpoint")?;
        if let Some(url) = &endpoint {
            check_url(url, &root.path_of("endpoint"))?;
        }
        let jurisdiction = root.opt_string("jurisdiction")?.unwrap_or_else(|| DEFAULT_JURISDICTION.to_string());
        let purposes = parse_purposes(&root, &languages)?;
        let ui = parse_ui(&root, &languages)?;
        let integrations = integrations::parse(&root, &purposes)?;
        let gpc = parse_gpc(&root)?;
        let subject_id = root.opt_string("subject_id")?;
        if let Some(id) = &subject_id {
            consentry_receipt::payload::check_subject_id(id)
                .map_err(|e| ConfigError::new(root.path_of("subject_id"), e.to_string()))?;
        }
        let storage = parse_storage(&root)?;
        Ok(Config {
            policy_version,
            controller,
            languages,
            expiry_days,
            endpoint,
            jurisdiction,
            purposes,
            ui,
            integrations,
            gpc,
            subject_id,
            storage,
        })
    }

    /// The default language.
    pub fn default_language(&self) -> &str {
        &self.languages[0]
    }

    /// The purpose with `id`.
    pub fn purpose(&self, id: &str) -> Option<&Purpose> {
        self.purposes.iter().find(|p| p.id.as_str() == id)
    }

    /// Whether the jurisdiction follows the opt-out model (a US state: `"US"` or `"US-CA"` …), where a
    /// Global Privacy Control signal is a valid request to opt out of sale and sharing. Anything else
    /// is opt-in (consent first), where the signal never grants.
    pub fn opt_out_jurisdiction(&self) -> bool {
        self.jurisdiction == "US" || self.jurisdiction.starts_with("US-")
    }

    /// Whether a Global Privacy Control signal, when present, switches the purposes it covers off.
    pub fn gpc_applies(&self) -> bool {
        self.purposes.iter().any(|p| p.gpc)
            && (self.opt_out_jurisdiction() || self.gpc.opt_in == GpcOptIn::TreatAsReject)
    }

    /// Purposes that need consent (not strictly necessary).
    pub fn optional_purposes(&self) -> impl Iterator<Item = &Purpose> {
        self.purposes.iter().filter(|p| !p.required)
    }

    /// An owner-facing text resolved in `lang`.
    pub fn text<'a>(&'a self, text: &'a Text, lang: &str) -> &'a str {
        text.get(lang, self.default_language())
    }

    /// The pack `lang` needs from the network: a built-in pack other than English, unless the owner's
    /// `ui.texts` translate every key into `lang` (or the pack is already attached).
    pub fn needs_pack(&self, lang: &str) -> Option<&'static str> {
        let tag = i18n::pack_language(lang)?;
        let covered = TextKey::ALL.iter().all(|k| self.ui_override(*k).is_some_and(|t| t.covers(lang)));
        let attached = self.ui.pack.as_ref().is_some_and(|p| p.lang() == tag);
        (tag != "en" && i18n::builtin(lang, TextKey::AcceptAll).is_none() && !covered && !attached).then_some(tag)
    }

    /// The owner's override of an interface string, if any.
    pub fn ui_override(&self, key: TextKey) -> Option<&Text> {
        self.ui.texts.iter().find(|(k, _)| *k == key).map(|(_, t)| t)
    }

    /// An interface string in `lang`: the owner's override, else the pack of `lang` (fetched, or
    /// compiled in), else the owner's default-language override, else the default language's, else
    /// English.
    pub fn ui_text(&self, key: TextKey, lang: &str) -> String {
        let pack = |lang: &str| self.ui.pack.as_ref().filter(|p| p.serves(lang)).map(|p| p.get(key));
        let raw = match self.ui_override(key) {
            Some(t) if t.covers(lang) => t.get(lang, self.default_language()).to_string(),
            _ => pack(lang)
                .or_else(|| i18n::builtin(lang, key))
                .or_else(|| self.ui_override(key).map(|t| t.get(lang, self.default_language())))
                .or_else(|| pack(self.default_language()))
                .or_else(|| i18n::builtin(self.default_language(), key))
                .unwrap_or_else(|| i18n::builtin("en", key).unwrap_or(""))
                .to_string(),
        };
        raw.replace("{controller}", &self.controller.name)
    }
}

fn parse_languages(root: &Obj) -> Result<Vec<String>> {
    let path = root.path_of("languages");
    let items = root.array("languages", "list the languages of the notice, the default first")?;
    if items.is_empty() {
        return Err(ConfigError::new(path, "must list at least one language"));
    }
    let mut out: Vec<String> = Vec::new();
    for (i, v) in items.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let tag = string_at(v, &p)?;
        if !is_language_tag(&tag) {
            return Err(ConfigError::new(p, format!("\"{tag}\" is not a language tag such as \"en\" or \"pt-BR\"")));
        }
        if out.iter().any(|o| o.eq_ignore_ascii_case(&tag)) {
            return Err(ConfigError::new(p, format!("duplicate language \"{tag}\"")));
        }
        out.push(tag);
    }
    Ok(out)
}

fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn parse_controller(root: &Obj) -> Result<Controller> {
    let v = root.required("controller", "the notice must say who the controller is (GDPR art. 13)")?;
    let o = Obj::new(v, root.path_of("controller"), &["name", "contact", "address", "policy_url"])?;
    let name = o.string("name", "the notice must name the controller")?;
    let contact = o.string("contact", "the notice must give the controller's contact e-mail")?;
    if !is_email(&contact) {
        return Err(ConfigError::new(o.path_of("contact"), format!("\"{contact}\" is not an e-mail address")));
    }
    let address = o.opt_string("address")?;
    let policy_url = o.string("policy_url", "the notice must link the full privacy policy")?;
    check_url(&policy_url, &o.path_of("policy_url"))?;
    Ok(Controller { name, contact, address, policy_url })
}

fn is_email(s: &str) -> bool {
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>')
}

fn check_url(url: &str, path: &str) -> Result<()> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(h) if !h.is_empty() && !url.chars().any(char::is_whitespace) => Ok(()),
        Some(_) => Err(ConfigError::new(path, format!("\"{url}\" is not a valid http(s) URL"))),
        None => Err(ConfigError::new(path, format!("\"{url}\" must be an http(s) URL"))),
    }
}

fn parse_expiry(root: &Obj) -> Result<u32> {
    let Some(v) = root.get("expiry_days") else { return Ok(DEFAULT_EXPIRY_DAYS) };
    let path = root.path_of("expiry_days");
    match v.as_u64() {
        Some(n) if (1..=u64::from(MAX_EXPIRY_DAYS)).contains(&n) => Ok(n as u32),
        Some(n) => {
            Err(ConfigError::new(path, format!("{n} is out of range: must be between 1 and {MAX_EXPIRY_DAYS} days")))
        }
        None => Err(ConfigError::new(
            path,
            format!("must be a whole number of days between 1 and {MAX_EXPIRY_DAYS}, found {}", kind(v)),
        )),
    }
}

fn parse_purposes(root: &Obj, languages: &[String]) -> Result<Vec<Purpose>> {
    let path = root.path_of("purposes");
    let items = root.array("purposes", "list the purposes the visitor is asked about")?;
    let mut out: Vec<Purpose> = Vec::new();
    for (i, v) in items.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let purpose = parse_purpose(v, &p, languages)?;
        if out.iter().any(|o| o.id == purpose.id) {
            return Err(ConfigError::new(join(&p, "id"), format!("duplicate purpose id \"{}\"", purpose.id)));
        }
        out.push(purpose);
    }
    if !out.iter().any(|p| !p.required) {
        return Err(ConfigError::new(path, "must hold at least one purpose that needs consent (not `required`)"));
    }
    Ok(out)
}

fn parse_storage(root: &Obj) -> Result<StorageMode> {
    let cookie = match root.opt_string("storage")?.as_deref() {
        None | Some("local") => false,
        Some("cookie") => true,
        Some(other) => {
            let names: Vec<String> = StorageMode::NAMES.iter().map(|n| format!("\"{n}\"")).collect();
            return Err(ConfigError::new(
                root.path_of("storage"),
                format!("\"{other}\" must be one of {}", names.join(", ")),
            ));
        }
    };
    let domain = root.opt_string("cookie_domain")?;
    let path = root.path_of("cookie_domain");
    match (cookie, domain) {
        (false, None) => Ok(StorageMode::Local),
        (false, Some(_)) => Err(ConfigError::new(
            path,
            "only applies with `storage: \"cookie\"`: set `storage` to \"cookie\" to share the choice across subdomains, or remove `cookie_domain`",
        )),
        (true, None) => Ok(StorageMode::Cookie(CookieDomain::Auto)),
        (true, Some(d)) if d == "auto" => Ok(StorageMode::Cookie(CookieDomain::Auto)),
        (true, Some(d)) => {
            let name = d.strip_prefix('.').unwrap_or(&d).to_ascii_lowercase();
            let label = |l: &str| {
                (1..=63).contains(&l.len())
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            };
            if name.len() > 253 || !name.split('.').all(label) {
                return Err(ConfigError::new(
                    path,
                    format!("\"{d}\" is not a domain name: write \"auto\" or the parent domain to share, such as \"example.com\""),
                ));
            }
            Ok(StorageMode::Cookie(CookieDomain::Explicit(name)))
        }
    }
}

fn parse_gpc(root: &Obj) -> Result<GpcConfig> {
    let Some(v) = root.get("gpc") else { return Ok(GpcConfig::default()) };
    let o = Obj::new(v, root.path_of("gpc"), &["opt_in", "receipts"])?;
    let opt_in = match o.opt_string("opt_in")? {
        None => GpcOptIn::Record,
        Some(name) => one_of(&name, &GpcOptIn::ALL, GpcOptIn::name, || o.path_of("opt_in"))?,
    };
    let receipts = o.opt_bool("receipts")?.unwrap_or(false);
    Ok(GpcConfig { opt_in, receipts })
}

fn parse_purpose(v: &Value, path: &str, languages: &[String]) -> Result<Purpose> {
    let o =
        Obj::new(v, path, &["id", "required", "name", "description", "retention", "recipients", "services", "gpc"])?;
    let id = PurposeId::parse(&o.string("id", "every purpose needs an id")?, &o.path_of("id"))?;
    let required = o.opt_bool("required")?.unwrap_or(false);
    let gpc = o.opt_bool("gpc")?.unwrap_or(false);
    if gpc && required {
        return Err(ConfigError::new(
            o.path_of("gpc"),
            "a required purpose cannot be a sale, a share or cross-context advertising: the signal opts out of those, and a required purpose cannot be switched off",
        ));
    }
    let name = o.text("name", "every purpose must be named", languages)?;
    let description = o.text("description", "every purpose must be described", languages)?;
    let retention = o.text("retention", "the notice must say how long data is kept", languages)?;
    let recipients = o.text("recipients", "the notice must say who receives the data", languages)?;
    let mut services: Vec<Service> = Vec::new();
    for (i, s) in o.opt_array("services")?.iter().enumerate() {
        let sp = format!("{}[{i}]", o.path_of("services"));
        let service = parse_service(s, &sp, languages)?;
        if services.iter().any(|x| x.id == service.id) {
            return Err(ConfigError::new(join(&sp, "id"), format!("duplicate service id \"{}\"", service.id)));
        }
        services.push(service);
    }
    Ok(Purpose { id, required, name, description, retention, recipients, services, gpc })
}

fn parse_service(v: &Value, path: &str, languages: &[String]) -> Result<Service> {
    let o = Obj::new(v, path, &["id", "name", "description", "cookies", "policy_url"])?;
    let id = ServiceId::parse(&o.string("id", "every service needs an id")?, &o.path_of("id"))?;
    let name = o.text("name", "every service must be named", languages)?;
    let description = o.text("description", "every service must be described", languages)?;
    let mut cookies = Vec::new();
    for (i, c) in o.opt_array("cookies")?.iter().enumerate() {
        let cp = format!("{}[{i}]", o.path_of("cookies"));
        let raw = string_at(c, &cp)?;
        cookies.push(CookiePattern::parse(&raw).map_err(|e| ConfigError::new(cp, e.to_string()))?);
    }
    let policy_url = o.opt_string("policy_url")?;
    if let Some(url) = &policy_url {
        check_url(url, &o.path_of("policy_url"))?;
    }
    Ok(Service { id, name, description, cookies, policy_url })
}

/// The value of `all` whose `name` is `text`, or an error at `path` listing the names.
fn one_of<T: Copy>(text: &str, all: &[T], name: fn(T) -> &'static str, path: impl FnOnce() -> String) -> Result<T> {
    all.iter().copied().find(|v| name(*v) == text).ok_or_else(|| {
        let names: Vec<String> = all.iter().map(|v| format!("\"{}\"", name(*v))).collect();
        ConfigError::new(path(), format!("\"{text}\" must be one of {}", names.join(", ")))
    })
}

fn parse_ui(root: &Obj, languages: &[String]) -> Result<UiConfig> {
    let mut ui = UiConfig::default();
    if let Some(v) = root.get("ui") {
        let o = Obj::new(v, root.path_of("ui"), &["floating_button", "theme", "mode", "texts"])?;
        if let Some(pos) = o.opt_string("floating_button")? {
            ui.floating_button =
                one_of(&pos, &FloatingButton::ALL, FloatingButton::name, || o.path_of("floating_button"))?;
        }
        if let Some(theme) = o.opt_string("theme")? {
            ui.theme = one_of(&theme, &Theme::ALL, Theme::name, || o.path_of("theme"))?;
        }
        if let Some(mode) = o.opt_string("mode")? {
            ui.mode = one_of(&mode, &BannerMode::ALL, BannerMode::name, || o.path_of("mode"))?;
        }
        if let Some(texts) = o.get("texts") {
            let tp = o.path_of("texts");
            let members = texts
                .as_object()
                .ok_or_else(|| ConfigError::new(&tp, format!("must be an object, found {}", kind(texts))))?;
            for (name, t) in members {
                let key = TextKey::from_name(name).ok_or_else(|| {
                    let known: Vec<&str> = TextKey::ALL.iter().map(|k| k.name()).collect();
                    ConfigError::new(join(&tp, name), format!("unknown interface text (known: {})", known.join(", ")))
                })?;
                ui.texts.push((key, text_at(t, &join(&tp, name), languages)?));
            }
        }
    }
    for (i, lang) in languages.iter().enumerate() {
        if i18n::pack_language(lang).is_some() {
            continue;
        }
        let covered = |k: TextKey| ui.texts.iter().any(|(key, t)| *key == k && t.covers(lang));
        if let Some(missing) = TextKey::ALL.iter().find(|k| !covered(**k)) {
            return Err(ConfigError::new(
                format!("ui.texts.{}", missing.name()),
                format!(
                    "missing \"{lang}\": languages[{i}] has no built-in interface text (built in: {}), so `ui.texts` must translate every key into it",
                    i18n::PACK_LANGUAGES.join(", ")
                ),
            ));
        }
    }
    Ok(ui)
}

#[cfg(test)]
mod schema_sync;
#[cfg(test)]
mod tests;
