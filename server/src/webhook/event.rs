//! What a hook receives: one [`Event`] per accepted receipt, and the body of a batch of them.
//!
//! An event carries the receipt's decisions and their context, and only pseudonymous identifiers:
//! the principal is the RFC 7638 thumbprint of a key the visitor's browser made, the receipt id a
//! random UUID. No IP address, user agent, notice text or the receipt's JWS leaves the server.
//! Members are in alphabetical order, like every JSON answer of the API.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::decisions::Decisions;

/// The `type` of an event.
pub const RECEIPT_ACCEPTED: &str = "receipt.accepted";

/// One accepted receipt, as the outbox stores it and hooks receive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event<'a> {
    /// The chain link: `first`, `linked`, `break:restart`, `break:gap`, `break:fork`.
    pub chain: &'a str,
    /// `collectionMethod`: `layer:action`, e.g. `banner:accept-all`.
    pub collection_method: String,
    /// `consentTimestamp`, seconds since the epoch.
    pub consent_timestamp: i64,
    /// Every purpose and listed service (`purpose/service`) with whether it was granted.
    pub decisions: Decisions,
    /// `expiresAt`: when the choice lapses, seconds since the epoch.
    pub expires_at: i64,
    /// Whether a Global Privacy Control signal was present.
    pub gpc: bool,
    /// The language the notice was shown in.
    pub language: &'a str,
    /// The receipt's position in the log.
    pub leaf_index: u64,
    /// When the receipt was committed to the log (its tree head's timestamp), ms since the epoch.
    pub logged_at_ms: i64,
    /// `noticeHash`: what the visitor was shown (see the notice registry).
    pub notice_hash: &'a str,
    /// `policyVersion`.
    pub policy_version: &'a str,
    /// `piiPrincipalId`: the thumbprint of the browser's key, a pseudonymous id.
    pub principal: &'a str,
    /// `consentReceiptID`.
    pub receipt_id: &'a str,
    /// When the server received it, ms since the epoch.
    pub received_at_ms: i64,
    /// The signed tree head the receipt first appeared under (for `/v1/log/inclusion`).
    pub tree_size: u64,
    /// [`RECEIPT_ACCEPTED`].
    #[serde(rename = "type")]
    pub kind: &'static str,
}

impl<'a> Event<'a> {
    /// The event of `receipt` appended at `leaf_index` under the tree head of `tree_size` signed
    /// at `logged_at_ms`.
    pub fn new(
        receipt: &'a consentry_receipt::Receipt,
        link: &'a str,
        leaf_index: u64,
        received_at_ms: i64,
        (tree_size, logged_at_ms): (u64, i64),
    ) -> Self {
        let map = |d: &[(String, bool)]| d.iter().cloned().collect();
        Event {
            chain: link,
            collection_method: receipt.collection_method.to_string(),
            consent_timestamp: receipt.timestamp,
            decisions: Decisions {
                purposes: map(&receipt.purpose_decisions),
                services: map(&receipt.service_decisions),
            },
            expires_at: receipt.expires_at,
            gpc: receipt.gpc,
            language: &receipt.language,
            leaf_index,
            logged_at_ms,
            notice_hash: &receipt.notice_hash,
            policy_version: &receipt.policy_version,
            principal: &receipt.principal,
            receipt_id: &receipt.id,
            received_at_ms,
            tree_size,
            kind: RECEIPT_ACCEPTED,
        }
    }

    /// The JSON text the outbox stores.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The idempotency key of a batch of `events` (stored JSON texts) for `hook`: a digest of both, so
/// it is the same at every attempt and differs between hooks and between logs (receipt ids are
/// random). 128 bits in base64url.
pub fn idempotency_key(hook: &str, events: &[String]) -> String {
    let mut digest = Sha256::new();
    digest.update(b"consentry-webhook-batch\0");
    digest.update(hook.as_bytes());
    for e in events {
        digest.update(b"\0");
        digest.update(e.as_bytes());
    }
    format!("whb_{}", consentry_receipt::b64::encode(&digest.finalize()[..16]))
}

/// The body of batch `sequence` of `hook`:
/// `{"events":[…],"hook":NAME,"idempotencyKey":KEY,"sequence":N}`, the stored events verbatim.
pub fn batch_body(hook: &str, sequence: u64, key: &str, events: &[String]) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    format!(
        "{{\"events\":[{}],\"hook\":{},\"idempotencyKey\":{},\"sequence\":{sequence}}}",
        events.join(","),
        quote(hook),
        quote(key)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use consentry_receipt::testing::{key_from_seed, sample_jws};

    #[test]
    fn an_event_is_the_receipts_decisions_in_alphabetical_order() {
        let jws =
            sample_jws(&key_from_seed("event"), "7b0c5a62-3f1d-4e8a-9b2c-5d6e7f8a9b0c", 1_790_000_000, None, true);
        let admitted = crate::intake::admit(jws.as_bytes(), 1_790_000_000).unwrap();
        let r = &admitted.receipt;
        let text = Event::new(r, "first", 7, 1_790_000_000_123, (8, 1_790_000_000_456)).to_json();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "{text}");
        assert_eq!(value["leafIndex"], 7);
        assert_eq!(value["principal"], r.principal.as_str());
        assert_eq!(value["type"], RECEIPT_ACCEPTED);
        assert_eq!(value["decisions"]["purposes"].as_object().unwrap().len(), r.purpose_decisions.len());
        assert!(!text.contains(&admitted.jws[..40]), "the JWS does not leave the server");
    }

    #[test]
    fn a_batch_body_is_stable_and_keyed() {
        let events = vec![r#"{"leafIndex":0}"#.to_string(), r#"{"leafIndex":1}"#.to_string()];
        let key = idempotency_key("crm", &events);
        assert_eq!(key, idempotency_key("crm", &events));
        assert_ne!(key, idempotency_key("other", &events));
        assert_eq!(
            batch_body("crm", 3, &key, &events),
            format!(
                r#"{{"events":[{{"leafIndex":0}},{{"leafIndex":1}}],"hook":"crm","idempotencyKey":"{key}","sequence":3}}"#
            )
        );
    }
}
