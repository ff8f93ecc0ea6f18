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

/// The compact JWS from a signing input and a 64-byte `r ‖ s` signature. Normalise a signature from
/// WebCrypto with [`crate::signature::normalize_low_s`] first: a high `s` is refused.
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
    /// The signature's `s` is in the upper half of the group order: the malleated twin of a valid
    /// signature, refused so that a receipt has one encoding ([`crate::signature`]).
    HighS,
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
            JwsError::Algorithm(a) => write!(f, "alg {a:?} refused: only ES256 is accepted"),
            JwsError::Type(t) => write!(f, "typ {t:?} refused: expected \"{TYP}\""),
            JwsError::Key(m) => write!(f, "unusable jwk: {m}"),
            JwsError::Signature => f.write_str("signature does not verify"),
            JwsError::HighS => f.write_str("the signature's s is not in the lower half of the group order (low-S)"),
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

/// A compact JWS whose header, key and signature are read, and whose payload is not: what the
/// signature check needs, so a forged receipt is refused before its payload costs anything.
#[derive(Debug, Clone)]
pub struct Envelope<'a> {
    /// The protected header.
    pub header: Value,
    /// The signer's key from the header.
    pub jwk: PublicJwk,
    /// The signing input (first two parts, as posted).
    pub signing_input: &'a str,
    /// The payload part, still base64url.
    pub payload_part: &'a str,
    /// The signature bytes: 64, `s` low ([`crate::signature`]).
    pub signature: Vec<u8>,
}

/// Reads a compact JWS up to its payload: size, three parts, the header (no control characters,
/// `alg`, `typ`, only `alg`/`typ`/`jwk`), the `jwk`, and the signature (base64url, 64 bytes, low `s`).
pub fn envelope(compact: &str) -> Result<Envelope<'_>, JwsError> {
    if compact.len() > MAX_JWS_BYTES {
        return Err(JwsError::TooLarge);
    }
    let compact = compact.trim();
    let mut parts = compact.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(JwsError::Malformed("expected three dot-separated parts".into()));
    };
    let header = decode_json(h, "header")?;
    if crate::payload::first_control_character(&header).is_some() {
        return Err(JwsError::Malformed("the header holds a control character (U+0000 to U+001F or U+007F)".into()));
    }
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
        return Err(JwsError::Malformed(format!("unexpected header parameter {k:?}")));
    }
    let jwk_value = header.get("jwk").ok_or(JwsError::Key(JwkError::Absent))?;
    let jwk = PublicJwk::from_json(jwk_value).map_err(JwsError::Key)?;
    let signature = b64::decode(s).ok_or_else(|| JwsError::Malformed("signature is not base64url".into()))?;
    if signature.len() != 64 {
        return Err(JwsError::Malformed("an ES256 signature is 64 bytes".into()));
    }
    if !crate::signature::is_low_s(&signature) {
        return Err(JwsError::HighS);
    }
    Ok(Envelope { header, jwk, signing_input: &compact[..h.len() + 1 + p.len()], payload_part: p, signature })
}

impl Envelope<'_> {
    /// Decodes the payload (base64url, UTF-8, JSON). Call it after the signature verified.
    pub fn payload(&self) -> Result<Value, JwsError> {
        decode_json(self.payload_part, "payload")
    }
}

fn decode_json(part: &str, what: &str) -> Result<Value, JwsError> {
    let bytes = b64::decode(part).ok_or_else(|| JwsError::Malformed(format!("{what} is not base64url")))?;
    let text = String::from_utf8(bytes).map_err(|_| JwsError::Malformed(format!("{what} is not UTF-8")))?;
    json::parse(&text).map_err(|e| JwsError::Malformed(format!("{what} is not JSON: {e}")))
}

/// Splits and decodes a compact JWS: the [`envelope`] rules, then the payload as JSON. Refuses in
/// the same order as [`crate::verifier::verify_with`] with a primitive that accepts every signature.
pub fn parse(compact: &str) -> Result<Parsed, JwsError> {
    let envelope = envelope(compact)?;
    let payload = envelope.payload()?;
    Ok(Parsed {
        header: envelope.header,
        payload,
        signing_input: envelope.signing_input.to_string(),
        signature: envelope.signature,
    })
}

/// Signs a payload with a P-256 private key (RFC 6979 deterministic ECDSA, `s` normalised to the
/// low half): test vectors and load generators only. Returns the compact JWS.
#[cfg(feature = "sign")]
pub fn sign(key: &p256::ecdsa::SigningKey, payload: &Value) -> String {
    use p256::ecdsa::signature::Signer;
    let input = signing_input(&protected_header(&public_jwk(key)), payload);
    let signature: p256::ecdsa::Signature = key.sign(input.as_bytes());
    let mut bytes: [u8; 64] = signature.to_bytes().into();
    crate::signature::normalize_low_s(&mut bytes);
    assemble(&input, &bytes)
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
