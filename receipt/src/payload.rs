//! The receipt payload: Kantara Consent Receipt v1.1 field names wherever one exists, plus the
//! Consentry fields that make a receipt a proof (decisions for every purpose and service, the notice
//! hash, the chain link, GPC, expiry). See `receipt/SPEC.md`.

use crate::json::Value;
use crate::notice::NoticeController;
use crate::vocab::{service_id, BadMethod, Method};

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
    pub collection_method: Method,
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
    /// `overridesGpc` (written only when true): the visitor granted a purpose the signal covers,
    /// after the preference center said the signal was honored (Cal. Code Regs. tit. 11 §7025(c)(3)).
    pub overrides_gpc: bool,
    /// `expiresAt`: when the choice lapses, seconds since the epoch.
    pub expires_at: i64,
    /// `consentId`: the browser's consent record id, stable across its receipts.
    pub consent_id: String,
    /// `subjectId` (written only when set): the site's own opaque, already pseudonymous customer id,
    /// attached by `consentry.identify(id)` or the configuration's `subject_id`. Always valid for
    /// [`check_subject_id`].
    pub subject_id: Option<String>,
}

/// The longest `subjectId`.
pub const MAX_SUBJECT_ID: usize = 64;

/// Why a string is not a `subjectId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubjectIdError {
    /// Empty, or longer than [`MAX_SUBJECT_ID`].
    Length,
    /// It holds an `@`: it looks like an e-mail address, which is personal data in clear.
    Email,
    /// A character outside `A-Z a-z 0-9 . _ : -`.
    Charset,
}

impl std::fmt::Display for SubjectIdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SubjectIdError::Length => "a subject id is 1 to 64 characters",
            SubjectIdError::Email => {
                "a subject id must not be an e-mail address (it holds '@'): pass the site's own opaque, pseudonymous customer id, never a direct identifier"
            }
            SubjectIdError::Charset => "a subject id holds only A-Z, a-z, 0-9, '.', '_', ':' and '-'",
        })
    }
}

impl std::error::Error for SubjectIdError {}

/// The one `subjectId` grammar (widget configuration, `consentry.identify`, receipt schema, server):
/// 1 to [`MAX_SUBJECT_ID`] characters among `A-Z a-z 0-9 . _ : -`. Anything holding `@` is refused
/// as an e-mail address, with its own message.
pub fn check_subject_id(s: &str) -> Result<(), SubjectIdError> {
    if s.contains('@') {
        return Err(SubjectIdError::Email);
    }
    if s.is_empty() || s.len() > MAX_SUBJECT_ID {
        return Err(SubjectIdError::Length);
    }
    if !s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-')) {
        return Err(SubjectIdError::Charset);
    }
    Ok(())
}

