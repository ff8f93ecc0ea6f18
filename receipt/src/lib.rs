//! # consentry-receipt
//!
//! The consent receipt format, in one crate used by the Consentry widget (which builds and signs
//! receipts in the browser) and the receipt server (which verifies and keeps them): one definition
//! of what a valid receipt is.
//!
//! * [`notice`]: what the visitor was shown, and `noticeHash` over its canonical JSON;
//! * [`payload`]: the receipt payload (Kantara Consent Receipt v1.1 names plus Consentry's fields);
//! * [`jws`]: the compact JWS envelope (ES256, embedded `jwk`): parsing, signing input, assembly;
//! * [`verifier`]: the receipt rules on a JWS, with the ES256 primitive supplied by the caller (the
//!   server's) or, with feature `verify`, RustCrypto's (`consentry_receipt::verify`);
//! * [`signature`]: the one accepted form of an ES256 signature (low `s`) and how to normalise one;
//! * [`jwk`]: the signer's public key and its RFC 7638 thumbprint (`piiPrincipalId`);
//! * [`vocab`]: the names every crate shares (layer, action, collection method, `purpose/service`);
//! * [`json`], [`b64`]: the small JSON and base64url codecs they share.
//!
//! The written specification is `receipt/SPEC.md`; the JSON Schema `receipt/schema/receipt.schema.json`;
//! test vectors `receipt/vectors/`.

#![deny(missing_docs)]

pub mod b64;
pub mod json;
pub mod jwk;
pub mod jws;
pub mod notice;
pub mod payload;
pub mod signature;
#[cfg(feature = "sign")]
pub mod testing;
pub mod verifier;
pub mod vocab;

pub use jwk::PublicJwk;
pub use notice::{Notice, NoticeController, NoticePurpose, NoticeService};
pub use payload::{Receipt, ReceiptPurpose, ReceiptService};
#[cfg(feature = "verify")]
pub use verifier::verify;
pub use verifier::Verified;
pub use vocab::{Action, Layer, Method};

/// Base64url SHA-256 of `bytes`.
pub fn sha256_b64(bytes: &[u8]) -> String {
    use sha2::Digest;
    b64::encode(&sha2::Sha256::digest(bytes))
}
