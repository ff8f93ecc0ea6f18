//! The receipt payload: Kantara Consent Receipt v1.1 field names wherever one exists, plus the
//! Consentry fields that make a receipt a proof (decisions for every purpose and service, the notice
//! hash, the chain link, GPC, expiry). See `receipt/SPEC.md`.

use crate::json::Value;
use crate::notice::NoticeController;

/// The Kantara specification version this payload follows.
pub const KANTARA_VERSION: &str = "KI-CR-v1.1.0";
/// The Consentry receipt format version (`consentryVersion`).
pub const FORMAT_VERSION: i64 = 1;

/// A service listed under a purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptService {
    /// Service id.
    pub id: String,
    /// Name as shown.
    pub name: String,
}

/// A purpose as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptPurpose {
    /// Purpose id.
    pub id: String,
    /// Name as shown.
    pub name: String,
    /// Strictly necessary.
    pub required: bool,
    /// Retention as shown (Kantara `termination`).
    pub retention: String,
    /// Recipients as shown (Kantara `thirdPartyName`).
    pub recipients: String,
    /// Services listed.
    pub services: Vec<ReceiptService>,
}

/// One consent receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// `consentReceiptID`: a UUID v4, unique per receipt.
    pub id: String,
    /// `consentTimestamp`: seconds since the epoch.
    pub timestamp: i64,
    /// `collectionMethod`: `layer:action`, e.g. `banner:reject-all`.
    pub collection_method: String,
    /// `jurisdiction`.
    pub jurisdiction: String,
    /// `language` shown.
    pub language: String,
    /// `piiPrincipalId`: the RFC 7638 thumbprint of the signing key.
    pub principal: String,
    /// `piiControllers[0]`.
    pub controller: NoticeController,
    /// `policyUrl`.
    pub policy_url: String,
    /// The purposes (rendered as Kantara `services`).
    pub purposes: Vec<ReceiptPurpose>,
    /// `decisions.purposes`: every purpose, refusals included.
    pub purpose_decisions: Vec<(String, bool)>,
    /// `decisions.services`: every listed service as `purpose/service`.
    pub service_decisions: Vec<(String, bool)>,
    /// `policyVersion`.
    pub policy_version: String,
    /// `noticeHash`.
    pub notice_hash: String,
    /// `prevReceiptHash`: hash of this browser's previous receipt (compact JWS), `None` for the first.
    pub prev_receipt_hash: Option<String>,
    /// `gpc`: whether a Global Privacy Control signal was present.
    pub gpc: bool,
    /// `expiresAt`: when the choice lapses, seconds since the epoch.
    pub expires_at: i64,
    /// `consentId`: the browser's consent record id, stable across its receipts.
    pub consent_id: String,
}

/// Why a payload does not match the receipt schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(pub String);

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn flags(entries: &[(String, bool)]) -> Value {
    Value::object(entries.iter().map(|(k, v)| (k.clone(), Value::Bool(*v))))
}

const TOP: [&str; 21] = [
    "version",
    "consentryVersion",
    "consentReceiptID",
    "consentTimestamp",
    "collectionMethod",
    "jurisdiction",
    "language",
    "piiPrincipalId",
    "piiControllers",
    "policyUrl",
    "services",
    "sensitive",
    "spiCat",
    "decisions",
    "policyVersion",
    "noticeHash",
    "prevReceiptHash",
    "gpc",
    "expiresAt",
    "consentId",
    "termination",
];

impl Receipt {
    /// The payload as JSON.
    pub fn to_json(&self) -> Value {
        let c = &self.controller;
        let mut services = Vec::new();
        for p in &self.purposes {
            let kantara = Value::object([
                ("purpose", Value::str(&p.name)),
                ("purposeId", Value::str(&p.id)),
                ("purposeCategory", Value::Array(vec![Value::str(&p.id)])),
                ("consentType", Value::str(if p.required { "STRICTLY_NECESSARY" } else { "EXPLICIT" })),
                ("primaryPurpose", Value::Bool(p.required)),
                ("termination", Value::str(&p.retention)),
                ("thirdPartyName", Value::str(&p.recipients)),
            ]);
            if p.services.is_empty() {
                services.push(Value::object([
                    ("service", Value::str(&p.name)),
                    ("serviceId", Value::str(&p.id)),
                    ("purposes", Value::Array(vec![kantara])),
                ]));
            } else {
                for s in &p.services {
                    services.push(Value::object([
                        ("service", Value::str(&s.name)),
                        ("serviceId", Value::str(format!("{}/{}", p.id, s.id))),
                        ("purposes", Value::Array(vec![kantara.clone()])),
                    ]));
                }
            }
        }
        Value::object([
            ("version", Value::str(KANTARA_VERSION)),
            ("consentryVersion", Value::int(FORMAT_VERSION)),
            ("consentReceiptID", Value::str(&self.id)),
            ("consentTimestamp", Value::int(self.timestamp)),
            ("collectionMethod", Value::str(&self.collection_method)),
            ("jurisdiction", Value::str(&self.jurisdiction)),
            ("language", Value::str(&self.language)),
            ("piiPrincipalId", Value::str(&self.principal)),
            (
                "piiControllers",
                Value::Array(vec![Value::object([
                    ("piiController", Value::str(&c.name)),
                    ("contact", Value::str(&c.contact)),
                    ("email", Value::str(&c.contact)),
                    ("address", Value::opt(c.address.as_ref(), Value::str)),
                    ("piiControllerUrl", Value::str(&c.policy_url)),
                ])]),
            ),
            ("policyUrl", Value::str(&self.policy_url)),
            ("services", Value::Array(services)),
            ("sensitive", Value::Bool(false)),
            ("spiCat", Value::Array(Vec::new())),
            (
                "decisions",
                Value::object([
                    ("purposes", flags(&self.purpose_decisions)),
                    ("services", flags(&self.service_decisions)),
                ]),
            ),
            ("policyVersion", Value::str(&self.policy_version)),
            ("noticeHash", Value::str(&self.notice_hash)),
            ("prevReceiptHash", Value::opt(self.prev_receipt_hash.as_ref(), Value::str)),
            ("gpc", Value::Bool(self.gpc)),
            ("expiresAt", Value::int(self.expires_at)),
            ("consentId", Value::str(&self.consent_id)),
            ("termination", Value::str("Withdraw at any time from the site's privacy choices control.")),
        ])
    }