/// Why a payload does not match the receipt schema: one variant per rule. The `Display` text is the
/// message receipt servers send back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemaError {
    /// The payload is not a JSON object.
    NotAnObject,
    /// A member the format does not define.
    UnknownField(String),
    /// A purpose or service id outside the id grammar ([`crate::vocab::is_id`]).
    Id(String),
    /// A string (or an object key) under this top-level member holds a control character: U+0000
    /// to U+001F or U+007F. Such text has no place in a receipt, and U+0000 cannot even be stored
    /// in a PostgreSQL `text` column.
    ControlCharacter(String),
    /// A required member is absent.
    Missing(String),
    /// The member must be a non-empty string.
    NotText(String),
    /// The member must be null or a non-empty string.
    NotOptionalText(String),
    /// The member must be an integer.
    NotInteger(String),
    /// The member (a path such as `services[].purposes`) has the wrong JSON type.
    WrongType {
        /// Where, as a path (`piiControllers`, `decisions.purposes.analytics`…).
        field: String,
        /// What it must be.
        expected: Expected,
    },
    /// `version` is not [`KANTARA_VERSION`].
    Version,
    /// `consentryVersion` is not [`FORMAT_VERSION`].
    FormatVersion,
    /// `consentReceiptID` is not a UUID.
    ReceiptId,
    /// `piiControllers` does not hold exactly one controller.
    ControllerCount,
    /// A Kantara service does not list exactly one purpose.
    PurposeCount,
    /// `consentType` is neither `EXPLICIT` nor `STRICTLY_NECESSARY`.
    ConsentType,
    /// Two services describe the same purpose (id) differently.
    PurposeDescribedTwice(String),
    /// The purpose is listed both on its own and with services.
    PurposeWithAndWithoutServices(String),
    /// A `serviceId` that is not `purpose/service` for its purpose.
    ForeignService {
        /// The `serviceId`.
        service: String,
        /// The purpose it is listed under.
        purpose: String,
    },
    /// The `purpose/service` is listed twice.
    ServiceTwice(String),
    /// `decisions.purposes` does not cover exactly the purposes listed.
    PurposeDecisions,
    /// `decisions.services` does not cover exactly the services listed.
    ServiceDecisions,
    /// The strictly necessary purpose is recorded as refused.
    NecessaryRefused(String),
    /// `prevReceiptHash` is neither null nor a base64url SHA-256.
    PrevReceiptHash,
    /// `noticeHash` is not a base64url SHA-256.
    NoticeHash,
    /// `piiPrincipalId` is not a base64url SHA-256 thumbprint.
    Principal,
    /// `collectionMethod` is not `layer:action` with known names.
    Method(BadMethod),
    /// `consentTimestamp` is not positive, or `expiresAt` does not follow it.
    Times,
    /// `sensitive` is not false, or `spiCat` not empty.
    Sensitive,
    /// `subjectId` is present but not a string of the subject id grammar ([`check_subject_id`]).
    SubjectId(SubjectIdError),
}

/// A JSON type a member must have, in [`SchemaError::WrongType`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expected {
    /// An object.
    Object,
    /// An array.
    Array,
    /// `true` or `false`.
    Boolean,
    /// `true` (a flag written only when set).
    True,
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Expected::Object => "an object",
            Expected::Array => "an array",
            Expected::Boolean => "a boolean",
            Expected::True => "true (or absent)",
        })
    }
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemaError::NotAnObject => f.write_str("payload must be a JSON object"),
            SchemaError::UnknownField(k) => write!(f, "unknown field {k:?}"),
            SchemaError::Id(id) => {
                write!(f, "{id:?} is not a purpose or service id: 1 to 40 characters among a-z, 0-9, _ and -")
            }
            SchemaError::ControlCharacter(k) => {
                write!(f, "{k:?} holds a control character (U+0000 to U+001F or U+007F), which receipts refuse")
            }
            SchemaError::Missing(k) => write!(f, "missing {k:?}"),
            SchemaError::NotText(k) => write!(f, "{k:?} must be a non-empty string"),
            SchemaError::NotOptionalText(k) => write!(f, "{k:?} must be null or a non-empty string"),
            SchemaError::NotInteger(k) => write!(f, "{k:?} must be an integer"),
            SchemaError::WrongType { field, expected } => write!(f, "{field} must be {expected}"),
            SchemaError::Version => write!(f, "version must be \"{KANTARA_VERSION}\""),
            SchemaError::FormatVersion => write!(f, "consentryVersion must be {FORMAT_VERSION}"),
            SchemaError::ReceiptId => f.write_str("consentReceiptID must be a UUID"),
            SchemaError::ControllerCount => f.write_str("piiControllers must hold exactly one controller"),
            SchemaError::PurposeCount => f.write_str("each service lists exactly one purpose"),
            SchemaError::ConsentType => f.write_str("consentType must be EXPLICIT or STRICTLY_NECESSARY"),
            SchemaError::PurposeDescribedTwice(p) => write!(f, "purpose {p:?} is described twice differently"),
            SchemaError::PurposeWithAndWithoutServices(p) => {
                write!(f, "purpose {p:?} is listed both with and without services")
            }
            SchemaError::ForeignService { service, purpose } => {
                write!(f, "serviceId {service:?} does not belong to purpose {purpose:?}")
            }
            SchemaError::ServiceTwice(s) => write!(f, "service {s:?} listed twice"),
            SchemaError::PurposeDecisions => {
                f.write_str("decisions.purposes must hold exactly the purposes listed in services")
            }
            SchemaError::ServiceDecisions => f.write_str("decisions.services must hold exactly the services listed"),
            SchemaError::NecessaryRefused(p) => write!(f, "strictly necessary purpose {p:?} recorded as refused"),
            SchemaError::PrevReceiptHash => f.write_str("prevReceiptHash must be null or a base64url SHA-256"),
            SchemaError::NoticeHash => f.write_str("noticeHash must be a base64url SHA-256"),
            SchemaError::Principal => f.write_str("piiPrincipalId must be a base64url SHA-256 thumbprint"),
            SchemaError::Method(e) => e.fmt(f),
            SchemaError::Times => f.write_str("expiresAt must follow a positive consentTimestamp"),
            SchemaError::Sensitive => f.write_str("sensitive must be false and spiCat empty"),
            SchemaError::SubjectId(e) => write!(f, "subjectId: {e}"),
        }
    }
}

