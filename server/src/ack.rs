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

impl Answer {
    /// The JSON body of the answer.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "consentReceiptID": self.receipt_id,
            "leafIndex": self.leaf_index,
            "treeSize": self.head.size,
            "rootHash": b64::encode(&self.head.root),
            "timestamp": self.head.timestamp_ms,
            "chain": self.link.as_str(),
            "ack": self.ack,
        })
    }
}