    /// Reads and checks a payload against the receipt schema: every field present with its type, no
    /// unknown field, and decisions that cover exactly the purposes and services listed.
    pub fn from_json(v: &Value) -> Result<Receipt, SchemaError> {
        let members = v.as_object().ok_or_else(|| err("payload must be a JSON object"))?;
        for (k, _) in members {
            if !TOP.contains(&k.as_str()) {
                return Err(err(format!("unknown field \"{k}\"")));
            }
        }
        if text(v, "version")? != KANTARA_VERSION {
            return Err(err(format!("version must be \"{KANTARA_VERSION}\"")));
        }
        if int(v, "consentryVersion")? != FORMAT_VERSION {
            return Err(err(format!("consentryVersion must be {FORMAT_VERSION}")));
        }
        let id = text(v, "consentReceiptID")?;
        if !is_uuid(&id) {
            return Err(err("consentReceiptID must be a UUID"));
        }
        let controllers = get(v, "piiControllers")?.as_array().ok_or_else(|| err("piiControllers must be an array"))?;
        let [ctl] = controllers else { return Err(err("piiControllers must hold exactly one controller")) };
        let controller = NoticeController {
            name: text(ctl, "piiController")?,
            contact: text(ctl, "contact")?,
            address: opt_text(ctl, "address")?,
            policy_url: text(ctl, "piiControllerUrl")?,
        };
        let purposes = read_purposes(get(v, "services")?)?;
        let decisions = get(v, "decisions")?;
        let purpose_decisions = read_flags(get(decisions, "purposes")?, "decisions.purposes")?;
        let service_decisions = read_flags(get(decisions, "services")?, "decisions.services")?;
        let expected_p: Vec<&str> = purposes.iter().map(|p| p.id.as_str()).collect();
        let got_p: Vec<&str> = purpose_decisions.iter().map(|(k, _)| k.as_str()).collect();
        if sorted(expected_p) != sorted(got_p) {
            return Err(err("decisions.purposes must hold exactly the purposes listed in services"));
        }
        let expected_s: Vec<String> =
            purposes.iter().flat_map(|p| p.services.iter().map(move |s| format!("{}/{}", p.id, s.id))).collect();
        let got_s: Vec<String> = service_decisions.iter().map(|(k, _)| k.clone()).collect();
        if sorted(expected_s) != sorted(got_s) {
            return Err(err("decisions.services must hold exactly the services listed"));
        }
        for p in purposes.iter().filter(|p| p.required) {
            if purpose_decisions.iter().any(|(k, on)| *k == p.id && !on) {
                return Err(err(format!("strictly necessary purpose \"{}\" recorded as refused", p.id)));
            }
        }
        let prev = match get(v, "prevReceiptHash")? {
            Value::Null => None,
            Value::String(s) if is_hash(s) => Some(s.clone()),
            _ => return Err(err("prevReceiptHash must be null or a base64url SHA-256")),
        };
        let notice_hash = text(v, "noticeHash")?;
        if !is_hash(&notice_hash) {
            return Err(err("noticeHash must be a base64url SHA-256"));
        }
        let principal = text(v, "piiPrincipalId")?;
        if !is_hash(&principal) {
            return Err(err("piiPrincipalId must be a base64url SHA-256 thumbprint"));
        }
        let method = text(v, "collectionMethod")?;
        if !matches!(
            method.split_once(':'),
            Some(("banner" | "preferences" | "api", "accept-all" | "reject-all" | "save"))
        ) {
            return Err(err(
                "collectionMethod must be layer:action (banner|preferences|api : accept-all|reject-all|save)",
            ));
        }
        let timestamp = int(v, "consentTimestamp")?;
        let expires_at = int(v, "expiresAt")?;
        if timestamp <= 0 || expires_at <= timestamp {
            return Err(err("expiresAt must follow a positive consentTimestamp"));
        }
        if get(v, "sensitive")?.as_bool() != Some(false) || get(v, "spiCat")?.as_array().is_none_or(|a| !a.is_empty()) {
            return Err(err("sensitive must be false and spiCat empty"));
        }
        text(v, "termination")?;
        Ok(Receipt {
            id,
            timestamp,
            collection_method: method,
            jurisdiction: text(v, "jurisdiction")?,
            language: text(v, "language")?,
            principal,
            controller,
            policy_url: text(v, "policyUrl")?,
            purposes,
            purpose_decisions,
            service_decisions,
            policy_version: text(v, "policyVersion")?,
            notice_hash,
            prev_receipt_hash: prev,
            gpc: get(v, "gpc")?.as_bool().ok_or_else(|| err("gpc must be a boolean"))?,
            expires_at,
            consent_id: text(v, "consentId")?,
        })
    }
}