impl std::error::Error for SchemaError {}

const TOP: [&str; 23] = [
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
    "overridesGpc",
    "expiresAt",
    "consentId",
    "subjectId",
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
                        ("serviceId", Value::str(service_id(&p.id, &s.id))),
                        ("purposes", Value::Array(vec![kantara.clone()])),
                    ]));
                }
            }
        }
        let mut v = Value::object([
            ("version", Value::str(KANTARA_VERSION)),
            ("consentryVersion", Value::int(FORMAT_VERSION)),
            ("consentReceiptID", Value::str(&self.id)),
            ("consentTimestamp", Value::int(self.timestamp)),
            ("collectionMethod", Value::str(self.collection_method.to_string())),
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
                    ("purposes", Value::flags(self.purpose_decisions.iter().map(|(k, b)| (k.as_str(), *b)))),
                    ("services", Value::flags(self.service_decisions.iter().map(|(k, b)| (k.as_str(), *b)))),
                ]),
            ),
            ("policyVersion", Value::str(&self.policy_version)),
            ("noticeHash", Value::str(&self.notice_hash)),
            ("prevReceiptHash", Value::opt(self.prev_receipt_hash.as_ref(), Value::str)),
            ("gpc", Value::Bool(self.gpc)),
            ("expiresAt", Value::int(self.expires_at)),
            ("consentId", Value::str(&self.consent_id)),
            ("termination", Value::str("Withdraw at any time from the site's privacy choices control.")),
        ]);
        if let (true, Value::Object(members)) = (self.overrides_gpc, &mut v) {
            let at = members.iter().position(|(k, _)| k == "gpc").map_or(members.len(), |i| i + 1);
            members.insert(at, ("overridesGpc".to_string(), Value::Bool(true)));
        }
        // Absent unless set, so a receipt without a subject keeps the bytes it always had.
        if let (Some(subject), Value::Object(members)) = (&self.subject_id, &mut v) {
            let at = members.iter().position(|(k, _)| k == "consentId").map_or(members.len(), |i| i + 1);
            members.insert(at, ("subjectId".to_string(), Value::str(subject)));
        }
        v
    }

    /// Reads and checks a payload against the receipt schema: every field present with its type, no
    /// unknown field, and decisions that cover exactly the purposes and services listed.
    pub fn from_json(v: &Value) -> Result<Receipt, SchemaError> {
        let members = v.as_object().ok_or(SchemaError::NotAnObject)?;
        for (k, _) in members {
            if !TOP.contains(&k.as_str()) {
                return Err(SchemaError::UnknownField(k.clone()));
            }
        }
        // Before anything is read: no text of a receipt, key or value, may hold a control character.
        if let Some((k, _)) = members.iter().find(|(_, value)| first_control_character(value).is_some()) {
            return Err(SchemaError::ControlCharacter(k.clone()));
        }
        if text(v, "version")? != KANTARA_VERSION {
            return Err(SchemaError::Version);
        }
        if int(v, "consentryVersion")? != FORMAT_VERSION {
            return Err(SchemaError::FormatVersion);
        }
        let id = text(v, "consentReceiptID")?;
        if !is_uuid(&id) {
            return Err(SchemaError::ReceiptId);
        }
        let controllers =
            get(v, "piiControllers")?.as_array().ok_or_else(|| wrong_type("piiControllers", Expected::Array))?;
        let [ctl] = controllers else { return Err(SchemaError::ControllerCount) };
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
            return Err(SchemaError::PurposeDecisions);
        }
        let expected_s: Vec<String> =
            purposes.iter().flat_map(|p| p.services.iter().map(move |s| service_id(&p.id, &s.id))).collect();
        let got_s: Vec<String> = service_decisions.iter().map(|(k, _)| k.clone()).collect();
        if sorted(expected_s) != sorted(got_s) {
            return Err(SchemaError::ServiceDecisions);
        }
        for p in purposes.iter().filter(|p| p.required) {
            if purpose_decisions.iter().any(|(k, on)| *k == p.id && !on) {
                return Err(SchemaError::NecessaryRefused(p.id.clone()));
            }
        }
        let prev = match get(v, "prevReceiptHash")? {
            Value::Null => None,
            Value::String(s) if is_hash(s) => Some(s.clone()),
            _ => return Err(SchemaError::PrevReceiptHash),
        };
        let notice_hash = text(v, "noticeHash")?;
        if !is_hash(&notice_hash) {
            return Err(SchemaError::NoticeHash);
        }
        let principal = text(v, "piiPrincipalId")?;
        if !is_hash(&principal) {
            return Err(SchemaError::Principal);
        }
        let method: Method = text(v, "collectionMethod")?.parse().map_err(SchemaError::Method)?;
        let timestamp = int(v, "consentTimestamp")?;
        let expires_at = int(v, "expiresAt")?;
        if timestamp <= 0 || expires_at <= timestamp {
            return Err(SchemaError::Times);
        }
        if get(v, "sensitive")?.as_bool() != Some(false) || get(v, "spiCat")?.as_array().is_none_or(|a| !a.is_empty()) {
            return Err(SchemaError::Sensitive);
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
            gpc: get(v, "gpc")?.as_bool().ok_or_else(|| wrong_type("gpc", Expected::Boolean))?,
            // Absent, or `true`: a receipt that does not override says nothing.
            overrides_gpc: match v.get("overridesGpc") {
                None => false,
                Some(Value::Bool(true)) => true,
                Some(_) => return Err(wrong_type("overridesGpc", Expected::True)),
            },
            expires_at,
            consent_id: text(v, "consentId")?,
            subject_id: match v.get("subjectId") {
                None => None,
                Some(Value::String(s)) => {
                    check_subject_id(s).map_err(SchemaError::SubjectId)?;
                    Some(s.clone())
                }
                Some(_) => return Err(SchemaError::SubjectId(SubjectIdError::Charset)),
            },
        })
    }
}

