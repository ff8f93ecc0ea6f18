//! Signed tree heads: the server's signed statement "the log had `treeSize` leaves and this root
//! at this time" (RFC 9162 §4.10, carried as a compact JWS of `typ` [`TYP`]).
//!
//! One is made for every committed batch; acknowledgments name the head their receipt first
//! appeared under, and consistency proofs connect any two of them.

use consentry_receipt::b64;
use consentry_receipt::json::Value;
use consentry_receipt::PublicJwk;

use super::merkle::Hash;
use crate::keys::{open, KeyError, ServerKey};

/// `typ` of a signed tree head.
pub const TYP: &str = "consentry-sth+jws";

/// What a tree head states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeHead {
    /// Number of leaves.
    pub size: u64,
    /// `MTH` of those leaves.
    pub root: Hash,
    /// When it was signed, milliseconds since the epoch.
    pub timestamp_ms: i64,
}

/// A tree head with its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTreeHead {
    /// The statement.
    pub head: TreeHead,
    /// The compact JWS over [`TreeHead::payload`].
    pub jws: String,
}

impl TreeHead {
    /// The signed payload: `{"treeSize":…,"rootHash":…,"timestamp":…}`.
    pub fn payload(&self) -> Value {
        Value::object([
            ("treeSize", Value::int(self.size as i64)),
            ("rootHash", Value::str(b64::encode(&self.root))),
            ("timestamp", Value::int(self.timestamp_ms)),
        ])
    }

    /// Signs the head with the server key.
    pub fn sign(self, key: &ServerKey) -> Result<SignedTreeHead, KeyError> {
        Ok(SignedTreeHead { head: self, jws: key.sign(TYP, &self.payload())? })
    }
}

impl SignedTreeHead {
    /// Whether the signature verifies under `jwk` and states exactly this head.
    pub fn is_valid(&self, jwk: &PublicJwk) -> bool {
        open(jwk, TYP, &self.jws).is_some_and(|payload| payload == self.head.payload())
    }
}