fn read_purposes(services: &Value) -> Result<Vec<ReceiptPurpose>, SchemaError> {
    let items = services.as_array().ok_or_else(|| err("services must be an array"))?;
    let mut purposes: Vec<ReceiptPurpose> = Vec::new();
    for s in items {
        let name = text(s, "service")?;
        let service_id = text(s, "serviceId")?;
        let list = get(s, "purposes")?.as_array().ok_or_else(|| err("services[].purposes must be an array"))?;
        let [k] = list else { return Err(err("each service lists exactly one purpose")) };
        let pid = text(k, "purposeId")?;
        let consent_type = text(k, "consentType")?;
        let required = match consent_type.as_str() {
            "EXPLICIT" => false,
            "STRICTLY_NECESSARY" => true,
            _ => return Err(err("consentType must be EXPLICIT or STRICTLY_NECESSARY")),
        };
        let purpose = ReceiptPurpose {
            id: pid.clone(),
            name: text(k, "purpose")?,
            required,
            retention: text(k, "termination")?,
            recipients: text(k, "thirdPartyName")?,
            services: Vec::new(),
        };
        let entry = match purposes.iter_mut().find(|p| p.id == pid) {
            Some(existing) if existing.name == purpose.name && existing.required == required => existing,
            Some(_) => return Err(err(format!("purpose \"{pid}\" is described twice differently"))),
            None => {
                purposes.push(purpose);
                purposes.last_mut().ok_or_else(|| err("unreachable"))?
            }
        };
        if service_id == pid {
            if !entry.services.is_empty() {
                return Err(err(format!("purpose \"{pid}\" is listed both with and without services")));
            }
        } else {
            let sid = service_id
                .strip_prefix(&format!("{pid}/"))
                .ok_or_else(|| err(format!("serviceId \"{service_id}\" does not belong to purpose \"{pid}\"")))?;
            if entry.services.iter().any(|x| x.id == sid) {
                return Err(err(format!("service \"{service_id}\" listed twice")));
            }
            entry.services.push(ReceiptService { id: sid.to_string(), name });
        }
    }
    Ok(purposes)
}

fn read_flags(v: &Value, what: &str) -> Result<Vec<(String, bool)>, SchemaError> {
    let members = v.as_object().ok_or_else(|| err(format!("{what} must be an object")))?;
    members
        .iter()
        .map(|(k, b)| b.as_bool().map(|b| (k.clone(), b)).ok_or_else(|| err(format!("{what}.{k} must be a boolean"))))
        .collect()
}

fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

fn err(m: impl Into<String>) -> SchemaError {
    SchemaError(m.into())
}

fn get<'a>(v: &'a Value, key: &str) -> Result<&'a Value, SchemaError> {
    v.get(key).ok_or_else(|| err(format!("missing \"{key}\"")))
}

fn text(v: &Value, key: &str) -> Result<String, SchemaError> {
    match get(v, key)? {
        Value::String(s) if !s.is_empty() => Ok(s.clone()),
        _ => Err(err(format!("\"{key}\" must be a non-empty string"))),
    }
}

fn opt_text(v: &Value, key: &str) -> Result<Option<String>, SchemaError> {
    match get(v, key)? {
        Value::Null => Ok(None),
        Value::String(s) if !s.is_empty() => Ok(Some(s.clone())),
        _ => Err(err(format!("\"{key}\" must be null or a non-empty string"))),
    }
}

fn int(v: &Value, key: &str) -> Result<i64, SchemaError> {
    get(v, key)?.as_i64().ok_or_else(|| err(format!("\"{key}\" must be an integer")))
}

/// A base64url SHA-256 (43 characters).
pub fn is_hash(s: &str) -> bool {
    s.len() == 43 && crate::b64::decode(s).is_some_and(|b| b.len() == 32)
}

/// A lowercase or uppercase hyphenated UUID.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() })
}