fn read_purposes(services: &Value) -> Result<Vec<ReceiptPurpose>, SchemaError> {
    let items = services.as_array().ok_or_else(|| wrong_type("services", Expected::Array))?;
    let mut purposes: Vec<ReceiptPurpose> = Vec::new();
    for s in items {
        let name = text(s, "service")?;
        let service_id = text(s, "serviceId")?;
        let list = get(s, "purposes")?.as_array().ok_or_else(|| wrong_type("services[].purposes", Expected::Array))?;
        let [k] = list else { return Err(SchemaError::PurposeCount) };
        let pid = text(k, "purposeId")?;
        if !crate::vocab::is_id(&pid) {
            return Err(SchemaError::Id(pid));
        }
        let consent_type = text(k, "consentType")?;
        let required = match consent_type.as_str() {
            "EXPLICIT" => false,
            "STRICTLY_NECESSARY" => true,
            _ => return Err(SchemaError::ConsentType),
        };
        let purpose = ReceiptPurpose {
            id: pid.clone(),
            name: text(k, "purpose")?,
            required,
            retention: text(k, "termination")?,
            recipients: text(k, "thirdPartyName")?,
            services: Vec::new(),
        };
        let index = match purposes.iter().position(|p| p.id == pid) {
            Some(i) if purposes[i].name == purpose.name && purposes[i].required == required => i,
            Some(_) => return Err(SchemaError::PurposeDescribedTwice(pid)),
            None => {
                purposes.push(purpose);
                purposes.len() - 1
            }
        };
        let entry = &mut purposes[index];
        if service_id == pid {
            if !entry.services.is_empty() {
                return Err(SchemaError::PurposeWithAndWithoutServices(pid));
            }
        } else {
            let sid = service_id
                .strip_prefix(&crate::vocab::service_id(&pid, ""))
                .ok_or_else(|| SchemaError::ForeignService { service: service_id.clone(), purpose: pid.clone() })?;
            if !crate::vocab::is_id(sid) {
                return Err(SchemaError::Id(service_id));
            }
            if entry.services.iter().any(|x| x.id == sid) {
                return Err(SchemaError::ServiceTwice(service_id));
            }
            entry.services.push(ReceiptService { id: sid.to_string(), name });
        }
    }
    Ok(purposes)
}

