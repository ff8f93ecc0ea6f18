//! `integrations`: the consent signals Consentry sends to vendors' own consent APIs (Google Consent
//! Mode v2, Microsoft UET and Clarity, the Meta pixel, Matomo), each mapped from the purposes and
//! services of the configuration. What is sent when is the loader's job (`src/loader.js`, because the
//! defaults must be in the page before the WebAssembly module exists); this module reads and checks
//! the configuration, refusing anything that would signal consent nobody gave.

use crate::json::Value;
use consentry_receipt::vocab::split_service_id;

use super::reader::{join, kind, string_at, Obj, Result};
use super::{ConfigError, Purpose, PurposeId, ServiceId};

/// Google's default `wait_for_update`, in milliseconds (Google's reviewers: "avoid defaults under 500ms").
pub const DEFAULT_WAIT_FOR_UPDATE: u32 = 500;
/// The smallest `wait_for_update` accepted (Google's template review asks for at least 100 ms).
pub const MIN_WAIT_FOR_UPDATE: u32 = 100;
/// The largest `wait_for_update` accepted: tags would hold their data longer than any banner takes.
pub const MAX_WAIT_FOR_UPDATE: u32 = 10_000;
/// The name of Google's command queue unless configured.
pub const DEFAULT_DATA_LAYER: &str = "dataLayer";

/// One of Google Consent Mode v2's seven consent types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConsentType {
    /// Storage (cookies) for advertising.
    AdStorage,
    /// Sending user data to Google for advertising.
    AdUserData,
    /// Personalised advertising (remarketing).
    AdPersonalization,
    /// Storage for analytics.
    AnalyticsStorage,
    /// Storage for the site's functions (language, settings).
    FunctionalityStorage,
    /// Storage for personalisation (recommendations).
    PersonalizationStorage,
    /// Storage for security (authentication, fraud prevention).
    SecurityStorage,
}

impl ConsentType {
    /// Every type, in the order Consentry sends them.
    pub const ALL: [ConsentType; 7] = [
        ConsentType::AdStorage,
        ConsentType::AdUserData,
        ConsentType::AdPersonalization,
        ConsentType::AnalyticsStorage,
        ConsentType::FunctionalityStorage,
        ConsentType::PersonalizationStorage,
        ConsentType::SecurityStorage,
    ];

    /// Google's name for the type.
    pub fn name(self) -> &'static str {
        match self {
            ConsentType::AdStorage => "ad_storage",
            ConsentType::AdUserData => "ad_user_data",
            ConsentType::AdPersonalization => "ad_personalization",
            ConsentType::AnalyticsStorage => "analytics_storage",
            ConsentType::FunctionalityStorage => "functionality_storage",
            ConsentType::PersonalizationStorage => "personalization_storage",
            ConsentType::SecurityStorage => "security_storage",
        }
    }

    /// The types that send personal data to Google for advertising: never from a required purpose.
    fn needs_consent(self) -> bool {
        matches!(self, ConsentType::AdUserData | ConsentType::AdPersonalization)
    }
}

/// `integrations.google_consent_mode`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentMode {
    /// Which purpose or service grants which types. A type is granted when every target mapped to it
    /// is; a type no target maps is always denied.
    pub map: Vec<(String, Vec<ConsentType>)>,
    /// Defaults for regions where the site owner's rules allow something before a choice (opt-out
    /// regions); never an EEA, UK or Swiss code.
    pub regions: Vec<RegionDefault>,
    /// Milliseconds Google's tags wait for an update when no choice is stored yet.
    pub wait_for_update: u32,
    /// `gtag('set', 'ads_data_redaction', true)`.
    pub ads_data_redaction: bool,
    /// `gtag('set', 'url_passthrough', true)`.
    pub url_passthrough: bool,
    /// The global name of the command queue (GTM's `l` parameter), `dataLayer` unless configured.
    pub data_layer: String,
}

