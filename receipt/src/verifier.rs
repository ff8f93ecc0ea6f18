//! Receipt verification with the ES256 primitive supplied by the caller.
//!
//! This is the one place the receipt rules are applied: envelope, header, key, signature, schema,
//! principal, in that order. `verify` (feature `verify`, re-exported as `consentry_receipt::verify`)
//! calls [`verify_with`] with RustCrypto's `p256` (portable, no C); the receipt server plugs in an
//! assembly-optimised primitive instead (`server/README.md` has the measured rates of both). Only the
//! curve arithmetic differs. The envelope itself is [`crate::jws`], which knows nothing of this module.

use crate::jwk::{JwkError, PublicJwk};
use crate::jws::{parse, JwsError};
use crate::payload::Receipt;

/// A receipt whose signature, key and schema were checked.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The receipt.
    pub receipt: Receipt,
    /// The signer's key.
    pub jwk: PublicJwk,
}

/// Parses and verifies a compact JWS receipt: ES256 only, embedded P-256 `jwk`, signature, receipt
/// schema, and `piiPrincipalId` equal to the key's thumbprint. The rules are [`verify_with`]'s; this
/// plugs in RustCrypto's `p256` for the curve arithmetic.
#[cfg(feature = "verify")]
pub fn verify(compact: &str) -> Result<Verified, JwsError> {
    verify_with(compact, p256_es256)
}

/// Why the caller's ES256 primitive refused a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Es256Error {
    /// The public key is not a point on P-256.
    Key,
    /// The signature does not verify under the key.
    Signature,
}

/// Verifies a compact JWS receipt like `verify`, with `es256(sec1_point, message,
/// signature)` checking the ES256 signature: `sec1_point` is the uncompressed key (65 bytes),
/// `message` the signing input, `signature` the 64-byte `r ‖ s`.
pub fn verify_with(
    compact: &str,
    es256: impl FnOnce(&[u8], &[u8], &[u8]) -> Result<(), Es256Error>,
) -> Result<Verified, JwsError> {
    let parsed = parse(compact)?;
    let jwk_value = parsed.header.get("jwk").ok_or(JwsError::Key(JwkError::Absent))?;
    let jwk = PublicJwk::from_json(jwk_value).map_err(JwsError::Key)?;
    match es256(&jwk.sec1(), parsed.signing_input.as_bytes(), &parsed.signature) {
        Ok(()) => {}
        Err(Es256Error::Key) => return Err(JwsError::Key(JwkError::NotOnCurve)),
        Err(Es256Error::Signature) => return Err(JwsError::Signature),
    }
    let receipt = Receipt::from_json(&parsed.payload).map_err(JwsError::Schema)?;
    if receipt.principal != jwk.thumbprint() {
        return Err(JwsError::Principal);
    }
    Ok(Verified { receipt, jwk })
}

/// The `p256` primitive that [`verify`] uses, in the shape [`verify_with`] takes.
#[cfg(feature = "verify")]
pub fn p256_es256(sec1: &[u8], message: &[u8], signature: &[u8]) -> Result<(), Es256Error> {
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::{Signature, VerifyingKey};
    let key = VerifyingKey::from_sec1_bytes(sec1).map_err(|_| Es256Error::Key)?;
    let signature = Signature::from_slice(signature).map_err(|_| Es256Error::Signature)?;
    key.verify(message, &signature).map_err(|_| Es256Error::Signature)
}

#[cfg(all(test, feature = "sign"))]
mod tests {
    use super::*;
    use crate::jws;
    use crate::testing::{key_from_seed, sample_jws, sample_receipt};

    #[test]
    fn the_primitive_decides_only_the_signature() {
        let key = key_from_seed("verifier");
        let id = "7b0c5a62-3f1d-4e8a-9b2c-5d6e7f8a9b0c";
        let good = sample_jws(&key, id, 1_790_000_000, None, true);
        assert!(verify_with(&good, p256_es256).is_ok());
        // Another receipt's valid signature, by the same key, on this receipt's header and payload.
        let other = sample_jws(&key, id, 1_790_000_001, None, true);
        let swapped = format!("{}.{}", good.rsplit_once('.').unwrap().0, other.rsplit_once('.').unwrap().1);
        assert_eq!(verify_with(&swapped, p256_es256).unwrap_err(), JwsError::Signature);
        // The caller's answers map onto the crate's errors.
        assert_eq!(verify_with(&good, |_, _, _| Err(Es256Error::Signature)).unwrap_err(), JwsError::Signature);
        assert_eq!(
            verify_with(&good, |_, _, _| Err(Es256Error::Key)).unwrap_err(),
            JwsError::Key(JwkError::NotOnCurve)
        );
        // Rules before and after the signature hold whatever the primitive says.
        assert!(matches!(verify_with("a.b.c", |_, _, _| Ok(())).unwrap_err(), JwsError::Malformed(_)));
        let mut r = sample_receipt(&key, id, 1_790_000_000, None, true);
        r.principal = jws::public_jwk(&key_from_seed("other")).thumbprint();
        assert_eq!(verify_with(&jws::sign(&key, &r.to_json()), |_, _, _| Ok(())).unwrap_err(), JwsError::Principal);
    }
}