fn read_flags(v: &Value, what: &str) -> Result<Vec<(String, bool)>, SchemaError> {
    let members = v.as_object().ok_or_else(|| wrong_type(what, Expected::Object))?;
    members
        .iter()
        .map(|(k, b)| {
            b.as_bool().map(|b| (k.clone(), b)).ok_or_else(|| wrong_type(&format!("{what}.{k}"), Expected::Boolean))
        })
        .collect()
}

fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

fn wrong_type(field: &str, expected: Expected) -> SchemaError {
    SchemaError::WrongType { field: field.to_string(), expected }
}

fn get<'a>(v: &'a Value, key: &str) -> Result<&'a Value, SchemaError> {
    v.get(key).ok_or_else(|| SchemaError::Missing(key.to_string()))
}

fn text(v: &Value, key: &str) -> Result<String, SchemaError> {
    match get(v, key)? {
        Value::String(s) if !s.is_empty() => Ok(s.clone()),
        _ => Err(SchemaError::NotText(key.to_string())),
    }
}

fn opt_text(v: &Value, key: &str) -> Result<Option<String>, SchemaError> {
    match get(v, key)? {
        Value::Null => Ok(None),
        Value::String(s) if !s.is_empty() => Ok(Some(s.clone())),
        _ => Err(SchemaError::NotOptionalText(key.to_string())),
    }
}

fn int(v: &Value, key: &str) -> Result<i64, SchemaError> {
    get(v, key)?.as_i64().ok_or_else(|| SchemaError::NotInteger(key.to_string()))
}

/// Whether `c` is a control character a receipt refuses: C0 (U+0000 to U+001F) or DEL (U+007F).
pub fn is_control_character(c: char) -> bool {
    c.is_ascii_control()
}