/// A region-specific default: in `region`, the `granted` types start granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionDefault {
    /// ISO 3166-1 alpha-2 or ISO 3166-2 codes (`US`, `US-CA`).
    pub region: Vec<String>,
    /// Types granted there before any choice.
    pub granted: Vec<ConsentType>,
}

/// How Matomo is told about consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatomoMode {
    /// `requireConsent`: nothing is tracked before consent.
    Tracking,
    /// `requireCookieConsent`: requests are sent, cookies only after consent.
    Cookies,
}

impl MatomoMode {
    /// Every mode.
    pub const ALL: [MatomoMode; 2] = [MatomoMode::Tracking, MatomoMode::Cookies];

    /// The configuration's name for the mode.
    pub fn name(self) -> &'static str {
        match self {
            MatomoMode::Tracking => "tracking",
            MatomoMode::Cookies => "cookies",
        }
    }
}

/// The vendors' consent APIs Consentry drives, each from the targets the site owner mapped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Integrations {
    /// Google Consent Mode v2.
    pub google_consent_mode: Option<ConsentMode>,
    /// Microsoft UET (`uetq`): `ad_storage` follows this target.
    pub microsoft_uet: Option<String>,
    /// Microsoft Clarity (`consentv2`): `ad_Storage` and `analytics_Storage` follow these targets.
    pub microsoft_clarity: Option<(String, String)>,
    /// The Meta pixel (`fbq('consent', …)`) follows this target.
    pub meta_pixel: Option<String>,
    /// Matomo follows this target, in this mode.
    pub matomo: Option<(String, MatomoMode)>,
}

impl Integrations {
    /// Whether any vendor signal is configured.
    pub fn any(&self) -> bool {
        self.google_consent_mode.is_some()
            || self.microsoft_uet.is_some()
            || self.microsoft_clarity.is_some()
            || self.meta_pixel.is_some()
            || self.matomo.is_some()
    }
}

/// Countries where consent must come before storage (the EEA, the United Kingdom, Switzerland): no
/// region default may grant anything there.
const OPT_IN_COUNTRIES: [&str; 32] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT",
    "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "GB", "CH",
];

/// Reads `integrations` (absent: nothing is signalled) against the parsed purposes.
pub(super) fn parse(root: &Obj, purposes: &[Purpose]) -> Result<Integrations> {
    let mut out = Integrations::default();
    let Some(v) = root.get("integrations") else { return Ok(out) };
    let o = Obj::new(
        v,
        root.path_of("integrations"),
        &["google_consent_mode", "microsoft_uet", "microsoft_clarity", "meta_pixel", "matomo"],
    )?;
    if let Some(v) = o.get("google_consent_mode") {
        out.google_consent_mode = Some(consent_mode(v, &o.path_of("google_consent_mode"), purposes)?);
    }
    if let Some(v) = o.get("microsoft_uet") {
        let u = Obj::new(v, o.path_of("microsoft_uet"), &["ad_storage"])?;
        out.microsoft_uet = Some(vendor_target(&u, "ad_storage", purposes)?);
    }
    if let Some(v) = o.get("microsoft_clarity") {
        let c = Obj::new(v, o.path_of("microsoft_clarity"), &["ad_storage", "analytics_storage"])?;
        out.microsoft_clarity =
            Some((vendor_target(&c, "ad_storage", purposes)?, vendor_target(&c, "analytics_storage", purposes)?));
    }
    if let Some(v) = o.get("meta_pixel") {
        let m = Obj::new(v, o.path_of("meta_pixel"), &["consent"])?;
        out.meta_pixel = Some(vendor_target(&m, "consent", purposes)?);
    }
    if let Some(v) = o.get("matomo") {
        let m = Obj::new(v, o.path_of("matomo"), &["consent", "mode"])?;
        let target = vendor_target(&m, "consent", purposes)?;
        let mode = match m.opt_string("mode")? {
            None => MatomoMode::Tracking,
            Some(name) => super::one_of(&name, &MatomoMode::ALL, MatomoMode::name, || m.path_of("mode"))?,
        };
        out.matomo = Some((target, mode));
    }
    Ok(out)
}

