//! Receipts for tests, fixtures and load generators (feature `sign`): a fixed, realistic payload
//! signed with a given key, and helpers that take a compact JWS apart and put a tampered one back
//! together. Never used by the widget.

use p256::ecdsa::SigningKey;

use crate::json::{self, Value};
use crate::notice::NoticeController;
use crate::payload::{Receipt, ReceiptPurpose, ReceiptService};
use crate::vocab::{Action, Layer, Method};
use crate::{b64, jws};

/// A deterministic P-256 key from a seed (the seed is hashed into a valid scalar).
pub fn key_from_seed(seed: &str) -> SigningKey {
    use sha2::Digest;
    let mut material = sha2::Sha256::digest(seed.as_bytes());
    loop {
        if let Ok(key) = SigningKey::from_slice(&material) {
            return key;
        }
        material = sha2::Sha256::digest(material);
    }
}

/// A complete receipt payload for `key`'s principal.
pub fn sample_receipt(key: &SigningKey, id: &str, timestamp: i64, prev: Option<String>, analytics: bool) -> Receipt {
    Receipt {
        id: id.to_string(),
        timestamp,
        collection_method: Method { layer: Layer::Banner, action: Action::AcceptAll },
        jurisdiction: "EU".into(),
        language: "en".into(),
        principal: jws::public_jwk(key).thumbprint(),
        controller: NoticeController {
            name: "Atelier Lumen SAS".into(),
            contact: "privacy@atelier-lumen.example".into(),
            address: Some("14 rue des Fournils, 75011 Paris, France".into()),
            policy_url: "https://atelier-lumen.example/privacy".into(),
        },
        policy_url: "https://atelier-lumen.example/privacy".into(),
        purposes: vec![
            ReceiptPurpose {
                id: "necessary".into(),
                name: "Strictly necessary".into(),
                required: true,
                retention: "6 months".into(),
                recipients: "Atelier Lumen only".into(),
                services: vec![],
            },
            ReceiptPurpose {
                id: "analytics".into(),
                name: "Audience measurement".into(),
                required: false,
                retention: "13 months".into(),
                recipients: "Matomo (self-hosted)".into(),
                services: vec![ReceiptService { id: "matomo".into(), name: "Matomo".into() }],
            },
        ],
        purpose_decisions: vec![("necessary".into(), true), ("analytics".into(), analytics)],
        service_decisions: vec![("analytics/matomo".into(), analytics)],
        policy_version: "2026-11".into(),
        notice_hash: crate::sha256_b64(b"notice"),
        prev_receipt_hash: prev,
        gpc: false,
        expires_at: timestamp + 182 * 86_400,
        consent_id: "0d9c2f4e-8a61-4b7e-9c3d-2f1e0a9b8c7d".into(),
        overrides_gpc: false,
        subject_id: None,
    }
}

/// `sample_receipt` signed: the compact JWS.
pub fn sample_jws(key: &SigningKey, id: &str, timestamp: i64, prev: Option<String>, analytics: bool) -> String {
    jws::sign(key, &sample_receipt(key, id, timestamp, prev, analytics).to_json())
}

/// Splits a compact JWS into its decoded header, decoded payload and (still encoded) signature, for
/// tests that tamper with one part and [`rebuild`] it.
///
/// # Panics
///
/// If `compact` is not three dot-separated parts whose first two are base64url JSON: a test helper,
/// for JWS a test has just made.
#[track_caller]
pub fn parts(compact: &str) -> (Value, Value, String) {
    let mut it = compact.split('.');
    let mut decode = |what: &str| {
        let part = it.next().unwrap_or_else(|| panic!("compact JWS without a {what}"));
        let bytes = b64::decode(part).unwrap_or_else(|| panic!("JWS {what} is not base64url"));
        let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("JWS {what} is not UTF-8"));
        json::parse(&text).unwrap_or_else(|e| panic!("JWS {what} is not JSON: {e}"))
    };
    let (header, payload) = (decode("header"), decode("payload"));
    let signature = it.next().unwrap_or_else(|| panic!("compact JWS without a signature"));
    (header, payload, signature.to_string())
}

/// A compact JWS from a header, a payload and an encoded signature, as given: no signing, so a changed
/// header or payload keeps a signature that no longer matches.
pub fn rebuild(header: &Value, payload: &Value, signature: &str) -> String {
    format!(
        "{}.{}.{signature}",
        b64::encode(header.to_string().as_bytes()),
        b64::encode(payload.to_string().as_bytes())
    )
}

/// A copy of the object `v` with member `key` set to `new`: replaced in place if present, else appended.
///
/// # Panics
///
/// If `v` is not an object.
#[track_caller]
pub fn with_member(v: &Value, key: &str, new: Value) -> Value {
    let mut members = object_members(v);
    match members.iter_mut().find(|(k, _)| k == key) {
        Some(m) => m.1 = new,
        None => members.push((key.into(), new)),
    }
    Value::Object(members)
}

/// A copy of the object `v` without member `key`.
///
/// # Panics
///
/// If `v` is not an object.
#[track_caller]
pub fn without_member(v: &Value, key: &str) -> Value {
    Value::Object(object_members(v).into_iter().filter(|(k, _)| k != key).collect())
}

#[track_caller]
fn object_members(v: &Value) -> Vec<(String, Value)> {
    match v.as_object() {
        Some(members) => members.to_vec(),
        None => panic!("expected a JSON object, found {}", v.kind()),
    }
}
