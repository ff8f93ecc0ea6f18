//! The notice a visitor was shown, in the language shown, and its hash (`noticeHash`).
//!
//! The widget builds a [`Notice`] from its configuration and the negotiated language: every text the
//! visitor could read (controller, purposes, services, cookies, interface strings). Its canonical JSON
//! (RFC 8785: sorted keys, no whitespace) is hashed with SHA-256. Anyone holding the configuration can rebuild
//! the same notice and compare hashes, which proves what was displayed without storing it per receipt.

use crate::json::Value;
use crate::sha256_b64;

/// The controller as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeController {
    /// Legal name.
    pub name: String,
    /// Contact e-mail.
    pub contact: String,
    /// Postal address, if shown.
    pub address: Option<String>,
    /// The privacy policy link.
    pub policy_url: String,
}

/// A service as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeService {
    /// Service id (unique within its purpose).
    pub id: String,
    /// Name, in the language shown.
    pub name: String,
    /// Description, in the language shown.
    pub description: String,
    /// Cookie name patterns listed.
    pub cookies: Vec<String>,
    /// The service's policy link, if listed.
    pub policy_url: Option<String>,
}

/// A purpose as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticePurpose {
    /// Purpose id.
    pub id: String,
    /// Strictly necessary (always active).
    pub required: bool,
    /// Name, in the language shown.
    pub name: String,
    /// Description, in the language shown.
    pub description: String,
    /// Retention, in the language shown.
    pub retention: String,
    /// Recipients, in the language shown.
    pub recipients: String,
    /// Services listed under the purpose.
    pub services: Vec<NoticeService>,
}

/// Everything the visitor could read before deciding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The policy version in force.
    pub policy_version: String,
    /// The language shown.
    pub language: String,
    /// The controller.
    pub controller: NoticeController,
    /// The purposes, in display order.
    pub purposes: Vec<NoticePurpose>,
    /// Interface strings shown, by key (`banner_title`, `accept_all`, …), as displayed.
    pub interface: Vec<(String, String)>,
}

fn opt_str(v: &Option<String>) -> Value {
    Value::opt(v.as_ref(), Value::str)
}

impl Notice {
    /// The notice as a JSON value (member order irrelevant: the hash uses the canonical form).
    pub fn to_json(&self) -> Value {
        let c = &self.controller;
        Value::object([
            ("policy_version", Value::str(&self.policy_version)),
            ("language", Value::str(&self.language)),
            (
                "controller",
                Value::object([
                    ("name", Value::str(&c.name)),
                    ("contact", Value::str(&c.contact)),
                    ("address", opt_str(&c.address)),
                    ("policy_url", Value::str(&c.policy_url)),
                ]),
            ),
            ("purposes", Value::Array(self.purposes.iter().map(purpose_json).collect())),
            ("interface", Value::object(self.interface.iter().map(|(k, v)| (k.clone(), Value::str(v))))),
        ])
    }

    /// The canonical serialization that is hashed (RFC 8785, `receipt/SPEC.md` §4).
    pub fn canonical(&self) -> String {
        // A notice is texts, booleans and nulls: no number for `Value::canonical` to refuse.
        self.to_json().canonical_unchecked()
    }

    /// `noticeHash`: base64url SHA-256 of the canonical serialization.
    pub fn hash(&self) -> String {
        sha256_b64(self.canonical().as_bytes())
    }
}

fn purpose_json(p: &NoticePurpose) -> Value {
    Value::object([
        ("id", Value::str(&p.id)),
        ("required", Value::Bool(p.required)),
        ("name", Value::str(&p.name)),
        ("description", Value::str(&p.description)),
        ("retention", Value::str(&p.retention)),
        ("recipients", Value::str(&p.recipients)),
        (
            "services",
            Value::Array(
                p.services
                    .iter()
                    .map(|s| {
                        Value::object([
                            ("id", Value::str(&s.id)),
                            ("name", Value::str(&s.name)),
                            ("description", Value::str(&s.description)),
                            ("cookies", Value::Array(s.cookies.iter().map(Value::str).collect())),
                            ("policy_url", opt_str(&s.policy_url)),
                        ])
                    })
                    .collect(),
            ),
        ),
    ])
}