fn consent_mode(v: &Value, path: &str, purposes: &[Purpose]) -> Result<ConsentMode> {
    let o = Obj::new(
        v,
        path,
        &["map", "regions", "wait_for_update", "ads_data_redaction", "url_passthrough", "data_layer"],
    )?;
    let map_path = o.path_of("map");
    let members =
        o.required("map", "say which purpose or service grants which consent type")?.as_object().ok_or_else(|| {
            ConfigError::new(&map_path, "must be an object from a purpose id or purpose/service to consent types")
        })?;
    let mut map: Vec<(String, Vec<ConsentType>)> = Vec::new();
    for (key, types) in members {
        let p = join(&map_path, key);
        let (target, required) = known_target(key, &p, purposes)?;
        let types = consent_types(types, &p)?;
        if required {
            if let Some(t) = types.iter().find(|t| t.needs_consent()) {
                return Err(ConfigError::new(
                    p,
                    format!(
                        "\"{}\" cannot follow a required purpose: sending personal data to Google for advertising needs the visitor's consent (Google's EU user consent policy, GDPR art. 6(1)(a))",
                        t.name()
                    ),
                ));
            }
        }
        map.push((target, types));
    }
    let mut regions = Vec::new();
    for (i, r) in o.opt_array("regions")?.iter().enumerate() {
        regions.push(region_default(r, &format!("{}[{i}]", o.path_of("regions")))?);
    }
    let wait_for_update = match o.get("wait_for_update") {
        None => DEFAULT_WAIT_FOR_UPDATE,
        Some(v) => match v.as_u64() {
            Some(n) if (u64::from(MIN_WAIT_FOR_UPDATE)..=u64::from(MAX_WAIT_FOR_UPDATE)).contains(&n) => n as u32,
            _ => {
                return Err(ConfigError::new(
                    o.path_of("wait_for_update"),
                    format!(
                        "must be a whole number of milliseconds between {MIN_WAIT_FOR_UPDATE} and {MAX_WAIT_FOR_UPDATE} (Google asks for at least 100, better 500), found {}",
                        describe(v)
                    ),
                ))
            }
        },
    };
    let data_layer = match o.opt_string("data_layer")? {
        None => DEFAULT_DATA_LAYER.to_string(),
        Some(name) if is_global_name(&name) => name,
        Some(name) => {
            return Err(ConfigError::new(
                o.path_of("data_layer"),
                format!("\"{name}\" is not a JavaScript global name such as \"dataLayer\" (letters, digits, _ and $, not first a digit)"),
            ))
        }
    };
    Ok(ConsentMode {
        map,
        regions,
        wait_for_update,
        ads_data_redaction: o.opt_bool("ads_data_redaction")?.unwrap_or(false),
        url_passthrough: o.opt_bool("url_passthrough")?.unwrap_or(false),
        data_layer,
    })
}

fn describe(v: &Value) -> String {
    match v.as_number() {
        Some(n) => n.as_str().to_string(),
        None => kind(v).to_string(),
    }
}

fn is_global_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$');
    first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') && name != "consentry"
}

