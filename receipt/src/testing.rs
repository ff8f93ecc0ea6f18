//! Receipts for tests, fixtures and load generators (feature `sign`): a fixed, realistic payload
//! signed with a given key. Never used by the widget.

use p256::ecdsa::SigningKey;

use crate::jws;
use crate::notice::NoticeController;
use crate::payload::{Receipt, ReceiptPurpose, ReceiptService};

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
        collection_method: "banner:accept-all".into(),
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
    }
}

/// `sample_receipt` signed: the compact JWS.
pub fn sample_jws(key: &SigningKey, id: &str, timestamp: i64, prev: Option<String>, analytics: bool) -> String {
    jws::sign(key, &sample_receipt(key, id, timestamp, prev, analytics).to_json())
}
