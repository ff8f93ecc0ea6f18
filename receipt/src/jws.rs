//! Compact JWS (RFC 7515) with ES256 (RFC 7518 §3.4) and the signer's public key embedded in the
//! protected header as `jwk`.
//!
//! This module is the envelope only: [`parse`], [`signing_input`], [`assemble`], `sign` (feature
//! `sign`) and the refusals ([`JwsError`]). The widget signs `signing_input()` with WebCrypto (ECDSA
//! P-256 SHA-256 gives the 64-byte `r ‖ s` JWS expects) and calls [`assemble`]. Verification, which
//! applies the receipt rules on top of [`parse`], is [`crate::verifier`] (`consentry_receipt::verify`).

use crate::json::{self, Value};
use crate::jwk::{JwkError, PublicJwk};
use crate::payload::SchemaError;
use crate::{b64, sha256_b64};

/// The `typ` of a Consentry receipt.
pub const TYP: &str = "consent-receipt+jws";
/// The only algorithm accepted.
pub const ALG: &str = "ES256";
/// The largest compact JWS accepted (bytes).
pub const MAX_JWS_BYTES: usize = 32 * 1024;

/// The protected header for a key.
pub fn protected_header(jwk: &PublicJwk) -> Value {
    Value::object([("alg", Value::str(ALG)), ("typ", Value::str(TYP)), ("jwk", jwk.to_json())])
}

/// `BASE64URL(header) . BASE64URL(payload)`, the bytes that are signed.
pub fn signing_input(header: &Value, payload: &Value) -> String {
    format!("{}.{}", b64::encode(header.to_string().as_bytes()), b64::encode(payload.to_string().as_bytes()))
}

/// The compact JWS from a signing input and a 64-byte `r ‖ s` signature.
pub fn assemble(signing_input: &str, signature: &[u8]) -> String {
    format!("{signing_input}.{}", b64::encode(signature))
}

/// `prevReceiptHash` of the receipt that follows `compact`: base64url SHA-256 of its ASCII bytes.
pub fn receipt_hash(compact: &str) -> String {
    sha256_b64(compact.as_bytes())
}

/// Why a JWS was refused. Each variant is one rule; the server maps them to 4xx answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwsError {
    /// Larger than [`MAX_JWS_BYTES`].
    TooLarge,
    /// Not three base64url parts, or a part that does not decode.
    Malformed(String),
    /// `alg` other than ES256 (including `none` and HMAC).
    Algorithm(String),
    /// `typ` other than [`TYP`].
    Type(String),
    /// Missing or unusable `jwk`.
    Key(JwkError),
    /// The signature does not verify.
    Signature,
    /// The payload does not match the receipt schema.
    Schema(SchemaError),
    /// `piiPrincipalId` is not the key's thumbprint.
    Principal,
}

impl std::fmt::Display for JwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JwsError::TooLarge => write!(f, "receipt larger than {MAX_JWS_BYTES} bytes"),
            JwsError::Malformed(m) => write!(f, "malformed compact JWS: {m}"),
            JwsError::Algorithm(a) => write!(f, "alg \"{a}\" refused: only ES256 is accepted"),
            JwsError::Type(t) => write!(f, "typ \"{t}\" refused: expected \"{TYP}\""),
            JwsError::Key(m) => write!(f, "unusable jwk: {m}"),
            JwsError::Signature => f.write_str("signature does not verify"),
            JwsError::Schema(m) => write!(f, "payload does not match the receipt schema: {m}"),
            JwsError::Principal => f.write_str("piiPrincipalId is not the RFC 7638 thumbprint of the signing key"),
        }
    }
}

impl std::error::Error for JwsError {}

/// A compact JWS split and decoded, not yet verified.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The protected header.
    pub header: Value,
    /// The payload.
    pub payload: Value,
    /// The signing input (first two parts).
    pub signing_input: String,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

/// Splits and decodes a compact JWS, checking `alg`, `typ` and the header shape.
pub fn parse(compact: &str) -> Result<Parsed, JwsError> {
    if compact.len() > MAX_JWS_BYTES {
        return Err(JwsError::TooLarge);
    }
    let compact = compact.trim();
    let mut parts = compact.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(JwsError::Malformed("expected three dot-separated parts".into()));
    };
    let decode_json = |part: &str, what: &str| -> Result<Value, JwsError> {
        let bytes = b64::decode(part).ok_or_else(|| JwsError::Malformed(format!("{what} is not base64url")))?;
        let text = String::from_utf8(bytes).map_err(|_| JwsError::Malformed(format!("{what} is not UTF-8")))?;
        json::parse(&text).map_err(|e| JwsError::Malformed(format!("{what} is not JSON: {e}")))
    };
    let header = decode_json(h, "header")?;
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if alg != ALG {
        return Err(JwsError::Algorithm(alg.to_string()));
    }
    let typ = header.get("typ").and_then(Value::as_str).unwrap_or("");
    if typ != TYP {
        return Err(JwsError::Type(typ.to_string()));
    }
    if let Some((k, _)) =
        header.as_object().unwrap_or(&[]).iter().find(|(k, _)| !matches!(k.as_str(), "alg" | "typ" | "jwk"))
    {
        return Err(JwsError::Malformed(format!("unexpected header parameter \"{k}\"")));
    }
    let payload = decode_json(p, "payload")?;
    let signature = b64::decode(s).ok_or_else(|| JwsError::Malformed("signature is not base64url".into()))?;
    if signature.len() != 64 {
        return Err(JwsError::Malformed("an ES256 signature is 64 bytes".into()));
    }
    Ok(Parsed { header, payload, signing_input: format!("{h}.{p}"), signature })
}

/// Signs a payload with a P-256 private key (RFC 6979 deterministic ECDSA): test vectors and load
/// generators only. Returns the compact JWS.
#[cfg(feature = "sign")]
pub fn sign(key: &p256::ecdsa::SigningKey, payload: &Value) -> String {
    use p256::ecdsa::signature::Signer;
    let input = signing_input(&protected_header(&public_jwk(key)), payload);
    let signature: p256::ecdsa::Signature = key.sign(input.as_bytes());
    assemble(&input, &signature.to_bytes())
}

/// The public JWK of a signing key (test vectors and load generators).
#[cfg(feature = "sign")]
pub fn public_jwk(key: &p256::ecdsa::SigningKey) -> PublicJwk {
    let point = key.verifying_key().to_encoded_point(false);
    PublicJwk {
        x: b64::encode(point.x().map(|x| x.as_slice()).unwrap_or_default()),
        y: b64::encode(point.y().map(|y| y.as_slice()).unwrap_or_default()),
    }
}