/// The first control character ([`is_control_character`]) in any string or object key of `v`, at
/// any depth. A configuration whose texts end up in receipts (names, retention, recipients,
/// controller) should be checked with this when it is read, since a receipt holding one is refused.
pub fn first_control_character(v: &Value) -> Option<char> {
    let in_text = |s: &str| s.chars().find(|&c| is_control_character(c));
    match v {
        Value::String(s) => in_text(s),
        Value::Array(items) => items.iter().find_map(first_control_character),
        Value::Object(members) => members.iter().find_map(|(k, v)| in_text(k).or_else(|| first_control_character(v))),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
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

#[cfg(test)]
mod subject_tests {
    use super::*;

    fn sample() -> Receipt {
        Receipt {
            id: "7b0c5a62-3f1d-4e8a-9b2c-5d6e7f8a9b0c".into(),
            timestamp: 1_790_000_000,
            collection_method: "banner:accept-all".parse().expect("a method"),
            jurisdiction: "EU".into(),
            language: "en".into(),
            principal: crate::sha256_b64(b"key"),
            controller: NoticeController {
                name: "Atelier Lumen SAS".into(),
                contact: "dpo@atelier-lumen.example".into(),
                address: None,
                policy_url: "https://atelier-lumen.example/privacy".into(),
            },
            policy_url: "https://atelier-lumen.example/privacy".into(),
            purposes: vec![ReceiptPurpose {
                id: "analytics".into(),
                name: "Audience measurement".into(),
                required: false,
                retention: "13 months".into(),
                recipients: "Matomo".into(),
                services: vec![],
            }],
            purpose_decisions: vec![("analytics".into(), true)],
            service_decisions: vec![],
            policy_version: "2026-11".into(),
            notice_hash: crate::sha256_b64(b"notice"),
            prev_receipt_hash: None,
            gpc: false,
            overrides_gpc: false,
            expires_at: 1_790_000_000 + 86_400,
            consent_id: "0d9c2f4e-8a61-4b7e-9c3d-2f1e0a9b8c7d".into(),
            subject_id: None,
        }
    }

    #[test]
    fn the_subject_id_grammar() {
        for ok in ["a", "cust-123", "CRM:42.a_b", &"x".repeat(MAX_SUBJECT_ID)] {
            assert_eq!(check_subject_id(ok), Ok(()), "{ok}");
        }
        assert_eq!(check_subject_id(""), Err(SubjectIdError::Length));
        assert_eq!(check_subject_id(&"x".repeat(MAX_SUBJECT_ID + 1)), Err(SubjectIdError::Length));
        for bad in ["a b", "a/b", "é", "a\u{0}", "a+b", "<x>"] {
            assert_eq!(check_subject_id(bad), Err(SubjectIdError::Charset), "{bad}");
        }
        for email in ["ana@example.com", "@", "x@y", &format!("{}@x", "a".repeat(80))] {
            assert_eq!(check_subject_id(email), Err(SubjectIdError::Email), "{email}");
        }
        assert!(SubjectIdError::Email.to_string().contains("e-mail"));
    }

    #[test]
    fn a_receipt_without_subject_keeps_its_bytes_and_one_with_it_round_trips() {
        let plain = sample();
        let text = plain.to_json().to_string();
        assert!(!text.contains("subjectId"), "absent unless set");
        assert_eq!(Receipt::from_json(&plain.to_json()), Ok(plain.clone()));
        let mut with = plain.clone();
        with.subject_id = Some("cust-123".into());
        let json = with.to_json();
        assert_eq!(json.get("subjectId").and_then(Value::as_str), Some("cust-123"));
        assert_eq!(Receipt::from_json(&json), Ok(with.clone()));
        // Only the member is added: removing it gives the old bytes back.
        assert_eq!(json.to_string().replace(",\"subjectId\":\"cust-123\"", ""), text);
    }

    #[test]
    fn a_bad_subject_id_is_refused_by_the_schema() {
        let mut with = sample();
        with.subject_id = Some("ana@example.com".into());
        assert_eq!(Receipt::from_json(&with.to_json()), Err(SchemaError::SubjectId(SubjectIdError::Email)));
        with.subject_id = Some("a b".into());
        assert_eq!(Receipt::from_json(&with.to_json()), Err(SchemaError::SubjectId(SubjectIdError::Charset)));
        let Value::Object(mut members) = sample().to_json() else { unreachable!() };
        members.push(("subjectId".into(), Value::Bool(true)));
        assert!(matches!(Receipt::from_json(&Value::Object(members)), Err(SchemaError::SubjectId(_))));
    }
}