fn consent_types(v: &Value, path: &str) -> Result<Vec<ConsentType>> {
    let items = v
        .as_array()
        .ok_or_else(|| ConfigError::new(path, format!("must be an array of consent types, found {}", kind(v))))?;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let name = string_at(item, &p)?;
        let t = ConsentType::ALL.into_iter().find(|t| t.name() == name).ok_or_else(|| {
            let names: Vec<&str> = ConsentType::ALL.iter().map(|t| t.name()).collect();
            ConfigError::new(&p, format!("\"{name}\" is not a Consent Mode type (known: {})", names.join(", ")))
        })?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

fn region_default(v: &Value, path: &str) -> Result<RegionDefault> {
    let o = Obj::new(v, path, &["region", "granted"])?;
    let codes = o.array("region", "list the ISO 3166-2 codes this default applies to")?;
    if codes.is_empty() {
        return Err(ConfigError::new(o.path_of("region"), "must list at least one ISO 3166-2 code"));
    }
    let mut region = Vec::new();
    for (i, c) in codes.iter().enumerate() {
        let p = format!("{}[{i}]", o.path_of("region"));
        region.push(region_code(&string_at(c, &p)?, &p)?);
    }
    let granted = match o.get("granted") {
        None => Vec::new(),
        Some(v) => consent_types(v, &o.path_of("granted"))?,
    };
    if !granted.is_empty() {
        if let Some(code) = region.iter().find(|c| OPT_IN_COUNTRIES.contains(&&c[..2])) {
            return Err(ConfigError::new(
                o.path_of("granted"),
                format!("nothing can be granted by default in {code}: consent must come before storage there (ePrivacy art. 5(3), GDPR art. 4(11))"),
            ));
        }
    }
    Ok(RegionDefault { region, granted })
}

/// An ISO 3166-1 alpha-2 code (`ES`) or an ISO 3166-2 subdivision (`US-CA`), checked for shape and for
/// the groupings people write by mistake.
fn region_code(code: &str, path: &str) -> Result<String> {
    let refuse = |why: &str| Err(ConfigError::new(path, format!("\"{code}\" {why}")));
    match code {
        "EU" | "EEA" | "EFTA" => {
            return refuse("is not an ISO 3166-2 code: list the countries one by one (AT, BE, BG, …)")
        }
        "UK" => return refuse("is not an ISO 3166-2 code: the United Kingdom is \"GB\""),
        "EL" => return refuse("is not an ISO 3166-2 code: Greece is \"GR\""),
        _ => {}
    }
    let (country, sub) = match code.split_once('-') {
        Some((c, s)) => (c, Some(s)),
        None => (code, None),
    };
    let country_ok = country.len() == 2 && country.chars().all(|c| c.is_ascii_uppercase());
    let sub_ok = sub
        .is_none_or(|s| (1..=3).contains(&s.len()) && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    if country_ok && sub_ok {
        Ok(code.to_string())
    } else {
        refuse("is not an ISO 3166-2 code such as \"ES\" or \"US-CA\" (upper case)")
    }
}

/// A target the configuration lists (`"p"` or `"p/s"`, kept as written: the loader reads the same
/// text), and whether its purpose is required.
fn known_target(text: &str, path: &str, purposes: &[Purpose]) -> Result<(String, bool)> {
    let bad = |_| ConfigError::new(path, format!("\"{text}\" is neither a purpose id nor purpose/service"));
    let (purpose_id, service) = match split_service_id(text) {
        None => (PurposeId::parse(text, path).map_err(bad)?, None),
        Some((p, s)) => (PurposeId::parse(p, path).map_err(bad)?, Some(ServiceId::parse(s, path).map_err(bad)?)),
    };
    let Some(purpose) = purposes.iter().find(|p| p.id == purpose_id) else {
        return Err(ConfigError::new(path, format!("no purpose has the id \"{purpose_id}\"")));
    };
    if let Some(service) = service {
        if !purpose.services.iter().any(|s| s.id == service) {
            return Err(ConfigError::new(path, format!("purpose \"{purpose_id}\" has no service \"{service}\"")));
        }
    }
    Ok((text.to_string(), purpose.required))
}

/// A vendor's consent target: listed, and a purpose that needs consent.
fn vendor_target(o: &Obj, key: &str, purposes: &[Purpose]) -> Result<String> {
    let path = o.path_of(key);
    let text = o.string(key, "name the purpose or purpose/service whose consent this vendor follows")?;
    let (target, required) = known_target(&text, &path, purposes)?;
    if required {
        return Err(ConfigError::new(
            path,
            format!("\"{text}\" is a required purpose: a vendor's advertising or analytics consent must follow a purpose the visitor can refuse"),
        ));
    }
    Ok(target)
}

#[cfg(test)]
mod tests;
