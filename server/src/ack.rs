//! The answer to an accepted receipt, and the signed acknowledgment inside it.
//!
//! The widget keeps the answer body with the receipt (receipt SPEC §6), so it is self-contained:
//! the receipt's position (`leafIndex`), the signed tree head it first appeared under
//! (`treeSize`, `rootHash`, `timestamp`), its chain link, and `ack`, a compact JWS of `typ` [`TYP`]
//! by the server key (`kid` in `/.well-known/jwks.json`) over those same facts and the receipt's
//! hash. The ack is stored with the receipt, so posting the same JWS again returns a byte-identical
//! answer.

use consentry_receipt::b64;
use consentry_receipt::json::Value;
use serde::Serialize;

use crate::chain::Link;
use crate::keys::{KeyError, ServerKey};
use crate::ledger::tree_head::TreeHead;

/// `typ` of an acknowledgment.
pub const TYP: &str = "consentry-ack+jws";

/// Everything the answer to one accepted receipt says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// `consentReceiptID`.
    pub receipt_id: String,
    /// Position in the log.
    pub leaf_index: u64,
    /// The tree head the receipt first appeared under.
    pub head: TreeHead,
    /// Chain continuity.
    pub link: Link,
    /// The signed acknowledgment.
    pub ack: String,
}

/// The acknowledged facts, signed as the ack's payload.
pub fn payload(receipt_id: &str, receipt_hash: &str, leaf_index: u64, head: &TreeHead, link: Link) -> Value {
    Value::object([
        ("consentReceiptID", Value::str(receipt_id)),
        ("receiptHash", Value::str(receipt_hash)),
        ("leafIndex", Value::int(leaf_index as i64)),
        ("treeSize", Value::int(head.size as i64)),
        ("rootHash", Value::str(b64::encode(&head.root))),
        ("timestamp", Value::int(head.timestamp_ms)),
        ("chain", Value::str(link.as_str())),
    ])
}

/// Signs the acknowledgment of one receipt.
pub fn sign(
    key: &ServerKey,
    receipt_id: &str,
    receipt_hash: &str,
    leaf_index: u64,
    head: &TreeHead,
    link: Link,
) -> Result<String, KeyError> {
    key.sign(TYP, &payload(receipt_id, receipt_hash, leaf_index, head, link))
}

/// The JSON body of the answer to `POST /v1/receipts`.
///
/// Members are in alphabetical order, the order this body has always had on the wire (it was a
/// `serde_json::Value`, whose objects sort their keys); the widget keeps it byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerBody {
    /// The signed acknowledgment.
    pub ack: String,
    /// Chain continuity, e.g. `linked` or `break:gap`.
    pub chain: &'static str,
    /// `consentReceiptID`.
    #[serde(rename = "consentReceiptID")]
    pub consent_receipt_id: String,
    /// Position in the log.
    pub leaf_index: u64,
    /// Root of the tree head the receipt first appeared under, base64url.
    pub root_hash: String,
    /// When that tree head was signed, ms since the epoch.
    pub timestamp: i64,
    /// Size of that tree head.
    pub tree_size: u64,
}

impl Answer {
    /// The JSON body of the answer.
    pub fn body(&self) -> AnswerBody {
        AnswerBody {
            ack: self.ack.clone(),
            chain: self.link.as_str(),
            consent_receipt_id: self.receipt_id.clone(),
            leaf_index: self.leaf_index,
            root_hash: b64::encode(&self.head.root),
            timestamp: self.head.timestamp_ms,
            tree_size: self.head.size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_body_keeps_its_wire_form() {
        let head = TreeHead { size: 64, root: [7; 32], timestamp_ms: 1_790_000_000_123 };
        let answer = Answer { receipt_id: "r-1".into(), leaf_index: 41, head, link: Link::Gap, ack: "h.p.s".into() };
        let root = b64::encode(&[7; 32]);
        assert_eq!(
            serde_json::to_string(&answer.body()).unwrap(),
            format!(
                r#"{{"ack":"h.p.s","chain":"break:gap","consentReceiptID":"r-1","leafIndex":41,"rootHash":"{root}","timestamp":1790000000123,"treeSize":64}}"#
            )
        );
    }
}
